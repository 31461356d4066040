import type { JobRun } from '../../src/domain/jobs/job-run.js';
import type { JobScheduler } from '../../src/domain/ports/job-scheduler.port.js';

/** A scheduler that runs nothing and records what it was asked to schedule. */
export class RecordingJobScheduler implements JobScheduler {
  readonly scheduled: JobRun[] = [];

  async schedule(run: JobRun): Promise<void> {
    this.scheduled.push(structuredClone(run));
  }
}
