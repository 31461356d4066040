import { createHash } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { RunTarget } from '../../domain/ports/job-run-store.port.js';
import { clientLockKey, type ClientJob } from '../../domain/jobs/client-job.js';
import { RECURRING_JOB_KINDS, type JobRun, type RecurringJobKind } from '../../domain/jobs/job-run.js';
import type { ClientLock } from '../../domain/ports/client-lock.port.js';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { JobHandlers } from '../../domain/ports/job-handlers.port.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import { BatchFetchLoop } from './batch-fetch-loop.js';
import { tickBefore, type CronSchedules } from './cron-schedule.js';
import { QUEUES } from './queue-names.js';

/** The lock the scheduler serialises queue creation with, and asks whether a job's client is still held. */
export interface SchedulerLock extends ClientLock {
  /** True when nobody holds the lock of `key` right now. */
  isFree(key: string): Promise<boolean>;
}

interface FanOutData {
  runId: string;
}

/** What the timekeeper sends on a tick: the schedule as it was registered. */
interface ScheduleData {
  kind: RecurringJobKind;
  cron: string;
  timezone: string;
}

interface TickData {
  kind: RecurringJobKind;
  /** The cron tick, ISO-8601. */
  tick: string;
}

export interface PgBossSchedulerSettings {
  /** Clients one process works on at once (`WORKER_CONCURRENCY`). */
  workerConcurrency: number;
  pollingIntervalSeconds: number;
  /** pg-boss fails a client job running longer than this (< 24 h); its retry then waits for the lock. */
  clientJobExpireSeconds: number;
  /** An active client job whose client lock is free for this long belongs to a dead process. */
  orphanAfterSeconds: number;
  /** How long shutdown waits for the work in flight to stop and checkpoint. */
  shutdownTimeoutMs: number;
  schedules: CronSchedules;
}

/**
 * Durable scheduling on pg-boss, in the service's own PostgreSQL: a trigger survives restarts
 * and is worked by whichever process is free. A run's fan-out and each of its client jobs are
 * pg-boss jobs with ids derived from the run (and client), so scheduling twice queues once.
 *
 * Client jobs are taken by one batch fetch loop per process (up to `workerConcurrency` at once);
 * the other queues have one pg-boss worker each. Per-client exclusion is the client lock (a
 * lease) held while a client job works, not a pg-boss singleton policy: pg-boss 10 keeps
 * handing out the oldest job of a busy key and so starves the other clients behind it. A
 * process killed mid-job leaves its job `active`; as its lease expires, the sweep finds such
 * jobs (active, lock free) and fails them into a retry, which resumes from the checkpoints. A
 * job whose retries run out lands in a dead-letter queue whose worker records it failed, so
 * its run still ends.
 */
export class PgBossJobScheduler implements JobScheduler {
  private readonly shutdown = new AbortController();
  private clientLoop: BatchFetchLoop<ClientJob> | undefined;
  private fanOutWorker: string | undefined;
  private stopped: Promise<void> | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private queuesReady: Promise<void> | undefined;
  /** Active jobs whose lock was free at the last sweep: orphans if it is still free at the next. */
  private suspects = new Set<string>();

