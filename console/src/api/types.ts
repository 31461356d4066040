/* The shapes of the admin API's answers the console reads (the OpenAPI document at /api/openapi.json is the contract). */

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Client {
  id: string;
  slug: string;
  name: string;
  active: boolean;
  apiBaseUrl: string;
  /** Masked by the API: "••••abcd". */
  apiToken: string;
  requestsPerMinute: number | null;
  createdAt: string;
  updatedAt: string;
}

/** A window of `updatedAt`, both ends inclusive. */
export interface UpdatedAtWindow {
  from: string;
  to: string;
}

/** A reconcile's ticket counts (in place of a count of tickets stored). */
export interface ReconcileTickets {
  upstream: number;
  stored: number;
  missing: number;
  goneUpstream: number;
  window: UpdatedAtWindow | null;
  windows?: UpdatedAtWindow[];
}

/** Where a reconcile is: its step, and how far into it (import: tickets walked of expected; check, recheck: requests (probes, sampled message counts) of at most the probe budget plus the sample; repair: windows re-imported of found). */
export interface ReconcileStep {
  phase: 'import' | 'check' | 'repair' | 'recheck';
  done: number;
  total: number | null;
}

/** Rows per table. */
export interface RowCounts {
  tickets: number;
  messages: number;
  contacts: number;
}

export interface ClientRunStats {
  status: RunStatus;
  startedAt?: string;
  finishedAt?: string;
  pages: number;
  /** Imports and backfills: tickets stored; reconciles: the ticket counts compared. */
  tickets?: number | ReconcileTickets;
  /** Imports and backfills: messages stored; reconciles: the sampled message counts compared. */
  messages?: number | { sampled: number; mismatched: number };
  skippedTickets?: number;
  listedTickets?: number;
  expectedTickets?: number | null;
  /** Contacts syncs: contacts stored; reconciles: the contact counts compared. */
  contacts?: number | { upstream: number | null; stored: number };
  expectedContacts?: number | null;
  tags?: number;
  deletedContacts?: number;
  deletionsHeld?: number;
  upstreamRequests: number;
  retries: number;
  rateLimited: number;
  cursorBefore: string | null;
  cursorAfter: string | null;
  error?: string;
  waitingForBudgetSince?: string;
  coveredBy?: string;
  /** Reconcile runs (issue 11): whether the stored data differed from the upstream. */
  drift?: boolean;
  /** Reconciles with repair of a client with drift. */
  repair?: { window: UpdatedAtWindow | null; complete: boolean };
  /** Reconciles: the rows its import and its repair wrote. */
  rowsStored?: RowCounts & { deletedTickets: number; deletedContacts: number };
  /** Reconciles: what the last check found missing. */
  missingRows?: RowCounts;
  /** Reconciles: the step it is at. */
  step?: ReconcileStep;
  /** Contacts syncs: why the pass marked fewer contacts deleted than it found missing. */
  warnings?: string[];
}

export interface ClientLastRun {
  runId: string;
  href: string;
  status: RunStatus;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  stats: ClientRunStats;
}

export interface ClientActivity {
  slug: string;
  stored: { tickets: number; messages: number; contacts: number };
  cursors: Record<string, string>;
  lastRuns: Record<string, ClientLastRun>;
}

export interface RunSummary {
  clients: number;
  byStatus: Record<RunStatus, number>;
  totals: Record<string, number>;
}

export interface JobRun {
  id: string;
  kind: string;
  slug: string;
  status: RunStatus;
  trigger: string;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelRequestedAt: string | null;
  stats: Record<string, ClientRunStats>;
  summary: RunSummary | null;
  clients: { href: string; complete: boolean };
  error: string | null;
}

export interface RunClient extends ClientRunStats {
  slug: string;
}

export interface RunFilter {
  kind?: string;
  status?: string;
  slug?: string;
  trigger?: string;
}

export interface NewClient {
  slug: string;
  name: string;
  apiBaseUrl: string;
  apiToken: string;
  /** Null: the service default. A text the form could not read as a number is sent as typed, for the API to say what is wrong with it. */
  requestsPerMinute: number | string | null;
  active?: boolean;
}

export type ClientChanges = Partial<Omit<NewClient, 'slug'>>;
