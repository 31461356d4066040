import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveAdminToken } from './infrastructure/admin-token.js';
import { ConfigError, loadConfig } from './infrastructure/config.js';
import { buildContainer, closeContainer, metricsRegistry, reencryptClientTokens, startWorkers } from './infrastructure/container.js';
import { EMBEDDED_URL_FILE, startEmbeddedPostgres, type EmbeddedDatabase } from './infrastructure/database/embedded-postgres.js';
import { applyMigrations } from './infrastructure/database/migrator.js';
import { startPgBoss } from './infrastructure/jobs/start-pg-boss.js';
import { createLogger } from './infrastructure/logger.js';
import { createHttpApp } from './interfaces/http/app.js';

/** How long after SHUTDOWN_TIMEOUT_MS a shutdown that is still not done exits anyway. */
const FORCED_EXIT_MARGIN_MS = 1_500;

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel, config.logFormat);
  // The queue library settles some jobs without awaiting them: a database hiccup there is logged, not fatal.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection'));

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const dir = join(config.dataDir, 'postgres');
    embedded = await startEmbeddedPostgres({ dir, port: config.embeddedPostgresPort });
    databaseUrl = embedded.url;
    // For `npm run psql` and other tools: the URL of a local-only server (127.0.0.1, fixed credentials).
    await writeFile(join(config.dataDir, EMBEDDED_URL_FILE), `${embedded.url}\n`, { mode: 0o600 });
    logger.info({ dir, port: embedded.port, url: embedded.url.replace(/:[^:@/]+@/, ':****@'), urlFile: join(config.dataDir, EMBEDDED_URL_FILE) }, 'DATABASE_URL is not set: running an embedded PostgreSQL');
  }
  const applied = await applyMigrations(databaseUrl);
  logger.info({ applied }, applied.length ? 'applied pending migrations' : 'database schema is up to date');
  if (config.upstream.tlsInsecure) {
    logger.warn({}, 'EXTERNAL_API_TLS_INSECURE=true: upstream TLS certificates are NOT verified');
  }

  const boss = await startPgBoss(databaseUrl, logger, config.jobs.pollingIntervalSeconds);
  const { workerConcurrency, historyDays, ...queueSettings } = config.jobs;
  const container = buildContainer({
    databaseUrl,
    importStartAt: config.importStartAt,
    upstream: config.upstream,
    jobs: { workerConcurrency, historyDays },
    logger,
    contacts: config.contacts,
    encryption: config.encryption,
    durableQueue: { boss, settings: queueSettings },
    processMetrics: true,
    webhooks: config.webhooks,
    apiOnly: config.role === 'api',
    reconcileSample: config.reconcileSample,
  });
  if (config.webhooks.secret) {
    // The origin only: a receiver's path may carry a token of its own.
    logger.info({ webhookOrigin: config.webhooks.url ? new URL(config.webhooks.url).origin : null }, 'webhooks are signed and sent when runs and client shares finish');
  } else if (config.role === 'api') {
    logger.info('no WEBHOOK_SECRET here (ROLE=api): the events of queued runs cancelled here are queued for whatever receivers the workers have');
  }
  if (config.encryption.current) {
    const rewritten = await reencryptClientTokens(container);
    logger.info({ rewritten }, 'client API tokens are encrypted at rest');
  }

  let server: Server | undefined;
  let stopping = false;
  const shutdown = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down: letting the work in flight checkpoint');
    // The scheduler gives up on its jobs at SHUTDOWN_TIMEOUT_MS; this is the bound on the rest
    // (pools, the embedded database): 9.5 s with the defaults, within a 10 s grace period.
    const forceAfterMs = config.jobs.shutdownTimeoutMs + FORCED_EXIT_MARGIN_MS;
    const timer = setTimeout(() => {
      logger.error({ afterMs: forceAfterMs }, 'shutdown did not finish within SHUTDOWN_TIMEOUT_MS plus its margin (a connection or a job would not close): exiting anyway; interrupted jobs are retried');
      process.exit(1);
    }, forceAfterMs);
    timer.unref();
    server?.close();
    try {
      await closeContainer(container);
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'shutdown did not complete cleanly');
      exitCode = 1;
    } finally {
      await embedded?.stop();
    }
    process.exit(exitCode);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  if (config.role !== 'api') {
    await startWorkers(container);
    logger.info({ workerConcurrency, role: config.role }, 'job workers started');
  }
  if (config.role !== 'worker') {
    const admin = await resolveAdminToken(config.adminToken, config.dataDir);
    if (admin.fresh) {
      // Shown once, on the terminal only: never through the logger.
      process.stdout.write(`\nGenerated an admin token (kept in ${admin.generatedFile}):\n\n  ${admin.token}\n\n`);
    } else if (admin.generatedFile) {
      logger.info({ file: admin.generatedFile }, 'ADMIN_TOKEN is not set: using the generated admin token');
    }
    if (config.production && !config.metricsToken) logger.warn({}, 'METRICS_TOKEN is not set: GET /metrics is open to anyone who can reach the service');
    const app = createHttpApp(container, { adminToken: admin.token, logger, metrics: { registry: metricsRegistry(container), token: config.metricsToken } });
    server = app.listen(config.port, () => logger.info({ port: (server!.address() as AddressInfo).port, role: config.role }, 'helpdesk-importer listening'));
    server.on('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(`failed to start: cannot listen on port ${config.port} (${error.code ?? error.message})\n`);
      void shutdown('cannot listen', 1);
    });
  }
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
