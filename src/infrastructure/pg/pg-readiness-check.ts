import { inject, injectable } from 'tsyringe';
import type pg from 'pg';
import type { Readiness, ReadinessCheck } from '../../domain/ports/readiness-check.port.js';
import { pendingMigrations } from '../database/migrator.js';
import { INFRA_TOKENS } from '../infra-tokens.js';

const TIMEOUT_MS = 2_000;

/**
 * Asks PostgreSQL, with a short timeout each: can we query, is every migration applied, and is
 * the job queue's schema there (the queue lives in the same database).
 */
@injectable()
export class PgReadinessCheck implements ReadinessCheck {
  constructor(@inject(INFRA_TOKENS.Pool) private readonly pool: pg.Pool) {}

  async check(): Promise<Readiness> {
    const query = (sql: string) => withTimeout(this.pool.query(sql));
    const database = await query('SELECT 1').then(() => true, () => false);
    if (!database) return { database, migrations: false, queue: false };
    const migrations = await pendingMigrations(query).then((pending) => pending.length === 0, () => false);
    const queue = await query(`SELECT to_regclass('pgboss.job') IS NOT NULL AS ok`).then((r) => Boolean((r.rows[0] as { ok?: boolean })?.ok), () => false);
    return { database, migrations, queue };
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS).unref())]);
}
