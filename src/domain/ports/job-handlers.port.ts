import type { ClientJob } from '../jobs/client-job.js';

/** What a worker executes for the jobs a JobScheduler queued. */
export interface JobHandlers {
  fanOut(runId: string): Promise<void>;
  /** `signal` aborts at the next page boundary (shutdown): the job is then left to be retried. */
  runClient(job: ClientJob, signal?: AbortSignal): Promise<void>;
  /** A job the queue gave up on (its retries exhausted): record it failed so its run can end. */
  abandon(job: { runId: string; client?: ClientJob }, reason: string): Promise<void>;
}
