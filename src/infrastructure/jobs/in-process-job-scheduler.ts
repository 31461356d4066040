import pLimit, { type LimitFunction } from 'p-limit';
import { inject, injectable } from 'tsyringe';
import { describeError } from '../../application/jobs/describe-error.js';
import { TOKENS } from '../../application/tokens.js';
import type { RunTarget } from '../../domain/ports/job-run-store.port.js';
import type { JobRun } from '../../domain/jobs/job-run.js';
import type { JobHandlers } from '../../domain/ports/job-handlers.port.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import { INFRA_TOKENS } from '../infra-tokens.js';
import { QUEUES } from './queue-names.js';

/**
 * Runs jobs in this process, in the background, at most `workerConcurrency` clients at once.
 * Triggers live in memory only: for embedding and tests. The service uses PgBossJobScheduler,
 * whose triggers survive restarts and are shared by several processes.
 */
@injectable()
export class InProcessJobScheduler implements JobScheduler {
  /** Jobs scheduled and not finished yet: scheduling one of them again is a no-op. */
  private readonly pending = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly limit: LimitFunction;

  constructor(
    @inject(TOKENS.JobHandlers) private readonly handlers: JobHandlers,
    @inject(INFRA_TOKENS.WorkerConcurrency) workerConcurrency: number,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {
    this.limit = pLimit(workerConcurrency);
  }

  async scheduleRun(run: JobRun): Promise<void> {
    this.start(run.id, () => this.handlers.fanOut(run.id));
  }

  async scheduleClients(run: JobRun, clients: RunTarget[]): Promise<void> {
    for (const client of clients) {
      const job = { runId: run.id, kind: run.kind, clientId: client.clientId, slug: client.slug };
      this.start(`${run.id}:${client.clientId}`, () => this.limit(() => this.handlers.runClient(job)));
    }
  }

  /** Client jobs waiting for a free worker slot, under the durable queue's name for them. */
  async queueDepth(): Promise<Record<string, number>> {
    return { [QUEUES.client]: this.limit.pendingCount };
  }

  /** Resolves when every scheduled job has finished (tests, embedding, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private start(key: string, work: () => Promise<void>): void {
    if (this.pending.has(key)) return;
    this.pending.add(key);
    const job: Promise<void> = Promise.resolve()
      .then(work)
      .catch((error: unknown) => this.logger.error({ job: key, err: describeError(error) }, 'background job crashed'))
      .finally(() => {
        this.pending.delete(key);
        this.inFlight.delete(job);
      });
    this.inFlight.add(job);
  }
}
