import { expect } from 'chai';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { clientLockKey, type ClientJob } from '../../../src/domain/jobs/client-job.js';
import type { JobHandlers } from '../../../src/domain/ports/job-handlers.port.js';
import { PgBossJobScheduler, type PgBossSchedulerSettings } from '../../../src/infrastructure/jobs/pg-boss-job-scheduler.js';
import { PgLeaseClientLock } from '../../../src/infrastructure/jobs/pg-lease-client-lock.js';
import { QUEUES } from '../../../src/infrastructure/jobs/queue-names.js';
import { startPgBoss } from '../../../src/infrastructure/jobs/start-pg-boss.js';
import { SystemClock } from '../../../src/infrastructure/system-clock.js';
import { aClient, aQueuedRun, targetsOf } from '../../fakes/builders.js';
import { sql, testDatabaseUrl, truncateAll } from '../../support/database.js';
import { recordingLogger, type RecordingLogger } from '../../support/recording-logger.js';
import { waitFor } from '../../support/wait-for.js';

const aRun = aQueuedRun;

/** Handlers whose client work the test replaces; they record what ran. */
function recordingHandlers(runClient: (job: ClientJob, signal?: AbortSignal) => Promise<void>): JobHandlers & { fanOuts: string[] } {
  const fanOuts: string[] = [];
  return {
    fanOuts,
    fanOut: async (runId) => void fanOuts.push(runId),
    runClient,
    abandon: async () => {},
    startScheduledRun: async () => {},
    pruneHistory: async () => 0,
    rescheduleStalledRuns: async () => 0,
  };
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const jobStates = async () =>
  (await sql().query<{ state: string; count: number }>(`SELECT state, count(*)::int AS count FROM pgboss.job WHERE name = $1 GROUP BY state ORDER BY state`, [QUEUES.client])).rows;

describe('PgBossJobScheduler: the client jobs fetch loop, wake-ups and shutdown (real pg-boss)', function () {
  this.timeout(60_000);
  let boss: PgBoss;
  let pool: pg.Pool;
  let lock: PgLeaseClientLock;
  let logger: RecordingLogger;
  let scheduler: PgBossJobScheduler | undefined;

  const makeScheduler = (settings: Partial<PgBossSchedulerSettings> = {}) => {
    scheduler = new PgBossJobScheduler(
      boss,
      lock,
      {
        workerConcurrency: 4,
        pollingIntervalSeconds: 0.5,
        clientJobExpireSeconds: 3600,
        orphanAfterSeconds: 10,
        shutdownTimeoutMs: 5000,
        schedules: { import: null, contactsSync: null, timezone: 'UTC' },
        ...settings,
      },
      new SystemClock(),
      logger,
    );
    return scheduler;
  };

  beforeEach(async () => {
    await truncateAll();
    logger = recordingLogger();
    boss = await startPgBoss(testDatabaseUrl(), logger, 0.5);
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 3 });
    lock = new PgLeaseClientLock(pool, { ttlMs: 10_000 }, new SystemClock(), logger);
  });
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
    lock.close();
    await pool.end();
  });

  it('when 200 client jobs are queued and the concurrency is 64, then at most 64 handlers run at once, each job runs once and all complete', async () => {
    const sut = makeScheduler({ workerConcurrency: 64 });
    const clients = Array.from({ length: 200 }, (_, i) => aClient({ slug: `client-${i}` }));
    let active = 0;
    let peak = 0;
    const ran: string[] = [];
    await sut.scheduleClients(aRun('run-1'), targetsOf(clients));

    await sut.start(
      recordingHandlers(async (job) => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 20));
        ran.push(job.clientId);
        active -= 1;
      }),
    );
    await waitFor(async () => (await jobStates()).every((s) => s.state === 'completed') && ran.length === 200, 'every job to complete');

    expect(peak).to.equal(64);
    expect([...ran].sort()).to.deep.equal(clients.map((c) => c.id).sort());
    expect(await jobStates()).to.deep.equal([{ state: 'completed', count: 200 }]);
  });

  it('when a client job outlives JOB_ORPHAN_AFTER_SECONDS while its worker holds the client lock, then the sweep leaves it alone; one whose lock is free is retried', async () => {
    // Swept only if its lock were found free on two sweeps 1.5 s apart, 3 s after it started: a
    // live job takes its lock long before, even on a loaded machine.
    const sut = makeScheduler({ orphanAfterSeconds: 3 });
    const [live, vanished] = ['live', 'vanished'].map((slug) => aClient({ slug }));
    const attempts = new Map<string, number>();
    const release = gate();
    await sut.scheduleClients(aRun('run-1'), targetsOf([live!, vanished!]));

    await sut.start(
      recordingHandlers(async (job) => {
        attempts.set(job.slug, (attempts.get(job.slug) ?? 0) + 1);
        // The live one works under the client's lock, as RunClientJob does; the other's lock is
        // free, as when its process is gone: only that one may be taken for an orphan.
        if (job.slug === 'live') await lock.runExclusive(clientLockKey(job.clientId), () => release.opened);
        else if (attempts.get(job.slug) === 1) await release.opened;
      }),
    );
    await waitFor(async () => (attempts.get('vanished') ?? 0) >= 2, 'the job with a free lock to be retried', { timeoutMs: 30_000 });
    release.open();
    await waitFor(async () => (await jobStates()).every((s) => s.state === 'completed'), 'both jobs to complete');

    expect(attempts.get('live')).to.equal(1);
    const orphaned = logger.lines.filter((line) => line.message === 'a client job lost its worker: retrying it').map((line) => line.fields.client);
    expect(orphaned).to.deep.equal(['vanished']);
  });

  it('when a handler throws, then its job is failed into a retry and runs again, and the others complete once', async () => {
    const sut = makeScheduler();
    const clients = ['a', 'b', 'c'].map((slug) => aClient({ slug }));
    const attempts = new Map<string, number>();
    await sut.scheduleClients(aRun('run-1'), targetsOf(clients));

    await sut.start(
      recordingHandlers(async (job) => {
        attempts.set(job.slug, (attempts.get(job.slug) ?? 0) + 1);
        if (job.slug === 'b' && attempts.get('b') === 1) throw new Error('the database went away');
      }),
    );
    await waitFor(async () => attempts.get('b') === 2 && (await jobStates()).every((s) => s.state === 'completed'), 'the retry to complete');

    expect(Object.fromEntries(attempts)).to.deep.equal({ a: 1, b: 2, c: 1 });
    expect(await jobStates()).to.deep.equal([{ state: 'completed', count: 3 }]);
  });

  it('when this process queues client jobs or a fan-out while idle, then they are taken at once, not at the next poll', async () => {
    // A poll so long that only a wake-up can get the jobs within the test's timeout.
    const sut = makeScheduler({ pollingIntervalSeconds: 120 });
    const ran: string[] = [];
    const handlers = recordingHandlers(async (job) => void ran.push(job.slug));
    await sut.start(handlers);
    // Both pollers are idle by now: their first look found nothing.
    await new Promise((resolve) => setTimeout(resolve, 300));

    await sut.scheduleClients(aRun('run-1'), targetsOf([aClient({ slug: 'acme' })]));
    await sut.scheduleRun(aRun('f1e2d3c4-0000-4000-8000-000000000001'));
    await waitFor(async () => ran.length === 1 && handlers.fanOuts.length === 1, 'the woken loops to take the jobs', { timeoutMs: 15_000 });

    expect(ran).to.deep.equal(['acme']);
    expect(handlers.fanOuts).to.deep.equal(['f1e2d3c4-0000-4000-8000-000000000001']);
  });

  it('when jobs are queued while every slot is busy, then the process stays responsive and takes them as soon as a slot frees, not at the next poll', async () => {
    const sut = makeScheduler({ workerConcurrency: 1, pollingIntervalSeconds: 120 });
    const release = gate();
    const ran: string[] = [];
    await sut.start(
      recordingHandlers(async (job) => {
        ran.push(job.slug);
        if (job.slug === 'first') await release.opened;
      }),
    );
    await sut.scheduleClients(aRun('run-1'), targetsOf([aClient({ slug: 'first' })]));
    await waitFor(async () => ran.length === 1, 'the first job to start', { timeoutMs: 15_000 });

    await sut.scheduleClients(aRun('run-2'), targetsOf([aClient({ slug: 'second' })]));
    // Timers still fire: the woken loop waits for a slot instead of spinning.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const whileBusy = [...ran];
    release.open();
    await waitFor(async () => ran.length === 2, 'the second job to be taken when the slot frees', { timeoutMs: 15_000 });

    expect(whileBusy).to.deep.equal(['first']);
    expect(ran).to.deep.equal(['first', 'second']);
  });

  it('when stopped while client jobs run, then their signal aborts, stop waits for them, and the interrupted jobs are queued for a retry', async () => {
    const sut = makeScheduler();
    const clients = ['a', 'b', 'c'].map((slug) => aClient({ slug }));
    const started: string[] = [];
    const stoppedOnSignal: string[] = [];
    await sut.scheduleClients(aRun('run-1'), targetsOf(clients));
    await sut.start(
      recordingHandlers(async (job, signal) => {
        started.push(job.slug);
        await new Promise((resolve) => signal!.addEventListener('abort', resolve, { once: true }));
        stoppedOnSignal.push(job.slug);
        throw signal!.reason;
      }),
    );
    await waitFor(async () => started.length === 3, 'the jobs to start');

    await sut.stop();
    scheduler = undefined;

    expect([...stoppedOnSignal].sort()).to.deep.equal(['a', 'b', 'c']);
    expect(await jobStates()).to.deep.equal([{ state: 'retry', count: 3 }]);
  });

  it('when a handler ignores the signal past SHUTDOWN_TIMEOUT_MS, then stop still returns, hands its job back to the queue and says why', async () => {
    const sut = makeScheduler({ shutdownTimeoutMs: 1000 });
    let started = false;
    const never = new Promise<void>(() => {});
    await sut.scheduleClients(aRun('run-1'), targetsOf([aClient({ slug: 'stubborn' })]));
    await sut.start(
      recordingHandlers(async () => {
        started = true;
        await never;
      }),
    );
    await waitFor(async () => started, 'the job to start');

    await sut.stop();
    scheduler = undefined;

    expect(await jobStates()).to.deep.equal([{ state: 'retry', count: 1 }]);
    expect(logger.lines.map((l) => l.message)).to.include('client jobs still running at the shutdown deadline (SHUTDOWN_TIMEOUT_MS) were handed back to the queue without a checkpoint');
  });
});
