import { inject, injectable } from 'tsyringe';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import { TOKENS } from '../tokens.js';

/**
 * Ends a run once every one of its clients has finished, as the run's own rules say
 * (`JobRun.outcome`). Whoever records a client's end calls it; only the last one ends the run
 * (a client's end is committed before it counts the others, so the last to count sees them all).
 */
@injectable()
export class EndRunWhenClientsFinish {
  constructor(@inject(TOKENS.JobRunStore) private readonly runs: JobRunStore) {}

  async execute(runId: string): Promise<void> {
    const run = await this.runs.findById(runId);
    if (!run || run.finished) return;
    const outcome = run.outcome(await this.runs.tally(runId));
    if (outcome) await this.runs.finish(run.id, outcome.status, outcome.error);
  }
}