  constructor(
    private readonly boss: PgBoss,
    private readonly lock: SchedulerLock,
    private readonly settings: PgBossSchedulerSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async scheduleRun(run: JobRun): Promise<void> {
    await this.prepare();
    await this.boss.send(QUEUES.fanOut, { runId: run.id } satisfies FanOutData, { id: run.id });
    if (this.fanOutWorker) this.boss.notifyWorker(this.fanOutWorker);
  }

  async scheduleClients(run: JobRun, clients: RunTarget[]): Promise<void> {
    await this.prepare();
    await this.boss.insert(
      clients.map((client) => ({
        name: QUEUES.client,
        id: derivedUuid(run.id, client.clientId),
        data: { runId: run.id, kind: run.kind, clientId: client.clientId, slug: client.slug } satisfies ClientJob,
      })),
    );
    this.clientLoop?.wake();
  }

  /** Starts taking jobs: fan-outs, the client jobs' fetch loop, dead letters, schedules, the sweep and the history pruning. */
  async start(handlers: JobHandlers): Promise<void> {
    await this.prepare();
    const options = { batchSize: 1, pollingIntervalSeconds: this.settings.pollingIntervalSeconds };
    this.fanOutWorker = await this.boss.work<FanOutData>(QUEUES.fanOut, options, async ([job]) => {
      if (job) await handlers.fanOut(job.data.runId);
    });
    this.clientLoop = new BatchFetchLoop<ClientJob>(
      this.boss,
      QUEUES.client,
      { concurrency: this.settings.workerConcurrency, pollingIntervalMs: this.settings.pollingIntervalSeconds * 1000 },
      (job) => handlers.runClient(job, this.shutdown.signal),
      this.clock,
      this.logger,
    );
    this.clientLoop.start();
    await this.boss.work<FanOutData>(QUEUES.fanOutAbandoned, options, async ([job]) => {
      if (job) await handlers.abandon({ runId: job.data.runId }, 'its fan-out failed on every attempt');
    });
    await this.boss.work<ClientJob>(QUEUES.clientAbandoned, options, async ([job]) => {
      if (job) await handlers.abandon({ runId: job.data.runId, client: job.data }, 'its job was interrupted on every attempt (crashes, shutdowns or lost locks)');
    });
    await this.applySchedules(handlers);
    await this.boss.schedule(QUEUES.prune, '17 * * * *');
    await this.boss.work(QUEUES.prune, async () => {
      const deleted = await handlers.pruneHistory();
      if (deleted) this.logger.info({ deleted }, 'pruned old job runs');
    });
    const sweep = async () => {
      await this.failOrphanedJobs();
      const rescheduled = await handlers.rescheduleStalledRuns().catch(() => 0);
      if (rescheduled) this.logger.warn({ rescheduled }, 'rescheduled runs whose scheduling was lost');
    };
    await sweep();
    this.sweeper = setInterval(() => void sweep(), Math.max(1000, (this.settings.orphanAfterSeconds * 1000) / 2));
  }

  /** Jobs created or waiting for a retry, not yet picked up by a worker, by queue. */
  async queueDepth(): Promise<Record<string, number>> {
    const queues = [QUEUES.fanOut, QUEUES.client];
    const sizes = await Promise.all(queues.map((queue) => this.boss.getQueueSize(queue)));
    return Object.fromEntries(queues.map((queue, i) => [queue, sizes[i]!]));
  }

  /**
   * Stops taking jobs, tells the client jobs in flight to stop (they store what they fetched and
   * checkpoint), waits for them until `shutdownTimeoutMs`, fails the interrupted jobs so that they
   * are retried within seconds, then stops pg-boss. Jobs still running at the deadline are
   * handed back too, without their checkpoint: their retry redoes at most their last page.
   */
  stop(): Promise<void> {
    this.stopped ??= this.stopWithin(this.clock.now().getTime() + this.settings.shutdownTimeoutMs);
    return this.stopped;
  }

  private async stopWithin(deadline: number): Promise<void> {
    clearInterval(this.sweeper);
    for (const queue of [QUEUES.fanOut, QUEUES.fanOutAbandoned, QUEUES.clientAbandoned, QUEUES.prune, QUEUES.tick, ...Object.values(QUEUES.schedule)]) {
      await this.boss.offWork(queue).catch(() => {});
    }
    if (this.clientLoop) {
      await this.clientLoop.stopFetching(deadline);
      this.shutdown.abort(new Error('shutting down'));
      const { settled, abandoned } = await this.clientLoop.drain(deadline);
      if (settled) this.logger.info({ jobs: settled }, 'client jobs in flight stopped; the interrupted ones are queued for a retry');
      if (abandoned) {
        this.logger.warn(
          { jobs: abandoned, shutdownTimeoutMs: this.settings.shutdownTimeoutMs },
          'client jobs still running at the shutdown deadline (SHUTDOWN_TIMEOUT_MS) were handed back to the queue without a checkpoint',
        );
      }
    }
    await this.boss.stop({ graceful: true, wait: true, timeout: Math.max(0, deadline - this.clock.now().getTime()) });
  }

  /**
   * Registers (or removes) each recurring run's cron in pg-boss and works its queues. The
   * timekeeper checks the schedules from one instance at a time and sends one job per schedule
   * and minute slot; as its clock and the slot's may disagree near a minute boundary, a tick's
   * job is then turned into a job whose id is derived from the tick itself, which the queue
   * stores once: a tick starts one run however many instances, and however often it was sent.
   */
  private async applySchedules(handlers: JobHandlers): Promise<void> {
    const { timezone } = this.settings.schedules;
    const crons: Record<RecurringJobKind, string | null> = { import: this.settings.schedules.import, 'contacts-sync': this.settings.schedules.contactsSync };
    const polling = { pollingIntervalSeconds: this.settings.pollingIntervalSeconds };
    for (const kind of RECURRING_JOB_KINDS) {
      const queue = QUEUES.schedule[kind];
      const cron = crons[kind];
      if (cron) {
        await this.boss.schedule(queue, cron, { kind, cron, timezone } satisfies ScheduleData, { tz: timezone, singletonKey: queue, singletonSeconds: 60 });
        this.logger.info({ kind, cron, timezone }, 'recurring run scheduled');
      } else {
        await this.boss.unschedule(queue);
      }
      await this.boss.work<ScheduleData>(queue, { ...polling, includeMetadata: true }, async ([job]) => {
        if (!job) return;
        const tick = tickBefore(job.data.cron, job.data.timezone, job.createdOn).toISOString();
        await this.boss.send(QUEUES.tick, { kind: job.data.kind, tick } satisfies TickData, { id: derivedUuid('tick', job.data.kind, tick) });
      });
    }
    await this.boss.work<TickData>(QUEUES.tick, polling, async ([job]) => {
      if (job) await handlers.startScheduledRun(job.data.kind, new Date(job.data.tick));
    });
  }

  /** Creates the queues once per process, serialised across processes (concurrent creation deadlocks). */
  private prepare(): Promise<void> {
    this.queuesReady ??= this.lock.runExclusive('pgboss:queues', () => this.createQueues()).catch((error: unknown) => {
      this.queuesReady = undefined;
      throw error;
    });
    return this.queuesReady;
  }

  private async createQueues(): Promise<void> {
    const queues: PgBoss.Queue[] = [
      { name: QUEUES.fanOutAbandoned },
      { name: QUEUES.clientAbandoned },
      // No backoff (said explicitly: updateQueue keeps a setting passed as undefined): an
      // interrupted job (crash, deploy) should resume within seconds.
      { name: QUEUES.fanOut, retryLimit: 20, retryDelay: 2, retryBackoff: false, expireInSeconds: 60, deadLetter: QUEUES.fanOutAbandoned },
      { name: QUEUES.client, retryLimit: 50, retryDelay: 2, retryBackoff: false, expireInSeconds: this.settings.clientJobExpireSeconds, deadLetter: QUEUES.clientAbandoned },
      { name: QUEUES.prune },
      ...RECURRING_JOB_KINDS.map((kind) => ({ name: QUEUES.schedule[kind] })),
      { name: QUEUES.tick },
    ];
    for (const queue of queues) {
      await this.boss.createQueue(queue.name, queue);
      // createQueue keeps an existing queue's settings: apply the current ones.
      await this.boss.updateQueue(queue.name, queue);
    }
  }

  private async failOrphanedJobs(): Promise<void> {
    try {
      const jobs = await this.boss.getDb().executeSql(
        `SELECT id, data FROM pgboss.job
         WHERE name = $1 AND state = 'active' AND started_on < now() - make_interval(secs => $2)`,
        [QUEUES.client, this.settings.orphanAfterSeconds],
      );
      // A live job's lock is free for a moment too (between polls, while it completes): only a
      // lock found free on two sweeps in a row means its process is gone.
      const suspects = new Set<string>();
      for (const job of jobs.rows as { id: string; data: ClientJob }[]) {
        if (!(await this.lock.isFree(clientLockKey(job.data.clientId)))) continue;
        if (!this.suspects.has(job.id)) {
          suspects.add(job.id);
          continue;
        }
        this.logger.warn({ jobId: job.data.runId, client: job.data.slug, queueJobId: job.id }, 'a client job lost its worker: retrying it');
        await this.boss.fail(QUEUES.client, job.id, { reason: 'worker process vanished' });
      }
      this.suspects = suspects;
    } catch (error) {
      this.logger.error({ err: String(error) }, 'orphaned job sweep failed');
    }
  }
}

/** A stable uuid for (run, client): pg-boss ignores a second insert with the same id. */
function derivedUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join(':')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
