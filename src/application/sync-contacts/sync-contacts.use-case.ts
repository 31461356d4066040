import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import type { ContactSource } from '../../domain/ports/contact-source.port.js';
import type { ContactStore, SavedContactsPage } from '../../domain/ports/contact-store.port.js';
import type { CursorStore } from '../../domain/ports/cursor-store.port.js';
import { CURSOR_KEYS } from '../../domain/sync-cursor.js';
import { TOKENS } from '../tokens.js';
import type { Contact } from '../../domain/contacts/contact.js';
import type { ListedPage } from '../../domain/ports/page-query.js';
import { boundsOf, isCutShort, type PageBounds } from './listing-evidence.js';
import { SettleContactDeletions } from './settle-contact-deletions.js';

export interface SyncContactsReport {
  pages: number;
  contacts: number;
  tags: number;
  deletedContacts: number;
  /** Contacts the completed pass found missing upstream but did not mark deleted: the deletion guard held them. */
  deletionsHeld: number;
  /** Why the completed pass marked fewer contacts deleted than it could have (the guard, an empty first page, a listing cut short, a failed look); absent when none. */
  warnings?: string[];
  /**
   * Contacts this run should walk, from where it resumed to the end of the pass: the upstream's
   * count as the run began, less the pages already stored (an estimate). Null when the upstream
   * gives no count.
   */
  expectedContacts: number | null;
  cursorBefore: string | null;
  cursorAfter: string | null;
}

/** The upstream always serves contacts 50 a page; a shorter page is the last. */
export const CONTACTS_PAGE_SIZE = 50;

/** Extra reads of a short page whose own meta.total says more contacts follow (a glitch), before the pass ends on it. */
const CUT_SHORT_REREADS = 2;

/**
 * Syncs a client's contacts and tags page by page, resuming after the last fully stored page.
 * A pass may span several runs and ends on its first short page (read again while its own
 * meta.total says more contacts follow); then SettleContactDeletions decides what the contacts it
 * did not see mean, and only after that is the pass recorded complete (a retry of its end is
 * harmless: it decides the same). Pages read again meanwhile count in the report and reach
 * `onProgress`. When `signal` aborts, the page being fetched is given up at once: the sync
 * resumes after the last stored page.
 */
@injectable()
export class SyncContactsUseCase {
  constructor(
    @inject(TOKENS.ContactSource) private readonly contacts: ContactSource,
    @inject(TOKENS.ContactStore) private readonly store: ContactStore,
    @inject(TOKENS.CursorStore) private readonly cursors: CursorStore,
    @inject(SettleContactDeletions) private readonly deletions: SettleContactDeletions,
  ) {}

  async execute(client: Client, onProgress: (report: SyncContactsReport) => Promise<void> = async () => {}, signal?: AbortSignal): Promise<SyncContactsReport> {
    const cursor = await this.cursors.get(client.id, CURSOR_KEYS.contactsPage);
    const report: SyncContactsReport = { pages: 0, contacts: 0, tags: 0, deletedContacts: 0, deletionsHeld: 0, expectedContacts: null, cursorBefore: cursor, cursorAfter: cursor };
    const lastStoredPage = Number(cursor ?? 0) || 0;
    const pass = await this.currentPass(client, lastStoredPage === 0);
    const walked = new Map<number, PageBounds>();
    const storedAgain = async (saved: SavedContactsPage) => {
      report.pages += 1;
      report.contacts += saved.contacts;
      report.tags += saved.tags;
      await onProgress(report);
    };

    for (let page = lastStoredPage + 1; ; page += 1) {
      const { items: contacts, total } = await this.readPage(client, page, signal);
      if (report.pages === 0 && total !== null) report.expectedContacts = Math.max(0, total - lastStoredPage * CONTACTS_PAGE_SIZE);
      const saved = await this.store.savePage(client.id, contacts, pass);
      const answer = { page, ids: contacts.map((c) => c.id), total };
      walked.set(page, boundsOf(answer, CONTACTS_PAGE_SIZE));
      report.pages += 1;
      report.contacts += saved.contacts;
      report.tags += saved.tags;
      const complete = contacts.length < CONTACTS_PAGE_SIZE;
      if (complete) {
        const settled = await this.deletions.execute(client, { pass, pageSize: CONTACTS_PAGE_SIZE, walked, lastPage: answer }, storedAgain, signal);
        report.deletedContacts = settled.deleted;
        report.deletionsHeld = settled.held;
        if (settled.warnings.length) report.warnings = settled.warnings;
      }
      report.cursorAfter = complete ? '0' : String(page);
      await this.cursors.set(client.id, CURSOR_KEYS.contactsPage, report.cursorAfter);
      await onProgress(report);
      if (complete) return report;
    }
  }

  /** A page cut short (its own meta.total says more contacts follow) is read again before the pass ends on it. */
  private async readPage(client: Client, page: number, signal?: AbortSignal): Promise<ListedPage<Contact>> {
    const query = { page, limit: CONTACTS_PAGE_SIZE };
    let listed = await this.contacts.listContacts(client, query, signal);
    for (let again = 0; again < CUT_SHORT_REREADS && isCutShort({ page, ids: listed.items.map((c) => c.id), total: listed.total }, CONTACTS_PAGE_SIZE); again++) {
      listed = await this.contacts.listContacts(client, query, signal);
    }
    return listed;
  }

  private async currentPass(client: Client, startsNewPass: boolean): Promise<number> {
    const pass = Number(await this.cursors.get(client.id, CURSOR_KEYS.contactsPass)) || 0;
    if (!startsNewPass) return pass;
    await this.cursors.set(client.id, CURSOR_KEYS.contactsPass, String(pass + 1));
    return pass + 1;
  }
}
