import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import type { ContactSource } from '../../domain/ports/contact-source.port.js';
import type { ContactStore } from '../../domain/ports/contact-store.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import type { ContactsSettings } from '../settings.js';
import { TOKENS } from '../tokens.js';
import { deletionGuardHolds } from './deletion-guard.js';
import { findMissingContacts, type PageEvidence } from './missing-contacts.js';

export interface SettledDeletions {
  deleted: number;
  held: number;
  warnings: string[];
}

export interface CompletedPass {
  pass: number;
  pageSize: number;
  /** The pages this run read of the pass (all of them, unless the pass resumed), as evidence. */
  walked: ReadonlyMap<number, PageEvidence>;
  /** The number of the short page that completed the pass. */
  lastPage: number;
}

/**
 * What a complete contacts pass does with the client's contacts it did not see: marks deleted
 * those proven missing upstream (findMissingContacts), unless the deletion guard holds them;
 * deletions held by an earlier pass are applied when this one proves them missing again.
 */
@injectable()
export class SettleContactDeletions {
  constructor(
    @inject(TOKENS.ContactSource) private readonly contacts: ContactSource,
    @inject(TOKENS.ContactStore) private readonly store: ContactStore,
    @inject(TOKENS.ContactsSettings) private readonly settings: ContactsSettings,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async execute(client: Client, completed: CompletedPass, signal?: AbortSignal): Promise<SettledDeletions> {
    const settled: SettledDeletions = { deleted: 0, held: 0, warnings: [] };
    const log = this.logger.child({ client: client.slug, pass: completed.pass });
    // An empty first page is what an upstream glitch answers: it proves nothing missing.
    if (completed.walked.get(1)?.count === 0) {
      const live = await this.store.countLive(client.id);
      if (live > 0) this.warn(settled, log, { live }, `the upstream listed no contacts at all (an empty first page): none of the ${live} stored contacts was marked deleted`);
      return settled;
    }
    const unseen = await this.store.listUnseen(client.id, completed.pass);
    if (unseen.length === 0) return settled;

    const search = await findMissingContacts(
      unseen,
      async (page) => {
        const { items, total } = await this.contacts.listContacts(client, { page, limit: completed.pageSize }, signal);
        await this.store.savePage(client.id, items, completed.pass);
        return { page, ids: items.map((c) => c.id), total };
      },
      // Never more than about two walks of the listing.
      { pageSize: completed.pageSize, maxRequests: 2 * completed.lastPage + 2, walked: completed.walked },
    );
    if (search.unresolved.length) log.info({ unresolved: search.unresolved.length, requests: search.requests }, 'contacts not seen and not proven missing: left as they are until the next pass');

    const heldBefore = new Set(unseen.filter((c) => c.deletionHeld).map((c) => c.id));
    const confirmed = search.missing.filter((id) => heldBefore.has(id));
    const fresh = search.missing.filter((id) => !heldBefore.has(id));
    const live = await this.store.countLive(client.id);
    const holds = deletionGuardHolds(fresh.length, live, this.settings.deleteGuard);
    settled.deleted = await this.store.markDeleted(client.id, holds ? confirmed : search.missing, completed.pass);
    if (holds) {
      await this.store.holdDeletion(client.id, fresh, completed.pass);
      settled.held = fresh.length;
      this.warn(
        settled,
        log,
        { deletionsHeld: fresh.length, live, guard: this.settings.deleteGuard },
        `deletion guard: ${fresh.length} of ${live} live contacts are missing upstream, more than CONTACTS_DELETE_GUARD=${this.settings.deleteGuard} of them: none marked deleted; the next complete pass that finds them missing deletes them`,
      );
    }
    return settled;
  }

  private warn(settled: SettledDeletions, log: Logger, fields: object, message: string): void {
    settled.warnings.push(message);
    log.warn(fields, message);
  }
}
