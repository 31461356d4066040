export const JOB_KINDS = ['import', 'contacts-sync', 'reconcile', 'backfill'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** The kinds a cron can start (IMPORT_CRON, CONTACTS_SYNC_CRON). */
export const RECURRING_JOB_KINDS = ['import', 'contacts-sync'] as const satisfies readonly JobKind[];
export type RecurringJobKind = (typeof RECURRING_JOB_KINDS)[number];

/**
 * What a run was asked to do beyond its kind and slug, stored with it (`job_runs.params`) so a
 * resumed run knows it: a backfill's window, a reconcile's `repair`. Triggers coalesce only
 * onto a queued run with the same parameters.
 */
export interface JobRunParams {
  /** Backfill: ISO-8601, inclusive. */
  from?: string;
  /** Backfill: ISO-8601, inclusive; absent = the client's cursor as the backfill starts. */
  to?: string;
  /** Reconcile: re-import what drifted, then check again. */
  repair?: boolean;
}

/** The parameters as stored and compared: only those given, in one key order, `repair` only when true. */
export function canonicalParams(params: JobRunParams = {}): JobRunParams {
  return {
    ...(params.from !== undefined ? { from: params.from } : {}),
    ...(params.to !== undefined ? { to: params.to } : {}),
    ...(params.repair ? { repair: true } : {}),
  };
}

/** A window of `updatedAt`, both ends inclusive, ISO-8601. */
export interface UpdatedAtWindow {
  from: string;
  to: string;
}

/** What a reconcile found for one client (its stats, and what `reconcile.drift_detected` tells). */
export interface ReconcileFindings {
  drift: boolean;
  /** Upstream vs stored tickets updated in [IMPORT_START_AT or the beginning, the cursor]; `window`: where the missing ones are. */
  tickets: {
    upstream: number;
    stored: number;
    /** Listed upstream and absent from the database (where a stretch was too wide to list: what its counts say is missing). */
    missing: number;
    /** Stored, not flagged deleted, and deleted upstream (their messages answer 404): a repair flags them. */
    goneUpstream: number;
    /** Covers every missing ticket; null when none is missing. */
    window: UpdatedAtWindow | null;
    /** When the missing tickets lie in separate stretches: each of them (within `window`). */
    windows?: UpdatedAtWindow[];
  };
  /** Sampled tickets whose upstream message count differs from the stored one. */
  messages: { sampled: number; mismatched: number };
  /** Upstream `meta.total` vs stored contacts not deleted. */
  contacts: { upstream: number | null; stored: number };
}

/** Rows a reconcile found the upstream to have and the database to lack, per table (`helpdesk_importer_reconcile_missing_rows`). */
export interface MissingRows {
  tickets: number;
  /** Over the sampled tickets: the messages upstream beyond those stored. */
  messages: number;
  contacts: number;
}

/** The steps of a reconcile, in order: its incremental import, the check, the repair's re-imports, the check after the repair. */
export const RECONCILE_PHASES = ['import', 'check', 'repair', 'recheck'] as const;
export type ReconcilePhase = (typeof RECONCILE_PHASES)[number];

/**
 * Where a reconcile is: its step and how far into it. The import: tickets walked of those
 * expected; a check: its requests made (bisection probes, sampled tickets' message counts) of
 * at most the probe budget and the sample size (a check with little to bisect ends before
 * spending its budget); the repair: drift windows re-imported of those found.
 */
export interface ReconcileStep {
  phase: ReconcilePhase;
  done: number;
  /** Null: no estimate (an import whose upstream gives no count). */
  total: number | null;
}

/** Rows a run wrote, whatever its kind reports besides (a reconcile: its import's and its repair's). */
export interface StoredRows {
  tickets: number;
  messages: number;
  contacts: number;
  /** Tickets flagged deleted upstream (`deleted_at`). */
  deletedTickets: number;
  deletedContacts: number;
}

/** A `tickets`, `messages` or `contacts` entry of a client's stats as a count: imports and syncs count rows there; a reconcile's findings are not a count (undefined). */
export function countOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What created a run: someone asking (the API, the CLI, an embedding service) or a cron tick. */
export const JOB_TRIGGERS = ['manual', 'schedule'] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

/** The slug of a run that covers every active client. */
export const ALL_CLIENTS = 'all';

export const CLIENT_RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type ClientRunStatus = (typeof CLIENT_RUN_STATUSES)[number];

export const FINISHED_CLIENT_STATUSES: readonly ClientRunStatus[] = ['succeeded', 'failed', 'cancelled'];
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];
export type FinishedJobStatus = Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled'>;

/** A run's error names at most this many failed clients, then how many more failed. */
const FAILURES_NAMED = 20;

