import { inject, injectable } from 'tsyringe';
import type { JobKind, JobRun, JobTrigger } from '../../domain/jobs/job-run.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.port.js';
import { TOKENS } from '../tokens.js';

export interface StartJobResult {
  run: JobRun;
  coalesced: boolean;
}

/**
 * Accepts a trigger: records a queued run and schedules it. A trigger for a kind and slug that
 * already has a queued run joins that run instead (one statement, no scheduling: the fast path
 * when triggers pour in).
 */
@injectable()
export class StartJobUseCase {
  constructor(
    @inject(TOKENS.JobRunStore) private readonly runs: JobRunStore,
    @inject(TOKENS.JobScheduler) private readonly scheduler: JobScheduler,
  ) {}

  async execute(kind: JobKind, slug: string, trigger: JobTrigger = 'manual'): Promise<StartJobResult> {
    const { run, coalesced } = await this.runs.enqueue(kind, slug, trigger);
    if (!coalesced) await this.scheduler.scheduleRun(run);
    return { run, coalesced };
  }
}
