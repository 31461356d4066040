import { inject, injectable } from 'tsyringe';
import { NotFoundError, RunAlreadyFinishedError } from '../../domain/errors.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import { TOKENS } from '../tokens.js';
import { detailsOf, type JobRunDetail } from './job-run-detail.js';

/**
 * Cancels a run: a queued one never starts; a running one stops at each client's next checkpoint,
 * cursors consistent, and ends `cancelled` when its last client stops.
 */
@injectable()
export class CancelJobUseCase {
  constructor(@inject(TOKENS.JobRunStore) private readonly runs: JobRunStore) {}

  async execute(id: string): Promise<JobRunDetail> {
    const run = await this.runs.requestCancel(id);
    if (run) return (await detailsOf(this.runs, [run]))[0]!;
    const existing = await this.runs.findById(id);
    if (!existing) throw new NotFoundError(`no job ${id}`);
    throw new RunAlreadyFinishedError(id, existing.status);
  }
}
