import { inject, injectable } from 'tsyringe';
import { NotFoundError } from '../../domain/errors.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import { TOKENS } from '../tokens.js';
import { detailsOf, type JobRunDetail } from './job-run-detail.js';

@injectable()
export class GetJobUseCase {
  constructor(@inject(TOKENS.JobRunStore) private readonly runs: JobRunStore) {}

  async execute(id: string): Promise<JobRunDetail> {
    const run = await this.runs.findById(id);
    if (!run) throw new NotFoundError(`no job ${id}`);
    return (await detailsOf(this.runs, [run]))[0]!;
  }
}
