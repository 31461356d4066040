import { inject, injectable } from 'tsyringe';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.port.js';
import { TOKENS } from '../tokens.js';

/** A run queued this long without being fanned out has lost its scheduling (a crash between the two). */
const STALLED_AFTER_MS = 30_000;

/**
 * Schedules again the queued runs whose scheduling was lost: the trigger's row is written
 * before its fan-out job, and a process can die in between. Scheduling is idempotent, so a run
 * merely waiting for a free worker is not duplicated. Returns how many it rescheduled.
 */
@injectable()
export class RescheduleStalledRunsUseCase {
  constructor(
    @inject(TOKENS.JobRunStore) private readonly runs: JobRunStore,
    @inject(TOKENS.JobScheduler) private readonly scheduler: JobScheduler,
  ) {}

  async execute(now = new Date()): Promise<number> {
    const queued = await this.runs.list({ status: 'queued', limit: 100 });
    const stalled = queued.filter((run) => Object.keys(run.stats).length === 0 && now.getTime() - run.requestedAt.getTime() > STALLED_AFTER_MS);
    for (const run of stalled) await this.scheduler.scheduleRun(run);
    return stalled.length;
  }
}
