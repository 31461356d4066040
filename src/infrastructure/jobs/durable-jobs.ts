import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { ClientLock } from '../../domain/ports/client-lock.port.js';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import { PgBossJobScheduler, type PgBossSchedulerSettings } from './pg-boss-job-scheduler.js';
import { PgLeaseClientLock } from './pg-lease-client-lock.js';

export interface DurableJobs {
  lock: ClientLock;
  scheduler: JobScheduler;
  /** After the scheduler stopped: ends the leases' heartbeat and closes their pool. */
  close(): Promise<void>;
}

/**
 * The service's jobs: pg-boss for the queue, leases in the same database for per-client
 * exclusion, with their own small pool. Leases hold no connection while their work runs, so a
 * few connections serve every client; a statement that hangs (the database out of reach) gives
 * up within the lease's ttl.
 */
export function createDurableJobs(boss: PgBoss, databaseUrl: string, settings: PgBossSchedulerSettings, clock: Clock, logger: Logger): DurableJobs {
  const ttlMs = settings.orphanAfterSeconds * 1000;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3, connectionTimeoutMillis: ttlMs, query_timeout: ttlMs, application_name: 'helpdesk-importer-leases' });
  // An idle connection dropped by the server must not crash the process; the next use reconnects.
  pool.on('error', (error) => logger.warn({ err: error.message }, 'a lock connection was lost'));
  const lock = new PgLeaseClientLock(pool, { ttlMs }, clock, logger);
  return {
    lock,
    scheduler: new PgBossJobScheduler(boss, lock, settings, clock, logger),
    close: async () => {
      await lock.close();
      await pool.end();
    },
  };
}
