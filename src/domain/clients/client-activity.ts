import type { ClientRunStats, JobKind } from '../jobs/job-run.js';

/** What the service holds of a client's data. */
export interface StoredCounts {
  /** Tickets not marked deleted. */
  tickets: number;
  messages: number;
  /** Contacts not marked deleted. */
  contacts: number;
}

/** A client's share of the latest run of one kind it took part in. */
export interface ClientLastRun {
  runId: string;
  kind: JobKind;
  requestedAt: Date;
  stats: ClientRunStats;
}

/** Where a client stands: its stored data, its cursors, and its latest run of each kind. */
export interface ClientActivity {
  slug: string;
  stored: StoredCounts;
  /** Every cursor of the client (`sync_cursors`), keyed by CURSOR_KEYS. */
  cursors: Record<string, string>;
  /** Newest first; a kind the client never took part in is absent. */
  lastRuns: ClientLastRun[];
}
