import type PgBoss from 'pg-boss';
import { describeError } from '../../application/jobs/describe-error.js';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';

export interface BatchFetchLoopSettings {
  /** Jobs this process works on at once. */
  concurrency: number;
  /** How long an idle loop waits before looking again, unless woken. */
  pollingIntervalMs: number;
}

/** How a drain ended: the jobs that settled on their own, and those still running at the deadline. */
export interface DrainResult {
  settled: number;
  abandoned: number;
}

/**
 * Works one pg-boss queue with a single fetch loop per process: it fetches as many jobs as it
 * has free slots (one query for the whole batch), runs each handler, and completes the jobs
 * whose handler resolved, failing those whose handler threw (so the queue retries them) —
 * both batched into one statement per outcome. One loop instead of one poller per slot keeps
 * the queue's load flat however many clients a process works on.
 *
 * It fetches again at once when the last batch filled every free slot and a slot frees up,
 * when `wake()` is called (this process queued jobs), or else every polling interval.
 */
export class BatchFetchLoop<T extends object> {
  private readonly running = new Map<string, Promise<void>>();
  /** Jobs given back to the queue at a shutdown deadline: whatever their handler does later is ignored. */
  private readonly abandoned = new Set<string>();
  private readonly toComplete: string[] = [];
  private readonly toFail = new Map<string, string[]>();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  /** The last fetch filled every free slot: the queue may hold more. */
  private mayHaveMore = false;
  private flushQueued = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly boss: PgBoss,
    private readonly queue: string,
    private readonly settings: BatchFetchLoopSettings,
    private readonly handler: (data: T) => Promise<void>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Jobs whose handler is running now. */
  get active(): number {
    return this.running.size;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Jobs were queued: look now (or, every slot busy, as soon as one frees) instead of at the next poll. */
  wake(): void {
    this.mayHaveMore = true;
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops fetching; resolves when no fetch is in flight any more (or at `deadline`, epoch ms). */
  async stopFetching(deadline: number): Promise<void> {
    this.stopping = true;
    this.wake();
    if (this.loop) await this.until(this.loop, deadline);
  }

  /**
   * Waits for the running handlers until `deadline`, then gives the jobs still running back to
   * the queue (failed, so they are retried), and writes the outcomes.
   */
  async drain(deadline: number): Promise<DrainResult> {
    const running = [...this.running.entries()];
    await this.until(Promise.allSettled(running.map(([, work]) => work)), deadline);
    const stuck = [...this.running.keys()];
    for (const id of stuck) {
      this.abandoned.add(id);
      this.record(id, 'still running when the process shut down');
    }
    await this.until(this.flush(), Math.max(deadline, this.clock.now().getTime() + 1000));
    return { settled: running.length - stuck.length, abandoned: stuck.length };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      // Reset on every turn, also when no slot is free: a wake-up then waits for a slot (the
      // `finally` of a job), never spins.
      this.woken = false;
      const free = this.settings.concurrency - this.running.size;
      if (free > 0) {
        const jobs = await this.fetch(free);
        if (this.stopping) {
          // Fetched as the process began to stop: handed straight back.
          for (const job of jobs) this.record(job.id, 'fetched while the process shut down');
          break;
        }
        for (const job of jobs) this.launch(job);
        // Woken during the fetch: jobs queued after its snapshot may be waiting too.
        this.mayHaveMore = jobs.length === free || this.woken;
      }
      await this.pause();
    }
  }

  private async fetch(batchSize: number): Promise<PgBoss.Job<T>[]> {
    try {
      return await this.boss.fetch<T>(this.queue, { batchSize });
    } catch (error) {
      this.logger.error({ queue: this.queue, err: (error as Error).message }, 'fetching jobs failed');
      return [];
    }
  }

  private launch(job: PgBoss.Job<T>): void {
    const work = Promise.resolve()
      .then(() => this.handler(job.data))
      .then(
        () => this.settle(job.id),
        (error: unknown) => this.settle(job.id, describeError(error)),
      )
      .finally(() => {
        this.running.delete(job.id);
        if (this.mayHaveMore) this.wake();
      });
    this.running.set(job.id, work);
  }

  private pause(): Promise<void> {
    if (this.woken || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.settings.pollingIntervalMs);
      this.wakeUp = done;
    });
  }

  /** A handler's outcome (`failure` absent: it resolved), unless its job was given back already. */
  private settle(id: string, failure?: string): void {
    if (!this.abandoned.has(id)) this.record(id, failure);
  }

  /** Records a job's outcome; it is written with the others of its tick. */
  private record(id: string, failure?: string): void {
    if (failure === undefined) this.toComplete.push(id);
    else this.toFail.set(failure, [...(this.toFail.get(failure) ?? []), id]);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      void this.flush();
    });
  }

  /** Writes the outcomes recorded so far: one complete for all, one fail per reason. */
  private flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const completed = this.toComplete.splice(0);
      const failed = [...this.toFail.entries()];
      this.toFail.clear();
      if (completed.length) {
        await this.boss.complete(this.queue, completed).catch((error: Error) => this.retryLater(error, () => this.toComplete.push(...completed)));
      }
      for (const [message, ids] of failed) {
        await failMany(this.boss, this.queue, ids, { message }).catch((error: Error) => this.retryLater(error, () => this.toFail.set(message, [...(this.toFail.get(message) ?? []), ...ids])));
      }
    });
    return this.flushing;
  }

  /** The database did not take the outcomes: keep them for another try after a poll interval. */
  private retryLater(error: Error, keep: () => void): void {
    this.logger.warn({ queue: this.queue, err: error.message }, 'recording job outcomes failed; trying again');
    keep();
    setTimeout(() => this.scheduleFlush(), this.settings.pollingIntervalMs).unref();
  }

  private async until(work: Promise<unknown>, deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - this.clock.now().getTime()))));
    try {
      await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** pg-boss 10 takes ids and output together (src/manager.js `fail(name, id, data)`); its types list them apart. */
function failMany(boss: PgBoss, queue: string, ids: string[], output: object): Promise<void> {
  return (boss.fail as (name: string, ids: string[], data: object) => Promise<void>).call(boss, queue, ids, output);
}
