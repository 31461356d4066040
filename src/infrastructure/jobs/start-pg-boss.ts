import PgBoss from 'pg-boss';
import type { Logger } from '../../domain/ports/logger.port.js';

/** Starts pg-boss on the service's database (it keeps its tables in the `pgboss` schema). */
export async function startPgBoss(databaseUrl: string, logger: Logger, pollingIntervalSeconds = 2): Promise<PgBoss> {
  // The timekeeper checks the cron schedules as often as workers poll: a tick fires within seconds.
  const cronCheckSeconds = Math.min(45, Math.max(1, Math.round(pollingIntervalSeconds)));
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: 'pgboss',
    max: 4,
    // Maintenance every 30 s: an expired fan-out (its process died) is retried within a minute or so.
    maintenanceIntervalSeconds: 30,
    cronMonitorIntervalSeconds: cronCheckSeconds,
    cronWorkerIntervalSeconds: cronCheckSeconds,
  });
  boss.on('error', (error: Error) => logger.error({ err: error.message }, 'job queue error'));
  await boss.start();
  return boss;
}
