import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { GetClientUseCase } from '../application/clients/get-client.use-case.js';
import { ListClientsUseCase } from '../application/clients/list-clients.use-case.js';
import { RegisterClientUseCase } from '../application/clients/register-client.use-case.js';
import { UpdateClientUseCase } from '../application/clients/update-client.use-case.js';
import { ImportTicketsUseCase } from '../application/import-tickets/import-tickets.use-case.js';
import { RunJobUseCase } from '../application/jobs/run-job.use-case.js';
import { StartJobUseCase } from '../application/jobs/start-job.use-case.js';
import type { ImportSettings, JobSettings } from '../application/settings.js';
import { SyncContactsUseCase } from '../application/sync-contacts/sync-contacts.use-case.js';
import { TOKENS } from '../application/tokens.js';
import type { Logger } from '../domain/ports/logger.port.js';
import type { UpstreamConfig } from './config.js';
import { createPrismaClient, type PrismaClient } from './database/prisma-client.js';
import { INFRA_TOKENS } from './infra-tokens.js';
import { InProcessClientLock } from './jobs/in-process-client-lock.js';
import { InProcessJobScheduler } from './jobs/in-process-job-scheduler.js';
import { PrismaClientRepository } from './prisma/prisma-client-repository.js';
import { PrismaContactStore } from './prisma/prisma-contact-store.js';
import { PrismaCursorStore } from './prisma/prisma-cursor-store.js';
import { PrismaJobRunStore } from './prisma/prisma-job-run-store.js';
import { PrismaTicketStore } from './prisma/prisma-ticket-store.js';
import { HttpContactSource } from './upstream/http-contact-source.js';
import { HttpTicketSource } from './upstream/http-ticket-source.js';
import { UpstreamConnections } from './upstream/upstream-connections.js';

export interface ContainerSettings {
  databaseUrl: string;
  importStartAt: Date | null;
  upstream: UpstreamConfig;
  jobs: JobSettings;
  logger: Logger;
}

/**
 * The composition root: the only place that binds ports to adapters. Each call builds an
 * independent container (its own database pool, rate budgets and scheduler), so tests and
 * embedding services can hold several.
 */
export function buildContainer(settings: ContainerSettings): DependencyContainer {
  const c = rootContainer.createChildContainer();

  c.registerInstance<PrismaClient>(INFRA_TOKENS.Prisma, createPrismaClient(settings.databaseUrl));
  c.registerInstance(INFRA_TOKENS.UpstreamConfig, settings.upstream);
  c.registerInstance(TOKENS.Logger, settings.logger);
  c.registerInstance<ImportSettings>(TOKENS.ImportSettings, { importStartAt: settings.importStartAt, pageSize: settings.upstream.pageSize });
  c.registerInstance<JobSettings>(TOKENS.JobSettings, settings.jobs);

  c.registerSingleton(INFRA_TOKENS.UpstreamConnections, UpstreamConnections);
  c.register(TOKENS.UpstreamUsage, { useToken: INFRA_TOKENS.UpstreamConnections });
  c.registerSingleton(TOKENS.TicketSource, HttpTicketSource);
  c.registerSingleton(TOKENS.ContactSource, HttpContactSource);

  c.registerSingleton(TOKENS.ClientRepository, PrismaClientRepository);
  c.registerSingleton(TOKENS.CursorStore, PrismaCursorStore);
  c.registerSingleton(TOKENS.TicketStore, PrismaTicketStore);
  c.registerSingleton(TOKENS.ContactStore, PrismaContactStore);
  c.registerSingleton(TOKENS.JobRunStore, PrismaJobRunStore);

  c.registerSingleton(TOKENS.ClientLock, InProcessClientLock);
  c.registerSingleton(TOKENS.JobRunner, RunJobUseCase);
  c.registerSingleton(TOKENS.JobScheduler, InProcessJobScheduler);

  const useCases: (new (...args: never[]) => unknown)[] = [
    ImportTicketsUseCase,
    SyncContactsUseCase,
    StartJobUseCase,
    RegisterClientUseCase,
    UpdateClientUseCase,
    GetClientUseCase,
    ListClientsUseCase,
  ];
  for (const useCase of useCases) c.registerSingleton(useCase as new (...args: unknown[]) => unknown);
  return c;
}

/** Waits for running jobs, then releases the database pool. */
export async function closeContainer(c: DependencyContainer): Promise<void> {
  await c.resolve<InProcessJobScheduler>(TOKENS.JobScheduler).whenIdle();
  await c.resolve<PrismaClient>(INFRA_TOKENS.Prisma).$disconnect();
}
