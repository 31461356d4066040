import type { ClientRunEntry, ClientRunFilter, ClientRunStats, ClientTally, FinishedJobStatus, JobKind, JobRun, JobRunFilter, JobRunParams, JobTrigger, RunSummary } from '../jobs/job-run.js';

export interface QueuedRun {
  run: JobRun;
  /** True when the trigger joined a run that was already queued for the same kind and slug. */
  coalesced: boolean;
}

/** A client a run will process. */
export interface RunTarget {
  slug: string;
  clientId: string;
}

/**
 * The history of job runs (`job_runs`) and of each client's share of them (`job_run_clients`,
 * one row per client of a run); safe to use from several processes at once. A client's
 * checkpoint writes that client's row only, whatever the size of the run.
 *
 * Webhook events (the outbox, `webhook_deliveries`) are queued by the writes that end what they
 * tell about, atomically with them; the domain decides the rest:
 * - which events: a share saved with a finished status queues `clientShareFinishedEvents`
 *   (client_run.finished, and reconcile.drift_detected on drift); a run ended by `finish` or by
 *   a cancel of a queued run queues `runFinishedEvent` (a cancel also each share's events);
 * - for whom: `receiversToQueue` (this process's settings) and each event's `audienceSlug`;
 * - once: each event carries `webhookIdOf(run, client, type)` and queuing an existing one does
 *   nothing, so a share or a run ended twice queues its events once.
 */
export interface JobRunStore {
  /**
   * Creates a queued run, or joins the one already queued for the same kind, slug and
   * parameters (moving its `lastRequestedAt` to now): two backfills of different windows stay two runs.
   */
  enqueue(kind: JobKind, slug: string, trigger: JobTrigger, params?: JobRunParams): Promise<QueuedRun>;
  findById(id: string): Promise<JobRun | null>;
  /** Newest first. */
  list(filter: JobRunFilter): Promise<JobRun[]>;
  /** Records the clients a run will process, each `queued`, in one statement; clients already recorded are kept as they are. */
  addClients(id: string, targets: RunTarget[]): Promise<void>;
  /** The clients recorded for a run, with the client ids they were recorded with. */
  targetsOf(id: string): Promise<RunTarget[]>;
  /** One client's stats in a run; null when the run has no such client. */
  findClient(id: string, slug: string): Promise<ClientRunStats | null>;
  /** A run's clients in slug order, a page at a time. */
  listClients(id: string, filter: ClientRunFilter): Promise<ClientRunEntry[]>;
  /** For each run, its clients most recently updated, at most `limit` of each. */
  recentClients(ids: string[], limit: number): Promise<Map<string, ClientRunEntry[]>>;
  /** Counts of each run's clients by status, with totals; runs with no client recorded are absent. */
  summarize(ids: string[]): Promise<Map<string, RunSummary>>;
  /** Counts of a run's clients by status, and its first failures: what deciding its end needs. */
  tally(id: string): Promise<ClientTally>;
  /** queued → running, stamping `startedAt`. Returns the run when it is running, null when it ended (cancelled). */
  markRunning(id: string): Promise<JobRun | null>;
  /**
   * Replaces one client's stats, leaving every other row alone; a finished status also queues
   * the share's events (see above), in the same statement. Returns whether the client should
   * stop: its run was cancelled or has ended.
   */
  saveClientStats(id: string, slug: string, stats: ClientRunStats): Promise<{ stopRequested: boolean }>;
  /**
   * Ends a queued or running run, copying its clients' stats into `job_runs.stats` and queuing
   * its run.finished in the same statement; returns false when it had already ended (nothing queued).
   */
  finish(id: string, status: FinishedJobStatus, error: string | null): Promise<boolean>;
  /**
   * A queued run is cancelled at once, with its clients, its events queued with the cancel; a
   * running one is marked for its clients to stop (it ends, with its events, when they have).
   * Null when it was not queued or running.
   */
  requestCancel(id: string): Promise<JobRun | null>;
  /**
   * The run (other than `exceptRunId`) in which this client's work of that kind and those
   * parameters succeeded having started at or after `since`: it already covers a trigger made
   * at `since`. Null if none.
   */
  findRunCoveringClient(kind: JobKind, slug: string, since: Date, exceptRunId: string, params?: JobRunParams): Promise<string | null>;
  /** The database's clock: it orders runs across processes whose own clocks may disagree. */
  currentTime(): Promise<Date>;
  /**
   * Deletes runs that finished before `before`, with their clients and webhook deliveries; a run
   * with a delivery still being tried (pending, within its retry window) is kept until it settles. Returns how many.
   */
  deleteFinishedBefore(before: Date): Promise<number>;
}
