import pg from 'pg';
import type { ClientLock } from '../../domain/ports/client-lock.port.js';

/**
 * Mutual exclusion across every process on the database: a PostgreSQL session advisory lock,
 * held on a dedicated connection for the duration of the work. A process that dies loses its
 * connection and with it the lock, so a crash never leaves a client locked.
 */
export class PgAdvisoryClientLock implements ClientLock {
  constructor(private readonly pool: pg.Pool) {}

  async runExclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const connection = await this.pool.connect();
    let locked = false;
    try {
      await connection.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      locked = true;
      return await work();
    } finally {
      if (locked) await connection.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => {});
      connection.release();
    }
  }

  /** True when nobody holds the lock right now (it is taken and given back at once). */
  async isFree(key: string): Promise<boolean> {
    const connection = await this.pool.connect();
    try {
      const { rows } = await connection.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS acquired', [key]);
      if (rows[0]?.acquired) await connection.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      return rows[0]?.acquired ?? false;
    } finally {
      connection.release();
    }
  }
}
