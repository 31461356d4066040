import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../application/tokens.js';
import type { JobRun } from '../../domain/jobs/job-run.js';
import type { JobRunner, JobScheduler } from '../../domain/ports/job-scheduler.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';

/**
 * Runs jobs in this process, in the background: runs of one kind and slug one after another,
 * others side by side. Triggers live in memory only; the durable scheduler replaces this one
 * where triggers must survive a restart.
 */
@injectable()
export class InProcessJobScheduler implements JobScheduler {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    @inject(TOKENS.JobRunner) private readonly runner: JobRunner,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async schedule(run: JobRun): Promise<void> {
    const key = `${run.kind}:${run.slug}`;
    const tail = (this.tails.get(key) ?? Promise.resolve())
      .then(() => this.runner.execute(run.id))
      .catch((error: unknown) => this.logger.error({ runId: run.id, kind: run.kind, slug: run.slug, err: String(error) }, 'job run crashed'));
    this.tails.set(key, tail);
    void tail.finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
  }

  /** Resolves when every scheduled run has finished (tests, embedding, graceful shutdown). */
  async whenIdle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
