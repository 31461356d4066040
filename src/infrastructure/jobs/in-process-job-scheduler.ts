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

type Work = (handlers: JobHandlers) => Promise<void>;

/**
 * Runs jobs in this process, in the background, at most `workerConcurrency` clients at once.
 * Triggers live in memory only: for embedding and tests. The service uses PgBossJobScheduler,
 * whose triggers survive restarts and are shared by several processes. Jobs scheduled before
 * `start` (or after `stop`) wait in memory; cron schedules, history pruning and the stalled-run
 * sweep are the durable queue's and are not run here.
 */
@injectable()
export class InProcessJobScheduler implements JobScheduler {
  /** Jobs scheduled and not finished yet: scheduling one of them again is a no-op. */
  private readonly pending = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Scheduled while not started: launched by `start`. */
  private readonly waiting: { key: string; work: Work }[] = [];
  private readonly limit: LimitFunction;
  private handlers: JobHandlers | undefined;

  constructor(
    @inject(INFRA_TOKENS.WorkerConcurrency) workerConcurrency: number,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {
    this.limit = pLimit(workerConcurrency);
  }

  async scheduleRun(run: JobRun): Promise<void> {
    this.enqueue(run.id, (handlers) => handlers.fanOut(run.id));
  }

  async scheduleClients(run: JobRun, clients: RunTarget[]): Promise<void> {
    for (const client of clients) {
      const job = { runId: run.id, kind: run.kind, clientId: client.clientId, slug: client.slug };
      this.enqueue(`${run.id}:${client.clientId}`, (handlers) => this.limit(() => handlers.runClient(job)));
    }
  }

  /** Client jobs waiting for a free worker slot, under the durable queue's name for them. */
  async queueDepth(): Promise<Record<string, number>> {
    return { [QUEUES.client]: this.limit.pendingCount };
  }

  async start(handlers: JobHandlers): Promise<void> {
    this.handlers = handlers;
    for (const { key, work } of this.waiting.splice(0)) this.launch(key, work, handlers);
  }

  /** Waits for every job scheduled so far (and those they schedule) to finish; later ones wait for a start. */
  async stop(): Promise<void> {
    await this.whenIdle();
    this.handlers = undefined;
  }

  /** Resolves when every started job has finished (tests, embedding, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private enqueue(key: string, work: Work): void {
    if (this.pending.has(key)) return;
    this.pending.add(key);
    if (this.handlers) this.launch(key, work, this.handlers);
    else this.waiting.push({ key, work });
  }

  private launch(key: string, work: Work, handlers: JobHandlers): void {
    const job: Promise<void> = Promise.resolve()
      .then(() => work(handlers))
      .catch((error: unknown) => this.logger.error({ job: key, err: describeError(error) }, 'background job crashed'))
      .finally(() => {
        this.pending.delete(key);
        this.inFlight.delete(job);
      });
    this.inFlight.add(job);
  }
}
