import { inject, injectable } from 'tsyringe';
import type { ClientJob } from '../../domain/jobs/client-job.js';
import { isClientFinished, queuedClientStats } from '../../domain/jobs/job-run.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import { TOKENS } from '../tokens.js';
import { EndRunWhenClientsFinish } from './end-run-when-clients-finish.js';

/**
 * The queue gave up on a job after all its retries (every crash, shutdown or lost lock is one):
 * the client, or for a fan-out the whole run, is recorded failed so the run ends and later
 * triggers are not swallowed by a run that would never finish.
 */
@injectable()
export class AbandonJobUseCase {
  constructor(
    @inject(TOKENS.JobRunStore) private readonly runs: JobRunStore,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(EndRunWhenClientsFinish) private readonly endRun: EndRunWhenClientsFinish,
  ) {}

  async execute(job: { runId: string; client?: ClientJob }, reason: string): Promise<void> {
    this.logger.error({ jobId: job.runId, client: job.client?.slug, reason }, 'job abandoned after its retries');
    if (!job.client) {
      await this.runs.finish(job.runId, 'failed', reason);
      return;
    }
    const run = await this.runs.findById(job.runId);
    if (!run || run.finished) return;
    const entry = await this.runs.findClient(run.id, job.client.slug);
    if (entry && isClientFinished(entry.status)) return;
    await this.runs.saveClientStats(run.id, job.client.slug, { ...queuedClientStats(), ...entry, status: 'failed', error: reason });
    await this.endRun.execute(run.id);
  }
}
