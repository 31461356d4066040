import type { ClientRunStats, FinishedJobStatus, JobKind, JobRun, JobRunFilter, JobTrigger } from '../jobs/job-run.js';

export interface QueuedRun {
  run: JobRun;
  /** True when the trigger joined a run that was already queued for the same kind and slug. */
  coalesced: boolean;
}

/** The history of job runs (`job_runs`); safe to use from several processes at once. */
export interface JobRunStore {
  /** Creates a queued run, or joins the one already queued for the same kind and slug (moving its `lastRequestedAt` to now). */
  enqueue(kind: JobKind, slug: string, trigger: JobTrigger): Promise<QueuedRun>;
  findById(id: string): Promise<JobRun | null>;
  /** Newest first. */
  list(filter: JobRunFilter): Promise<JobRun[]>;
  /** Records the clients a run will process, each `queued`; entries already there are kept. */
  addClients(id: string, slugs: string[]): Promise<void>;
  /** queued → running, stamping `startedAt`. Returns the run when it is running, null when it ended (cancelled). */
  markRunning(id: string): Promise<JobRun | null>;
  /** Replaces one client's entry in `stats`, leaving the other clients' entries alone; returns the run. */
  saveClientStats(id: string, slug: string, stats: ClientRunStats): Promise<JobRun>;
  /** Ends a queued or running run; returns false when it had already ended. */
  finish(id: string, status: FinishedJobStatus, error: string | null): Promise<boolean>;
  /** A queued run is cancelled at once; a running one is marked for its clients to stop. Null when it was not queued or running. */
  requestCancel(id: string): Promise<JobRun | null>;
  /**
   * The run (other than `exceptRunId`) in which this client's work of that kind succeeded having
   * started at or after `since`: it already covers a trigger made at `since`. Null if none.
   */
  findRunCoveringClient(kind: JobKind, slug: string, since: Date, exceptRunId: string): Promise<string | null>;
  /** The database's clock: it orders runs across processes whose own clocks may disagree. */
  currentTime(): Promise<Date>;
  /** Deletes finished runs requested before `before`; returns how many. */
  deleteFinishedBefore(before: Date): Promise<number>;
}