/** Per-client progress of a run: one row of `job_run_clients`, copied into `job_runs.stats[slug]` when the run ends. */
export interface ClientRunStats {
  status: ClientRunStatus;
  /** When this client's work began (inside its lock; its first attempt's, when it was resumed) and ended, ISO-8601. */
  startedAt?: string;
  finishedAt?: string;
  pages: number;
  /** Imports and backfills: tickets stored; reconciles: the ticket counts compared (ReconcileFindings). */
  tickets?: number | ReconcileFindings['tickets'];
  /** Imports and backfills: messages stored; reconciles: the sampled message counts compared. */
  messages?: number | ReconcileFindings['messages'];
  skippedTickets?: number;
  /** Imports: tickets walked so far, changed or not; heads for `expectedTickets`. */
  listedTickets?: number;
  /** Imports: the upstream's count of tickets updated since the cursor as the work began (an estimate; null: no count). */
  expectedTickets?: number | null;
  /** Contacts syncs: contacts left in the pass as the work began (an estimate; null: no count); `contacts` heads for it. */
  expectedContacts?: number | null;
  /** Contacts syncs: contacts stored; reconciles: the contact counts compared. */
  contacts?: number | ReconcileFindings['contacts'];
  tags?: number;
  deletedContacts?: number;
  /** Contacts syncs: contacts the completed pass found missing but did not mark deleted (CONTACTS_DELETE_GUARD held them). */
  deletionsHeld?: number;
  /** Contacts syncs: why the completed pass marked fewer contacts deleted than it found missing. */
  warnings?: string[];
  upstreamRequests: number;
  retries: number;
  rateLimited: number;
  cursorBefore: string | null;
  cursorAfter: string | null;
  error?: string;
  /** While the client's requests wait for its rate budget (or a Retry-After), since when, ISO-8601. */
  waitingForBudgetSince?: string;
  /** Set when a later-started run of this client already did the work this run was asked for. */
  coveredBy?: string;
  /** Reconciles: whether anything was found missing or different (then `tickets`, `messages`, `contacts` say what). */
  drift?: boolean;
  /** Reconciles with repair of a client with drift: the window re-imported, and whether the check after it found nothing missing. */
  repair?: { window: UpdatedAtWindow | null; complete: boolean };
  /** Reconciles: the rows its import and its repair wrote (its `tickets`, `messages`, `contacts` being findings). */
  rowsStored?: StoredRows;
  /** Reconciles: what the last check found missing (the check after the repair, when it repaired); the gauge reads it. */
  missingRows?: MissingRows;
  /** Reconciles: the step it is at (the last one it reached, once finished). */
  step?: ReconcileStep;
}

/** One client's share of a run, as listed. */
export interface ClientRunEntry {
  slug: string;
  stats: ClientRunStats;
}

/** Counts over a run's clients. */
export interface ClientTally {
  clients: number;
  byStatus: Record<ClientRunStatus, number>;
  /** Failed clients, at most a few, in slug order: what the run's error names. */
  failures: { slug: string; error: string }[];
}

/** A tally with every count summed over the run's clients: what the status API shows of a large run. */
export interface RunSummary extends ClientTally {
  totals: Record<SummedCounter, number>;
}

/** The counters an attempt adds to those of the attempts before it. */
export const SUMMED_COUNTERS = [
  'pages',
  'tickets',
  'messages',
  'skippedTickets',
  'listedTickets',
  'contacts',
  'tags',
  'deletedContacts',
  'deletionsHeld',
  'upstreamRequests',
  'retries',
  'rateLimited',
] as const satisfies readonly (keyof ClientRunStats)[];
export type SummedCounter = (typeof SUMMED_COUNTERS)[number];

export function isClientFinished(status: ClientRunStatus): boolean {
  return FINISHED_CLIENT_STATUSES.includes(status);
}

/** A client's entry before any work: queued, nothing counted. */
export function queuedClientStats(): ClientRunStats {
  return { status: 'queued', pages: 0, upstreamRequests: 0, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null };
}

/**
 * The stats of a client resumed after an interrupted attempt (a crash, a shutdown, a lost
 * lock): the counts add up across attempts, the cursor before is the first attempt's, and the
 * progress estimate covers what the earlier attempts walked plus what this one expects.
 */
