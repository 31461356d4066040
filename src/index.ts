/**
 * Embedding entry: run the importer's use cases inside another Node service. Jobs started
 * here run in the host's process (in memory); run the service itself for a durable queue.
 *
 *   import 'reflect-metadata';
 *   import { createImporter } from 'helpdesk-importer';
 *   const importer = await createImporter({ databaseUrl });
 *   await importer.useCases.registerClient.execute({ slug, name, apiBaseUrl, apiToken });
 *   const { run } = await importer.useCases.startJob.execute('import', slug);
 *   await importer.whenIdle();
 *   await importer.close();
 *
 * `importer.metrics` is a prom-client Registry: merge it into the host's own
 * (`Registry.merge([hostRegistry, importer.metrics])`) or serve it as is.
 */
import 'reflect-metadata';
import type { Registry } from 'prom-client';
import type { DependencyContainer } from 'tsyringe';
import { GetClientUseCase } from './application/clients/get-client.use-case.js';
import { ListClientsUseCase } from './application/clients/list-clients.use-case.js';
import { RegisterClientUseCase } from './application/clients/register-client.use-case.js';
import { UpdateClientUseCase } from './application/clients/update-client.use-case.js';
import { ImportTicketsUseCase } from './application/import-tickets/import-tickets.use-case.js';
import { CancelJobUseCase } from './application/jobs/cancel-job.use-case.js';
import { GetJobUseCase } from './application/jobs/get-job.use-case.js';
import { ListJobsUseCase } from './application/jobs/list-jobs.use-case.js';
import { StartJobUseCase } from './application/jobs/start-job.use-case.js';
import { SyncContactsUseCase } from './application/sync-contacts/sync-contacts.use-case.js';
import { TOKENS } from './application/tokens.js';
import { loadConfig, type UpstreamConfig } from './infrastructure/config.js';
import { buildContainer, closeContainer, metricsRegistry, startWorkers } from './infrastructure/container.js';
import { applyMigrations } from './infrastructure/database/migrator.js';
import { INFRA_TOKENS } from './infrastructure/infra-tokens.js';
import type { InProcessJobScheduler } from './infrastructure/jobs/in-process-job-scheduler.js';
import { asLogger, createLogger, type HostLogger } from './infrastructure/logger.js';

export interface ImporterOptions {
  databaseUrl: string;
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
  importStartAt?: Date | null;
  upstream?: Partial<UpstreamConfig>;
  /** Clients worked on at once (default 128). */
  workerConcurrency?: number;
  /** Days finished runs are kept (default 90). */
  historyDays?: number;
  /** Share of a client's live contacts one pass may mark deleted before the guard holds them (default 0.2; 1 = no guard). */
  contactsDeleteGuard?: number;
  /** 32-byte keys: client API tokens are encrypted at rest with `current`; `previous` stay readable. */
  encryption?: { current: Buffer | null; previous?: Buffer[] };
  /** pino's, or any logger with info/warn/error(fields, message). */
  logger?: HostLogger;
}

export interface Importer {
  container: DependencyContainer;
  /** The importer's Prometheus metrics (upstream requests, rows stored, runs, queue depth). */
  metrics: Registry;
  useCases: {
    registerClient: RegisterClientUseCase;
    updateClient: UpdateClientUseCase;
    getClient: GetClientUseCase;
    listClients: ListClientsUseCase;
    /** Queue a run (as the HTTP triggers do); it runs in the background of this process. */
    startJob: StartJobUseCase;
    /** Import one client's tickets now, awaiting the result. */
    importTickets: ImportTicketsUseCase;
    /** Sync one client's contacts now, awaiting the result. */
    syncContacts: SyncContactsUseCase;
    getJob: GetJobUseCase;
    listJobs: ListJobsUseCase;
    cancelJob: CancelJobUseCase;
  };
  /** Resolves when every queued or running job has finished. */
  whenIdle(): Promise<void>;
  /** Waits for running jobs, then closes the database pool. */
  close(): Promise<void>;
}

export async function createImporter(options: ImporterOptions): Promise<Importer> {
  if (options.migrate ?? true) await applyMigrations(options.databaseUrl);
  const defaults = loadConfig({});
  const logger = options.logger ? asLogger(options.logger) : createLogger('info');
  const upstream = { ...defaults.upstream, ...options.upstream };
  const deleteGuard = options.contactsDeleteGuard ?? defaults.contacts.deleteGuard;
  if (!(deleteGuard >= 0 && deleteGuard <= 1)) throw new RangeError('contactsDeleteGuard must be a number between 0 and 1, such as 0.2 (1 turns the guard off)');
  if (upstream.tlsInsecure) logger.warn({}, 'upstream TLS certificates are NOT verified (tlsInsecure)');
  const container = buildContainer({
    databaseUrl: options.databaseUrl,
    importStartAt: options.importStartAt ?? null,
    upstream,
    jobs: { workerConcurrency: options.workerConcurrency ?? defaults.jobs.workerConcurrency, historyDays: options.historyDays ?? defaults.jobs.historyDays },
    logger,
    contacts: { deleteGuard },
    encryption: options.encryption && { current: options.encryption.current, previous: options.encryption.previous ?? [] },
  });
  await startWorkers(container);
  const scheduler = container.resolve<InProcessJobScheduler>(INFRA_TOKENS.InProcessJobScheduler);
  return {
    container,
    metrics: metricsRegistry(container),
    useCases: {
      registerClient: container.resolve(RegisterClientUseCase),
      updateClient: container.resolve(UpdateClientUseCase),
      getClient: container.resolve(GetClientUseCase),
      listClients: container.resolve(ListClientsUseCase),
      startJob: container.resolve(StartJobUseCase),
      importTickets: container.resolve(ImportTicketsUseCase),
      syncContacts: container.resolve(SyncContactsUseCase),
      getJob: container.resolve(GetJobUseCase),
      listJobs: container.resolve(ListJobsUseCase),
      cancelJob: container.resolve(CancelJobUseCase),
    },
    whenIdle: () => scheduler.whenIdle(),
    close: () => closeContainer(container),
  };
}

export { TOKENS };
export type { UpstreamConfig, HostLogger };
export type { Client, NewClient, ClientChanges } from './domain/clients/client.js';
export type { JobKind, JobRun, JobRunFilter, ClientRunStats } from './domain/jobs/job-run.js';
export type { ImportTicketsReport } from './application/import-tickets/import-tickets.use-case.js';
export type { SyncContactsReport } from './application/sync-contacts/sync-contacts.use-case.js';
export * from './domain/errors.js';
