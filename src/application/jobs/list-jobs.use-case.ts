import { inject, injectable } from 'tsyringe';
import type { JobRunFilter } from '../../domain/jobs/job-run.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import { TOKENS } from '../tokens.js';
import { detailsOf, type JobRunDetail } from './job-run-detail.js';

@injectable()
export class ListJobsUseCase {
  constructor(@inject(TOKENS.JobRunStore) private readonly runs: JobRunStore) {}

  async execute(filter: JobRunFilter): Promise<JobRunDetail[]> {
    return detailsOf(this.runs, await this.runs.list(filter));
  }
}
