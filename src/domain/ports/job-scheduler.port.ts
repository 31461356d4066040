import type { Client } from '../clients/client.js';
import type { JobRun } from '../jobs/job-run.js';

/**
 * Queues the work of job runs for workers. Both calls are idempotent: scheduling the same run,
 * or the same client of a run, twice queues it once.
 */
export interface JobScheduler {
  /** Queues the run's fan-out: resolving its clients and scheduling each (FanOutRunUseCase). */
  scheduleRun(run: JobRun): Promise<void>;
  /** Queues one job per client of the run (RunClientJobUseCase), to run side by side. */
  scheduleClients(run: JobRun, clients: Client[]): Promise<void>;
  /** Jobs waiting for a worker, by queue name (what the queue-depth metric reports). */
  queueDepth(): Promise<Record<string, number>>;
}
