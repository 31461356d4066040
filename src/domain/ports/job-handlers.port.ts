import type { ClientJob } from '../jobs/client-job.js';
import type { JobKind } from '../jobs/job-run.js';

/** What a worker executes for the jobs a JobScheduler queued. */
export interface JobHandlers {
  fanOut(runId: string): Promise<void>;
  /** `signal` aborts on shutdown: the work stops at once, checkpointed, and the job is left to be retried. */
  runClient(job: ClientJob, signal?: AbortSignal): Promise<void>;
  /** A job the queue gave up on (its retries exhausted): record it failed so its run can end. */
  abandon(job: { runId: string; client?: ClientJob }, reason: string): Promise<void>;
  /** A cron tick (once per tick, however often the timekeeper sent it): start a run of this kind for all active clients. */
  startScheduledRun(kind: JobKind, tick: Date): Promise<void>;
  /** Deletes old finished runs; returns how many. */
  pruneHistory(): Promise<number>;
  /** Schedules again queued runs whose scheduling was lost; returns how many. */
  rescheduleStalledRuns(): Promise<number>;
}
