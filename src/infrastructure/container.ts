import 'reflect-metadata';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Registry } from 'prom-client';
import { instanceCachingFactory, container as rootContainer, type DependencyContainer } from 'tsyringe';
import { GetClientUseCase } from '../application/clients/get-client.use-case.js';
import { CheckReadinessUseCase } from '../application/health/check-readiness.use-case.js';
import { ListClientActivityUseCase } from '../application/clients/list-client-activity.use-case.js';
import { ListClientsUseCase } from '../application/clients/list-clients.use-case.js';
import { RegisterClientUseCase } from '../application/clients/register-client.use-case.js';
import { UpdateClientUseCase } from '../application/clients/update-client.use-case.js';
import { BackfillClientUseCase } from '../application/backfill/backfill-client.use-case.js';
import { BackfillWindow } from '../application/backfill/backfill-window.js';
import { ImportTicketsUseCase } from '../application/import-tickets/import-tickets.use-case.js';
import { CheckClientData } from '../application/reconcile/check-client-data.js';
import { ReconcileClientUseCase } from '../application/reconcile/reconcile-client.use-case.js';
import { AbandonJobUseCase } from '../application/jobs/abandon-job.use-case.js';
import { CancelJobUseCase } from '../application/jobs/cancel-job.use-case.js';
import { EndRunWhenClientsFinish } from '../application/jobs/end-run-when-clients-finish.js';
import { FanOutRunUseCase } from '../application/jobs/fan-out-run.use-case.js';
import { GetJobUseCase } from '../application/jobs/get-job.use-case.js';
import { ListJobsUseCase } from '../application/jobs/list-jobs.use-case.js';
import { ListRunClientsUseCase } from '../application/jobs/list-run-clients.use-case.js';
import { PruneJobHistoryUseCase } from '../application/jobs/prune-job-history.use-case.js';
import { RescheduleStalledRunsUseCase } from '../application/jobs/reschedule-stalled-runs.use-case.js';
import { RunClientJobUseCase } from '../application/jobs/run-client-job.use-case.js';
import { StartJobUseCase } from '../application/jobs/start-job.use-case.js';
import { StartScheduledRunUseCase } from '../application/jobs/start-scheduled-run.use-case.js';
import { DEFAULT_CONTACTS_SETTINGS, type ContactsSettings, type ImportSettings, type JobSettings, type ReconcileSettings, type WebhookSendingSettings } from '../application/settings.js';
import { SyncContactsUseCase } from '../application/sync-contacts/sync-contacts.use-case.js';
import { TOKENS } from '../application/tokens.js';
import { DeliverWebhookUseCase } from '../application/webhooks/deliver-webhook.use-case.js';
import { ListWebhookDeliveriesUseCase } from '../application/webhooks/list-webhook-deliveries.use-case.js';
import { RedeliverWebhookUseCase } from '../application/webhooks/redeliver-webhook.use-case.js';
import type { Clock } from '../domain/ports/clock.port.js';
import type { JobScheduler } from '../domain/ports/job-scheduler.port.js';
import type { JobHandlers } from '../domain/ports/job-handlers.port.js';
import type { Logger } from '../domain/ports/logger.port.js';
import type { UpstreamConfig, WebhookConfig } from './config.js';
import { TokenCipher } from './crypto/token-cipher.js';
import { connectDatabase, type PrismaClient } from './database/prisma-client.js';
import { INFRA_TOKENS } from './infra-tokens.js';
import { SystemClock } from './system-clock.js';
import { InProcessClientLock } from './jobs/in-process-client-lock.js';
import { InProcessJobScheduler } from './jobs/in-process-job-scheduler.js';
import type { PgBossSchedulerSettings } from './jobs/pg-boss-job-scheduler.js';
import { createDurableJobs } from './jobs/durable-jobs.js';
import { ImporterMetrics } from './metrics/importer-metrics.js';
import { PrismaClientRepository } from './prisma/prisma-client-repository.js';
import { PgChangeFeed } from './pg/pg-change-feed.js';
import { PgClientActivityReader } from './pg/pg-client-activity-reader.js';
import { PgContactStore } from './pg/pg-contact-store.js';
import { PgReadinessCheck } from './pg/pg-readiness-check.js';
import { latestReconcileMissingRows } from './pg/latest-reconcile-missing-rows.js';
import { PgStoredDataCensus } from './pg/pg-stored-data-census.js';
import { PgTicketStore } from './pg/pg-ticket-store.js';
import { PrismaCursorStore } from './prisma/prisma-cursor-store.js';
import { PrismaJobRunStore } from './prisma/prisma-job-run-store.js';
import { HttpContactSource } from './upstream/http-contact-source.js';
import { HttpTicketSource } from './upstream/http-ticket-source.js';
import { PgUpstreamRequestLedger } from './upstream/pg-upstream-request-ledger.js';
import { UpstreamConnections } from './upstream/upstream-connections.js';
import { receiversToQueue } from '../domain/webhooks/webhook-receivers.js';
import { HttpWebhookSender } from './webhooks/http-webhook-sender.js';
import { PgWebhookDeliveryStore } from './webhooks/pg-webhook-delivery-store.js';
import { WebhookDeliveryLoop } from './webhooks/webhook-delivery-loop.js';
import { WebhookOutbox } from './webhooks/webhook-outbox.js';

