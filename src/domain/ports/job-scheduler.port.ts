import type { JobRun } from '../jobs/job-run.js';

/**
 * Runs queued job runs in the background. Runs of the same kind and slug never overlap:
 * a run scheduled while an equal one is active starts after it.
 */
export interface JobScheduler {
  schedule(run: JobRun): Promise<void>;
}

/** Executes one queued run to completion; what a scheduler calls. */
export interface JobRunner {
  execute(runId: string): Promise<void>;
}
