import { inject, injectable } from 'tsyringe';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import type { JobSettings } from '../settings.js';
import type { Clock } from '../../domain/ports/clock.port.js';
import { TOKENS } from '../tokens.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes finished runs older than the history window; returns how many. */
@injectable()
export class PruneJobHistoryUseCase {
  constructor(
    @inject(TOKENS.JobRunStore) private readonly runs: JobRunStore,
    @inject(TOKENS.JobSettings) private readonly settings: JobSettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  execute(now = this.clock.now()): Promise<number> {
    return this.runs.deleteFinishedBefore(new Date(now.getTime() - this.settings.historyDays * DAY_MS));
  }
}
