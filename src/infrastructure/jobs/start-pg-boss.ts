import PgBoss from 'pg-boss';
import type { Logger } from '../../domain/ports/logger.port.js';

/** Starts pg-boss on the service's database (it keeps its tables in the `pgboss` schema). */
export async function startPgBoss(databaseUrl: string, logger: Logger): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 4 });
  boss.on('error', (error: Error) => logger.error({ err: error.message }, 'job queue error'));
  await boss.start();
  return boss;
}
