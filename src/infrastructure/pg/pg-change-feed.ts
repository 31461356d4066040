import { inject, injectable } from 'tsyringe';
import type pg from 'pg';
import type { ChangeFeed, StoredChange } from '../../domain/ports/change-feed.port.js';
import { INFRA_TOKENS } from '../infra-tokens.js';

/** The PostgreSQL channel listeners `LISTEN` on; part of the public contract (README, docs/data-model.md). */
export const CHANGES_CHANNEL = 'helpdesk_importer_changes';

/**
 * Announces stored changes with `NOTIFY helpdesk_importer_changes`. It runs after the
 * checkpoint's own statement committed, so a listener that reads on hearing it sees the rows.
 * The payload is a few hundred bytes whatever the work (PostgreSQL refuses 8,000).
 */
@injectable()
export class PgChangeFeed implements ChangeFeed {
  constructor(@inject(INFRA_TOKENS.Pool) private readonly pool: pg.Pool) {}

  async announce(change: StoredChange): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify(changePayload(change))]);
  }
}

/** The payload as listeners receive it (camelCase, like every JSON body of the service). */
export function changePayload(change: StoredChange): Record<string, unknown> {
  return {
    clientId: change.clientId,
    slug: change.slug,
    kind: change.kind,
    runId: change.runId,
    stored: { tickets: change.tickets, messages: change.messages, contacts: change.contacts },
    deleted: { tickets: change.deletedTickets, contacts: change.deletedContacts },
    cursor: change.cursor,
  };
}
