import PgBoss from 'pg-boss';
import type { Logger } from '../../domain/ports/logger.port.js';

/** Starts pg-boss on the service's database (it keeps its tables in the `pgboss` schema). */
export async function startPgBoss(databaseUrl: string, logger: Logger): Promise<PgBoss> {
  // Maintenance every 30 s: an expired fan-out (its process died) is retried within a minute or so.
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 4, maintenanceIntervalSeconds: 30 });
  boss.on('error', (error: Error) => logger.error({ err: error.message }, 'job queue error'));
  await boss.start();
  return boss;
}
