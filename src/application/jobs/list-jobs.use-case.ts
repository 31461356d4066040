import { inject, injectable } from 'tsyringe';
import type { JobRun, JobRunFilter } from '../../domain/jobs/job-run.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import { TOKENS } from '../tokens.js';

@injectable()
export class ListJobsUseCase {
  constructor(@inject(TOKENS.JobRunStore) private readonly runs: JobRunStore) {}

  execute(filter: JobRunFilter): Promise<JobRun[]> {
    return this.runs.list(filter);
  }
}