export interface ContainerSettings {
  databaseUrl: string;
  importStartAt: Date | null;
  upstream: UpstreamConfig;
  jobs: JobSettings & { workerConcurrency: number };
  logger: Logger;
  /** The contacts deletion guard (`CONTACTS_DELETE_GUARD`); absent: its default. */
  contacts?: ContactsSettings;
  /** Encryption of client API tokens at rest; absent: stored as given. */
  encryption?: { current: Buffer | null; previous: Buffer[] };
  /** Also export Node's own metrics (memory, event loop, GC): the service does, an embedding host has its own. */
  processMetrics?: boolean;
  /** Tickets whose message counts a reconcile compares (`RECONCILE_SAMPLE`); default 20. */
  reconcileSample?: number;
  /** The durable queue (the service). Absent: jobs run in this process only (embedding, tests). */
  durableQueue?: { boss: PgBoss; settings: Omit<PgBossSchedulerSettings, 'workerConcurrency'> };
  /** Signed webhooks when runs and client shares finish; absent or without a secret: none are sent from here (see receiversToQueue for what is queued). */
  webhooks?: WebhookConfig;
  /** This process serves the API only (ROLE=api) and runs no workers: it queues the events of what it ends for the workers' receivers. */
  apiOnly?: boolean;
  /** The time (tests drive it); default: the system clock. */
  clock?: Clock;
}

/** Sends the queued webhooks; started with the workers, when webhooks are on. */
const WEBHOOK_DELIVERY_LOOP = Symbol('WebhookDeliveryLoop');

/** What closeContainer runs after the scheduler stopped, in order (the lock's heartbeat, its pool). */
const CLOSE_HOOKS = Symbol('CloseHooks');

/**
 * The composition root: the only place that binds ports to adapters. Each call builds an
 * independent container (its own database pools, rate budgets and scheduler), so tests and
 * embedding services can hold several.
 */