export function resumedClientStats(previous: ClientRunStats | null, attempt: ClientRunStats): ClientRunStats {
  if (!previous?.startedAt) return attempt;
  // A reconcile's `tickets`, `messages` and `contacts` are findings, not counters: the latest attempt's stand.
  const summed = Object.fromEntries(
    SUMMED_COUNTERS.flatMap((key) => {
      const [before, now] = [previous[key], attempt[key]];
      if (before === undefined && now === undefined) return [];
      const [countBefore, countNow] = [countOf(before), countOf(now)];
      if ((before !== undefined && countBefore === undefined) || (now !== undefined && countNow === undefined)) return [[key, now]];
      return [[key, (countBefore ?? 0) + (countNow ?? 0)]];
    }),
  );
  const expected = (walkedBefore: number | undefined, expectedNow: number | null | undefined) =>
    expectedNow === undefined ? undefined : expectedNow === null ? null : (walkedBefore ?? 0) + expectedNow;
  // An attempt stopped before its first checkpoint never learned the cursor it started from; as
  // no checkpoint has moved the cursor since, it is the one this attempt started from.
  const reported = previous.listedTickets !== undefined || previous.contacts !== undefined;
  return {
    ...attempt,
    ...summed,
    startedAt: previous.startedAt,
    cursorBefore: reported ? previous.cursorBefore : attempt.cursorBefore,
    ...(attempt.expectedTickets !== undefined ? { expectedTickets: expected(previous.listedTickets, attempt.expectedTickets) } : {}),
    ...(attempt.expectedContacts !== undefined ? { expectedContacts: expected(countOf(previous.contacts), attempt.expectedContacts) } : {}),
  };
}

export interface JobRunFields {
  id: string;
  kind: JobKind;
  slug: string;
  status: JobStatus;
  /** What created the run; a trigger that joins a queued run does not change it. */
  trigger: JobTrigger;
  requestedAt: Date;
  /** The latest trigger that joined the run while it was queued: the work must cover up to here. */
  lastRequestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /**
   * Each client's stats, keyed by slug, once the run has ended (`job_runs.stats`, for people who
   * query it); empty while it runs, when each client's progress is its own row.
   */
  stats: Record<string, ClientRunStats>;
  error: string | null;
  /** When the run was cancelled; clients still working stop at their next checkpoint. */
  cancelRequestedAt: Date | null;
  /** What the run was asked to do beyond its kind and slug; absent = none. */
  params?: JobRunParams;
}

/** A run of a job over one client or all of them, and the rules of its life. */
export class JobRun implements JobRunFields {
  readonly id: string;
  readonly kind: JobKind;
  readonly slug: string;
  readonly status: JobStatus;
  readonly trigger: JobTrigger;
  readonly requestedAt: Date;
  readonly lastRequestedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly stats: Record<string, ClientRunStats>;
  readonly error: string | null;
  readonly cancelRequestedAt: Date | null;
  readonly params: JobRunParams;

  constructor(fields: JobRunFields) {
    this.id = fields.id;
    this.kind = fields.kind;
    this.slug = fields.slug;
    this.status = fields.status;
    this.trigger = fields.trigger;
    this.requestedAt = fields.requestedAt;
    this.lastRequestedAt = fields.lastRequestedAt;
    this.startedAt = fields.startedAt;
    this.finishedAt = fields.finishedAt;
    this.stats = fields.stats;
    this.error = fields.error;
    this.cancelRequestedAt = fields.cancelRequestedAt;
    this.params = canonicalParams(fields.params);
  }

  get finished(): boolean {
    return FINISHED_JOB_STATUSES.includes(this.status);
  }

  /** Its clients stop at their next checkpoint: it was cancelled, or it ended. */
  get stopRequested(): boolean {
    return this.finished || this.cancelRequestedAt !== null;
  }

  /**
   * How the run ends once none of its clients is queued or running (null while one is):
   * `cancelled` if it was cancelled, else `failed` — the error naming each failed client on its
   * own line — if any client failed, else `succeeded` (a client skipped because it was deleted
   * or deactivated fails nothing).
   */
  outcome(tally: ClientTally): { status: FinishedJobStatus; error: string | null } | null {
    if (tally.byStatus.queued + tally.byStatus.running > 0) return null;
    const failed = tally.byStatus.failed;
    const named = tally.failures.slice(0, FAILURES_NAMED).map(({ slug, error }) => `${slug}: ${error}`);
    if (failed > named.length) named.push(`… and ${failed - named.length} more failed clients`);
    const error = failed ? named.join('\n') : null;
    return { status: this.cancelRequestedAt ? 'cancelled' : failed ? 'failed' : 'succeeded', error };
  }
}

export interface JobRunFilter {
  kind?: JobKind;
  slug?: string;
  status?: JobStatus;
  trigger?: JobTrigger;
  /** Only runs listed after this one, newest first (keyset paging: the last id of the previous page). */
  before?: string;
  /** Newest first, at most this many. */
  limit: number;
}

export interface ClientRunFilter {
  status?: ClientRunStatus;
  /** Slugs after this one (keyset paging, in slug order). */
  after?: string;
  limit: number;
}
