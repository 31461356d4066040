import type { JobRun } from '../jobs/job-run.js';
import type { JobHandlers } from './job-handlers.port.js';
import type { RunTarget } from './job-run-store.port.js';

/**
 * Queues the work of job runs and, once started, works it. Scheduling is idempotent:
 * scheduling the same run, or the same client of a run, twice queues it once. The adapter owns
 * its lifecycle: `start` begins taking jobs (with whatever polling, sweeps and schedules it
 * needs), `stop` stops taking them, lets the work in flight reach a checkpoint (bounded), and
 * leaves interrupted work to be resumed.
 */
export interface JobScheduler {
  /** Queues the run's fan-out: resolving its clients and scheduling each (FanOutRunUseCase). */
  scheduleRun(run: JobRun): Promise<void>;
  /** Queues one job per client of the run (RunClientJobUseCase), to run side by side. */
  scheduleClients(run: JobRun, clients: RunTarget[]): Promise<void>;
  /** Jobs waiting for a worker, by queue name (what the queue-depth metric reports). */
  queueDepth(): Promise<Record<string, number>>;
  /** Starts working the queued jobs in this process with these handlers. */
  start(handlers: JobHandlers): Promise<void>;
  /** Stops taking jobs; the work in flight is told to stop (signal) and awaited, within a bound. */
  stop(): Promise<void>;
}
