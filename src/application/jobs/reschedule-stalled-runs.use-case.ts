import { inject, injectable } from 'tsyringe';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.port.js';
import type { Clock } from '../../domain/ports/clock.port.js';
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
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  async execute(now = this.clock.now()): Promise<number> {
    const queued = await this.runs.list({ status: 'queued', limit: 100 });
    const old = queued.filter((run) => now.getTime() - run.requestedAt.getTime() > STALLED_AFTER_MS);
    const fannedOut = await this.runs.summarize(old.map((run) => run.id));
    const stalled = old.filter((run) => !fannedOut.has(run.id));
    for (const run of stalled) await this.scheduler.scheduleRun(run);
    return stalled.length;
  }
}
