import { expect } from 'chai';
import pg from 'pg';
import { LeaseLostError, PgLeaseClientLock } from '../../../src/infrastructure/jobs/pg-lease-client-lock.js';
import { SystemClock } from '../../../src/infrastructure/system-clock.js';
import { sql, testDatabaseUrl } from '../../support/database.js';
import { recordingLogger } from '../../support/recording-logger.js';

/** A promise and the function that settles it: lets a test hold work open until it says so. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const aborted = (signal: AbortSignal) => new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));

describe('PgLeaseClientLock (client_leases on a real PostgreSQL)', () => {
  const pools: pg.Pool[] = [];
  const locks: PgLeaseClientLock[] = [];
  /** A lock with its own small pool, as each process has. */
  const makeLock = (ttlMs = 3000) => {
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    pool.on('error', () => {});
    pools.push(pool);
    const lock = new PgLeaseClientLock(pool, { ttlMs }, new SystemClock(), recordingLogger());
    locks.push(lock);
    return { lock, pool };
  };

  beforeEach(() => sql().query('DELETE FROM client_leases'));
  afterEach(async () => {
    for (const lock of locks.splice(0)) lock.close();
    await Promise.all(pools.splice(0).map((pool) => pool.end().catch(() => {})));
  });

  it('when two processes want the same key, then the second works only after the first released it, and the row is gone after', async () => {
    const { lock: a } = makeLock();
    const { lock: b } = makeLock();
    const events: string[] = [];
    const holdA = gate();
    const aStarted = gate();

    const first = a.runExclusive('import:acme', async () => {
      events.push('a start');
      aStarted.open();
      await holdA.opened;
      events.push('a end');
    });
    await aStarted.opened;
    const second = b.runExclusive('import:acme', async () => {
      events.push('b start');
    });
    const freeWhileHeld = await b.isFree('import:acme');
    // b has polled at least once while a held the lease.
    await new Promise((resolve) => setTimeout(resolve, 300));
    events.push('a released');
    holdA.open();
    await Promise.all([first, second]);

    expect(freeWhileHeld).to.equal(false);
    expect(events).to.deep.equal(['a start', 'a released', 'a end', 'b start']);
    expect((await sql().query('SELECT key FROM client_leases')).rows).to.deep.equal([]);
    expect(await a.isFree('import:acme')).to.equal(true);
  });

  it('when two works of one process want the same key, then they run one after the other', async () => {
    const { lock } = makeLock();
    const events: string[] = [];
    const hold = gate();

    const first = lock.runExclusive('import:acme', async () => {
      events.push('1 start');
      await hold.opened;
      events.push('1 end');
    });
    const second = lock.runExclusive('import:acme', async () => {
      events.push('2 start');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    hold.open();
    await Promise.all([first, second]);

    expect(events).to.deep.equal(['1 start', '1 end', '2 start']);
  });

  it('when a work of this process waits behind another on the same key and its signal aborts, then it gives up at once, and a later work still gets the key', async () => {
    const { lock } = makeLock();
    const hold = gate();
    const holding = gate();
    const first = lock.runExclusive('import:acme', async () => {
      holding.open();
      await hold.opened;
    });
    await holding.opened;
    const shutdown = new AbortController();
    let ran = false;

    const waiting = lock.runExclusive('import:acme', async () => void (ran = true), shutdown.signal);
    shutdown.abort(new Error('shutting down'));
    const error = await waiting.catch((e: unknown) => e);
    hold.open();
    await first;
    const later = await lock.runExclusive('import:acme', async () => 'got it');

    expect((error as Error).message).to.equal('shutting down');
    expect(ran).to.equal(false);
    expect(later).to.equal('got it');
  });

  it('when different keys are asked for, then they are held side by side', async () => {
    const { lock } = makeLock();
    const hold = gate();
    let running = 0;
    let peak = 0;
    const work = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await hold.opened;
      running -= 1;
    };

    const all = Promise.all(['a', 'b', 'c'].map((key) => lock.runExclusive(key, work)));
    while (peak < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    hold.open();
    await all;

    expect(peak).to.equal(3);
  });

  it('when another process takes the lease over, then the heartbeat cannot renew it and the work is told its lock was lost', async () => {
    const { lock } = makeLock(600);
    let reason: unknown;

    await lock.runExclusive('import:acme', async (lockLost) => {
      await sql().query(`UPDATE client_leases SET owner = 'another-process' WHERE key = 'import:acme'`);
      reason = await aborted(lockLost);
    });

    expect(reason).to.be.instanceOf(LeaseLostError);
    expect((reason as Error).message).to.include('another process took it over');
    const { rows } = await sql().query('SELECT owner FROM client_leases');
    expect(rows, 'the release leaves the new holder its lease').to.deep.equal([{ owner: 'another-process' }]);
  });

  it('when the database cannot be reached for longer than the ttl, then the lease is lost and the work is told', async () => {
    const { lock, pool } = makeLock(600);
    let reason: unknown;

    await lock.runExclusive('import:acme', async (lockLost) => {
      await pool.end();
      reason = await aborted(lockLost);
    });

    expect(reason).to.be.instanceOf(LeaseLostError);
    expect((reason as Error).message).to.include('could not be renewed');
  });

  it('when the work outlives several ttls, then the heartbeat keeps its lease and nobody else gets it', async () => {
    const { lock: a } = makeLock(900);
    const { lock: b } = makeLock(900);
    let lostMeanwhile = false;
    let bRan = false;

    await a.runExclusive('import:acme', async (lockLost) => {
      const waiting = new AbortController();
      const other = b.runExclusive('import:acme', async () => void (bRan = true), waiting.signal).catch(() => {});
      // Well beyond the ttl: renewals, not luck, keep it.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      lostMeanwhile = lockLost.aborted;
      waiting.abort(new Error('gave up'));
      await other;
    });

    expect(lostMeanwhile).to.equal(false);
    expect(bRan).to.equal(false);
  });

  it('when the waiter gives up (its signal aborts), then it rejects with the reason and its work never runs', async () => {
    const { lock: a } = makeLock();
    const { lock: b } = makeLock();
    const hold = gate();
    const holding = gate();
    const first = a.runExclusive('import:acme', async () => {
      holding.open();
      await hold.opened;
    });
    await holding.opened;
    const shutdown = new AbortController();
    let ran = false;

    const waiting = b.runExclusive('import:acme', async () => void (ran = true), shutdown.signal);
    shutdown.abort(new Error('shutting down'));
    const error = await waiting.catch((e: unknown) => e);
    hold.open();
    await first;

    expect((error as Error).message).to.equal('shutting down');
    expect(ran).to.equal(false);
  });

  it('when a lease expired (its process died), then another process takes it over at once', async () => {
    await sql().query(`INSERT INTO client_leases (key, owner, expires_at) VALUES ('import:acme', 'dead-process', now() - interval '1 second')`);
    const { lock } = makeLock();
    const freeBefore = await lock.isFree('import:acme');
    let ownerDuring: string | undefined;

    await lock.runExclusive('import:acme', async () => {
      ownerDuring = (await sql().query(`SELECT owner FROM client_leases WHERE key = 'import:acme'`)).rows[0]?.owner;
    });

    expect(freeBefore).to.equal(true);
    expect(ownerDuring).to.equal(lock.owner);
  });

  it('when a lease is live, then isFree says so, and a waiter gets it once it expires', async () => {
    await sql().query(`INSERT INTO client_leases (key, owner, expires_at) VALUES ('import:acme', 'slow-process', now() + interval '500 milliseconds')`);
    const { lock } = makeLock();
    const freeBefore = await lock.isFree('import:acme');

    await lock.runExclusive('import:acme', async () => {});

    expect(freeBefore).to.equal(false);
  });
});
