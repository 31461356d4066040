import pg from 'pg';
import type { ClientLock } from '../../domain/ports/client-lock.port.js';

const RETRY_MS = 250;

/**
 * Mutual exclusion across every process on the database: a PostgreSQL session advisory lock,
 * held on a dedicated connection for the duration of the work. A process that dies loses its
 * connection and with it the lock, so a crash never leaves a client locked; if the connection
 * dies under a live process, the work is told (`lockLost`) and stops at its next page boundary.
 * Waiting polls with `pg_try_advisory_lock`, holding no connection and giving up when the
 * caller's signal aborts (shutdown), instead of blocking in `pg_advisory_lock`.
 */
export class PgAdvisoryClientLock implements ClientLock {
  constructor(private readonly pool: pg.Pool) {}

  async runExclusive<T>(key: string, work: (lockLost: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (;;) {
      signal?.throwIfAborted();
      const connection = await this.pool.connect();
      const lost = new AbortController();
      const onError = (error: Error) => lost.abort(error);
      connection.on('error', onError);
      let acquired = false;
      try {
        acquired = await this.tryLock(connection, key);
        if (acquired) return await work(lost.signal);
      } finally {
        if (acquired && !lost.signal.aborted) await connection.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => {});
        connection.off('error', onError);
        // A connection that failed is destroyed, not returned to the pool.
        connection.release(lost.signal.aborted ? (lost.signal.reason as Error) : undefined);
      }
      await sleep(RETRY_MS, signal);
    }
  }

  /** True when nobody holds the lock right now (it is taken and given back at once). */
  async isFree(key: string): Promise<boolean> {
    const connection = await this.pool.connect();
    try {
      const free = await this.tryLock(connection, key);
      if (free) await connection.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      return free;
    } finally {
      connection.release();
    }
  }

  private async tryLock(connection: pg.PoolClient, key: string): Promise<boolean> {
    const { rows } = await connection.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS acquired', [key]);
    return rows[0]?.acquired ?? false;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
