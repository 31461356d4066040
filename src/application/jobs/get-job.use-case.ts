import { inject, injectable } from 'tsyringe';
import { NotFoundError } from '../../domain/errors.js';
import type { JobRun } from '../../domain/jobs/job-run.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import { TOKENS } from '../tokens.js';

@injectable()
export class GetJobUseCase {
  constructor(@inject(TOKENS.JobRunStore) private readonly runs: JobRunStore) {}

  async execute(id: string): Promise<JobRun> {
    const run = await this.runs.findById(id);
    if (!run) throw new NotFoundError(`no job ${id}`);
    return run;
  }
}