export function buildContainer(settings: ContainerSettings): DependencyContainer {
  const c = rootContainer.createChildContainer();

  const database = connectDatabase(settings.databaseUrl, (error) => settings.logger.warn({ err: error.message }, 'a database connection was lost'));
  c.registerInstance<PrismaClient>(INFRA_TOKENS.Prisma, database.prisma);
  c.registerInstance(INFRA_TOKENS.Pool, database.pool);
  c.registerInstance(INFRA_TOKENS.TokenCipher, new TokenCipher(settings.encryption?.current ?? null, settings.encryption?.previous ?? []));
  c.registerInstance(INFRA_TOKENS.UpstreamConfig, settings.upstream);
  c.registerInstance(INFRA_TOKENS.WorkerConcurrency, settings.jobs.workerConcurrency);
  c.registerInstance(TOKENS.Logger, settings.logger);
  const clock = settings.clock ?? new SystemClock();
  c.registerInstance(TOKENS.Clock, clock);
  const closeHooks: (() => Promise<void>)[] = [];
  c.registerInstance(CLOSE_HOOKS, closeHooks);
  const metrics = new ImporterMetrics({
    countRuns: async () => (await database.pool.query('SELECT kind, status, count(*)::int AS count FROM job_runs GROUP BY kind, status')).rows,
    queueDepth: () => c.resolve<JobScheduler>(TOKENS.JobScheduler).queueDepth(),
    reconcileMissing: () => latestReconcileMissingRows(database.pool),
  });
  if (settings.processMetrics) metrics.collectProcessMetrics();
  c.registerInstance(INFRA_TOKENS.Metrics, metrics);
  c.registerInstance<ReconcileSettings>(TOKENS.ReconcileSettings, { sampleSize: settings.reconcileSample ?? 20 });
  c.registerInstance<ImportSettings>(TOKENS.ImportSettings, { importStartAt: settings.importStartAt, pageSize: settings.upstream.pageSize });
  c.registerInstance<JobSettings>(TOKENS.JobSettings, { historyDays: settings.jobs.historyDays });
  c.registerInstance<ContactsSettings>(TOKENS.ContactsSettings, settings.contacts ?? DEFAULT_CONTACTS_SETTINGS);

  c.registerSingleton(INFRA_TOKENS.UpstreamRequestLedger, PgUpstreamRequestLedger);
  c.registerSingleton(INFRA_TOKENS.UpstreamConnections, UpstreamConnections);
  c.register(TOKENS.UpstreamUsage, { useToken: INFRA_TOKENS.UpstreamConnections });
  c.registerSingleton(TOKENS.TicketSource, HttpTicketSource);
  c.registerSingleton(TOKENS.ContactSource, HttpContactSource);

  c.registerSingleton(TOKENS.ClientRepository, PrismaClientRepository);
  c.registerSingleton(TOKENS.CursorStore, PrismaCursorStore);
  c.registerSingleton(TOKENS.TicketStore, PgTicketStore);
  c.registerSingleton(TOKENS.ContactStore, PgContactStore);
  c.registerSingleton(TOKENS.ChangeFeed, PgChangeFeed);
  c.registerSingleton(TOKENS.JobRunStore, PrismaJobRunStore);
  c.registerSingleton(TOKENS.ReadinessCheck, PgReadinessCheck);
  c.registerSingleton(TOKENS.StoredDataCensus, PgStoredDataCensus);

  const webhooks = settings.webhooks?.secret ? settings.webhooks : null;
  const receivers = receiversToQueue({ signs: webhooks !== null, serviceUrl: webhooks?.url ?? null, sends: !settings.apiOnly });
  c.registerInstance(INFRA_TOKENS.WebhookOutbox, new WebhookOutbox(receivers, clock));
  c.registerInstance<WebhookSendingSettings>(TOKENS.WebhookSendingSettings, { signs: webhooks !== null, serviceUrl: webhooks?.url ?? null });
  c.registerSingleton(TOKENS.WebhookDeliveryStore, PgWebhookDeliveryStore);
  if (webhooks) {
    c.registerInstance(INFRA_TOKENS.WebhookConfig, webhooks);
    c.registerSingleton(TOKENS.WebhookSender, HttpWebhookSender);
    c.register(WEBHOOK_DELIVERY_LOOP, {
      useFactory: instanceCachingFactory(
        (r) => new WebhookDeliveryLoop(r.resolve(TOKENS.WebhookDeliveryStore), r.resolve(DeliverWebhookUseCase), clock, settings.logger, webhooks),
      ),
    });
    closeHooks.push(() => c.resolve<WebhookDeliveryLoop>(WEBHOOK_DELIVERY_LOOP).stop());
  }
  c.registerSingleton(TOKENS.ClientActivityReader, PgClientActivityReader);

  // The schedulers call back into use cases that themselves schedule: resolved lazily.
  c.registerInstance<JobHandlers>(TOKENS.JobHandlers, {
    fanOut: (runId) => c.resolve(FanOutRunUseCase).execute(runId),
    runClient: (job, signal) => c.resolve(RunClientJobUseCase).execute(job, signal),
    abandon: (job, reason) => c.resolve(AbandonJobUseCase).execute(job, reason),
    startScheduledRun: async (kind, tick) => {
      await c.resolve(StartScheduledRunUseCase).execute(kind, tick);
    },
    pruneHistory: () => c.resolve(PruneJobHistoryUseCase).execute(),
    rescheduleStalledRuns: () => c.resolve(RescheduleStalledRunsUseCase).execute(),
  });
  if (settings.durableQueue) {
    const jobs = createDurableJobs(settings.durableQueue.boss, settings.databaseUrl, { ...settings.durableQueue.settings, workerConcurrency: settings.jobs.workerConcurrency }, clock, settings.logger);
    closeHooks.push(jobs.close);
    c.registerInstance(TOKENS.ClientLock, jobs.lock);
    c.registerInstance<JobScheduler>(TOKENS.JobScheduler, jobs.scheduler);
  } else {
    c.registerSingleton(TOKENS.ClientLock, InProcessClientLock);
    // Under its own token too: the embedding entry's whenIdle() needs the concrete scheduler.
    c.registerSingleton(INFRA_TOKENS.InProcessJobScheduler, InProcessJobScheduler);
    c.register(TOKENS.JobScheduler, { useToken: INFRA_TOKENS.InProcessJobScheduler });
  }

  const useCases: (new (...args: never[]) => unknown)[] = [
    ImportTicketsUseCase,
    SyncContactsUseCase,
    BackfillWindow,
    BackfillClientUseCase,
    CheckClientData,
    ReconcileClientUseCase,
    StartJobUseCase,
    StartScheduledRunUseCase,
    FanOutRunUseCase,
    RunClientJobUseCase,
    GetJobUseCase,
    ListJobsUseCase,
    ListRunClientsUseCase,
    CancelJobUseCase,
    EndRunWhenClientsFinish,
    AbandonJobUseCase,
    RescheduleStalledRunsUseCase,
    PruneJobHistoryUseCase,
    CheckReadinessUseCase,
    RegisterClientUseCase,
    UpdateClientUseCase,
    GetClientUseCase,
    ListClientsUseCase,
    DeliverWebhookUseCase,
    ListWebhookDeliveriesUseCase,
    RedeliverWebhookUseCase,
    ListClientActivityUseCase,
  ];
  for (const useCase of useCases) c.registerSingleton(useCase as new (...args: unknown[]) => unknown);
  return c;
}

