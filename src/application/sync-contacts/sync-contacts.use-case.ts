import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import type { ContactSource } from '../../domain/ports/contact-source.port.js';
import type { ContactStore } from '../../domain/ports/contact-store.port.js';
import type { CursorStore } from '../../domain/ports/cursor-store.port.js';
import { CURSOR_KEYS } from '../../domain/sync-cursor.js';
import { TOKENS } from '../tokens.js';
import { evidenceOf, type PageEvidence } from './missing-contacts.js';
import { SettleContactDeletions } from './settle-contact-deletions.js';

export interface SyncContactsReport {
  pages: number;
  contacts: number;
  tags: number;
  deletedContacts: number;
  /** Contacts the completed pass found missing upstream but did not mark deleted: the deletion guard held them. */
  deletionsHeld: number;
  /** Why the completed pass marked fewer contacts deleted than it could have (the guard, an empty first page); absent when none. */
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

/**
 * Syncs a client's contacts and tags page by page, resuming after the last fully stored page.
 * A pass may span several runs; when it completes, the contacts it did not see and can prove
 * gone upstream are marked deleted (SettleContactDeletions). When `signal` aborts, the page being
 * fetched is given up at once: the sync resumes after the last stored page.
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
    const walked = new Map<number, PageEvidence>();

    for (let page = lastStoredPage + 1; ; page += 1) {
      const { items: contacts, total } = await this.contacts.listContacts(client, { page, limit: CONTACTS_PAGE_SIZE }, signal);
      if (report.pages === 0 && total !== null) report.expectedContacts = Math.max(0, total - lastStoredPage * CONTACTS_PAGE_SIZE);
      const saved = await this.store.savePage(client.id, contacts, pass);
      walked.set(page, evidenceOf({ page, ids: contacts.map((c) => c.id), total }));
      report.pages += 1;
      report.contacts += saved.contacts;
      report.tags += saved.tags;
      const complete = contacts.length < CONTACTS_PAGE_SIZE;
      if (complete) {
        const settled = await this.deletions.execute(client, { pass, pageSize: CONTACTS_PAGE_SIZE, walked, lastPage: page }, signal);
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

  private async currentPass(client: Client, startsNewPass: boolean): Promise<number> {
    const pass = Number(await this.cursors.get(client.id, CURSOR_KEYS.contactsPass)) || 0;
    if (!startsNewPass) return pass;
    await this.cursors.set(client.id, CURSOR_KEYS.contactsPass, String(pass + 1));
    return pass + 1;
  }
}
