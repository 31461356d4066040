import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import type { ContactSource } from '../../domain/ports/contact-source.port.js';
import type { ContactStore, SavedContactsPage } from '../../domain/ports/contact-store.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import type { ContactsSettings } from '../settings.js';
import { TOKENS } from '../tokens.js';
import { isCutShort, type ListedContactsPage, type PageBounds } from './listing-evidence.js';
import { findMissingContacts } from './missing-contacts.js';
import { decideDeletions } from './pass-deletions.js';

export interface SettledDeletions {
  deleted: number;
  held: number;
  /** Contacts this pass only suspected missing: the next complete pass deletes them if it finds them missing too. */
  suspected: number;
  warnings: string[];
}

export interface CompletedPass {
  pass: number;
  pageSize: number;
  /** The pages this run read of the pass (all of them, unless the pass resumed), as evidence. */
  walked: ReadonlyMap<number, PageBounds>;
  /** The short page that ended the pass. */
  lastPage: ListedContactsPage;
}

/**
 * What a complete contacts pass does with the client's contacts it did not see: finds which are
 * missing upstream (findMissingContacts, storing every page it reads again and reporting it to
 * `onPageStored`), decides what that means (decideDeletions: the deletion guard, suspicions kept
 * for the next pass) and applies it in one transaction. A pass whose listing did not really end —
 * an empty first page, or a last page its own `meta.total` contradicts — deletes nothing.
 */
@injectable()
export class SettleContactDeletions {
  constructor(
    @inject(TOKENS.ContactSource) private readonly contacts: ContactSource,
    @inject(TOKENS.ContactStore) private readonly store: ContactStore,
    @inject(TOKENS.ContactsSettings) private readonly settings: ContactsSettings,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async execute(client: Client, completed: CompletedPass, onPageStored: (saved: SavedContactsPage) => Promise<void> = async () => {}, signal?: AbortSignal): Promise<SettledDeletions> {
    const settled: SettledDeletions = { deleted: 0, held: 0, suspected: 0, warnings: [] };
    const log = this.logger.child({ client: client.slug, pass: completed.pass });
    const { lastPage, pageSize } = completed;
    if (isCutShort(lastPage, pageSize)) {
      this.warn(settled, log, { page: lastPage.page, listed: lastPage.ids.length, total: lastPage.total }, `the listing ended early: page ${lastPage.page} came back with ${lastPage.ids.length} contacts although its meta.total says ${lastPage.total}, also when read again: no contact was marked deleted, and the contacts after page ${lastPage.page - 1} were not refreshed by this pass`);
      return settled;
    }
    if (lastPage.page === 1 && lastPage.ids.length === 0) {
      const live = await this.store.countLive(client.id);
      if (live > 0) this.warn(settled, log, { live }, `the upstream listed no contacts at all (an empty first page): none of the ${live} stored contacts was marked deleted`);
      return settled;
    }
    const unseen = await this.store.listUnseen(client.id, completed.pass);
    if (unseen.length === 0) return settled;

    const search = await findMissingContacts(
      unseen,
      async (page) => {
        const { items, total } = await this.contacts.listContacts(client, { page, limit: pageSize }, signal);
        await onPageStored(await this.store.savePage(client.id, items, completed.pass));
        return { page, ids: items.map((c) => c.id), total };
      },
      // Never more than about two walks of the listing.
      { pageSize, maxRequests: 2 * lastPage.page + 2, walked: completed.walked },
    );
    if (search.failed) this.warn(settled, log, { unresolved: search.unresolved.length }, `the upstream failed while ${search.unresolved.length} contacts not seen by this pass were looked for again: they were left as they are until the next pass`);
    else if (search.unresolved.length) log.info({ unresolved: search.unresolved.length, requests: search.requests }, 'contacts not seen and not proven missing: left as they are until the next pass');

    const live = await this.store.countLive(client.id);
    const decided = decideDeletions(unseen, search, live, this.settings.deleteGuard);
    settled.deleted = await this.store.applyDeletions(client.id, completed.pass, decided);
    settled.held = decided.hold.length;
    settled.suspected = decided.suspect.length;
    if (decided.suspect.length) log.info({ suspected: decided.suspect.length }, 'contacts suspected missing (their place lies between two pages, or past a last page with no meta.total): the next complete pass marks them deleted if it finds them missing too');
    if (decided.guardHeld) {
      this.warn(
        settled,
        log,
        { deletionsHeld: decided.hold.length, live, guard: this.settings.deleteGuard },
        `deletion guard: ${decided.hold.length} of ${live} live contacts are missing upstream, more than CONTACTS_DELETE_GUARD=${this.settings.deleteGuard} of them: none marked deleted; the next complete pass that finds them missing deletes them`,
      );
    }
    return settled;
  }

  private warn(settled: SettledDeletions, log: Logger, fields: object, message: string): void {
    settled.warnings.push(message);
    log.warn(fields, message);
  }
}
