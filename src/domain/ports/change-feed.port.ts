import type { JobKind } from '../jobs/job-run.js';

/** What one checkpoint (or a few coalesced ones) of a client's run stored. */
export interface StoredChange {
  clientId: string;
  slug: string;
  kind: JobKind;
  runId: string;
  /** Rows stored since the previous announcement of this client's run. */
  tickets: number;
  messages: number;
  contacts: number;
  /** Rows flagged `deleted_at` since then: tickets whose messages answered 404, contacts proven gone. */
  deletedTickets: number;
  deletedContacts: number;
  /** The client's cursor after this checkpoint (for imports, `tickets:lastImportAt`). */
  cursor: string | null;
}

/**
 * Tells listeners downstream that new data was stored. A hint, not the record: a listener that
 * missed one (it was not connected) loses nothing, since the rows carry their change positions.
 */
export interface ChangeFeed {
  announce(change: StoredChange): Promise<void>;
}
