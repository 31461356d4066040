import { inject, injectable } from 'tsyringe';
import type { JobKind, JobRun } from '../../domain/jobs/job-run.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.port.js';
import { TOKENS } from '../tokens.js';

export interface StartJobResult {
  run: JobRun;
  coalesced: boolean;
}

/**
 * Accepts a trigger: records a queued run and schedules it. A trigger for a kind and slug that
 * already has a queued run joins that run instead, so any number of triggers while a client is
 * busy yield exactly one follow-up run.
 */
@injectable()
export class StartJobUseCase {
  constructor(
    @inject(TOKENS.JobRunStore) private readonly runs: JobRunStore,
    @inject(TOKENS.JobScheduler) private readonly scheduler: JobScheduler,
  ) {}

  async execute(kind: JobKind, slug: string): Promise<StartJobResult> {
    const { run, coalesced } = await this.runs.enqueue(kind, slug);
    // Scheduling is idempotent, so a coalesced trigger also repairs a run whose first scheduling was lost.
    await this.scheduler.scheduleRun(run);
    return { run, coalesced };
  }
}
