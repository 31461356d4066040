import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { resolveAdminToken } from './infrastructure/admin-token.js';
import { ConfigError, loadConfig } from './infrastructure/config.js';
import { buildContainer, closeContainer } from './infrastructure/container.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './infrastructure/database/embedded-postgres.js';
import { applyMigrations } from './infrastructure/database/migrator.js';
import { createLogger } from './infrastructure/logger.js';
import { createHttpApp } from './interfaces/http/app.js';

const SHUTDOWN_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const dir = join(config.dataDir, 'postgres');
    embedded = await startEmbeddedPostgres({ dir, port: config.embeddedPostgresPort });
    databaseUrl = embedded.url;
    logger.info({ dir, port: config.embeddedPostgresPort }, 'DATABASE_URL is not set: running an embedded PostgreSQL');
  }
  const applied = await applyMigrations(databaseUrl);
  logger.info({ applied }, applied.length ? 'applied pending migrations' : 'database schema is up to date');

  const admin = await resolveAdminToken(config.adminToken, config.dataDir);
  if (admin.fresh) {
    // Shown once, on the terminal only: never through the logger.
    process.stdout.write(`\nGenerated an admin token (kept in ${admin.generatedFile}):\n\n  ${admin.token}\n\n`);
  } else if (admin.generatedFile) {
    logger.info({ file: admin.generatedFile }, 'ADMIN_TOKEN is not set: using the generated admin token');
  }
  if (config.upstream.tlsInsecure) {
    logger.warn({}, 'EXTERNAL_API_TLS_INSECURE=true: upstream TLS certificates are NOT verified');
  }

  const container = buildContainer({ databaseUrl, importStartAt: config.importStartAt, upstream: config.upstream, jobs: config.jobs, logger });
  const app = createHttpApp(container, admin.token);
  const server: Server = app.listen(config.port, () => logger.info({ port: (server.address() as AddressInfo).port }, 'helpdesk-importer listening'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing running jobs');
    const timer = setTimeout(() => {
      logger.error({}, 'shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    server.close();
    await closeContainer(container);
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** Variables already in the environment win over `.env`. */
function loadDotEnv(): void {
  try {
    process.loadEnvFile('.env');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `failed to start: ${(error as Error)?.stack ?? error}`}\n`);
  process.exit(1);
});