/** The container's Prometheus registry, for the HTTP app (or a host) to serve. */
export function metricsRegistry(c: DependencyContainer): Registry {
  return c.resolve<ImporterMetrics>(INFRA_TOKENS.Metrics).registry;
}

/** Encrypts under the current key every client token stored in plain or under a previous key. */
export function reencryptClientTokens(c: DependencyContainer): Promise<number> {
  return c.resolve(PrismaClientRepository).reencryptTokens();
}

/** Starts working the queued jobs in this process (the service with ROLE=worker|all; an embedding host). */
export async function startWorkers(c: DependencyContainer): Promise<void> {
  await c.resolve<JobScheduler>(TOKENS.JobScheduler).start(c.resolve<JobHandlers>(TOKENS.JobHandlers));
  if (c.isRegistered(WEBHOOK_DELIVERY_LOOP)) c.resolve<WebhookDeliveryLoop>(WEBHOOK_DELIVERY_LOOP).start();
}

/** Stops the scheduler (its work in flight checkpoints, or finishes in-process), then closes the pools. */
export async function closeContainer(c: DependencyContainer): Promise<void> {
  await c.resolve<JobScheduler>(TOKENS.JobScheduler).stop();
  for (const close of c.resolve<(() => Promise<void>)[]>(CLOSE_HOOKS)) await close();
  await c.resolve<PrismaClient>(INFRA_TOKENS.Prisma).$disconnect();
  await c.resolve<pg.Pool>(INFRA_TOKENS.Pool).end();
}
