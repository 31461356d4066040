import pLimit from 'p-limit';
import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import { ALL_CLIENTS, type ClientRunStats, type JobKind, type JobRun } from '../../domain/jobs/job-run.js';
import type { ClientLock } from '../../domain/ports/client-lock.port.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import type { JobRunner } from '../../domain/ports/job-scheduler.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import type { UpstreamUsage } from '../../domain/ports/upstream-usage.port.js';
import { ImportTicketsUseCase } from '../import-tickets/import-tickets.use-case.js';
import type { JobSettings } from '../settings.js';
import { SyncContactsUseCase } from '../sync-contacts/sync-contacts.use-case.js';
import { TOKENS } from '../tokens.js';
import { describeError } from './describe-error.js';

type ClientWork = Omit<ClientRunStats, 'status' | 'upstreamRequests' | 'retries' | 'rateLimited' | 'error'>;

/**
 * Executes a queued run: every active client it targets (one slug, or all), side by side up to
 * a bound, each under its per-client lock. One client's failure never stops the others; the
 * run records per-client progress at every checkpoint.
 */
@injectable()
export class RunJobUseCase implements JobRunner {
  constructor(
    @inject(TOKENS.JobRunStore) private readonly runs: JobRunStore,
    @inject(TOKENS.ClientRepository) private readonly clients: ClientRepository,
    @inject(TOKENS.ClientLock) private readonly lock: ClientLock,
    @inject(TOKENS.UpstreamUsage) private readonly usage: UpstreamUsage,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.JobSettings) private readonly settings: JobSettings,
    @inject(ImportTicketsUseCase) private readonly importTickets: ImportTicketsUseCase,
    @inject(SyncContactsUseCase) private readonly syncContacts: SyncContactsUseCase,
  ) {}

  async execute(runId: string): Promise<void> {
    const run = await this.runs.claim(runId);
    if (!run) return;
    const stats: Record<string, ClientRunStats> = {};
    try {
      const targets = await this.targets(run);
      const limit = pLimit(this.settings.clientConcurrency);
      await Promise.all(targets.map((client) => limit(() => this.runClient(run, client, stats))));
      const failed = Object.entries(stats).filter(([, s]) => s.status === 'failed');
      const error = failed.length ? failed.map(([slug, s]) => `${slug}: ${s.error}`).join('; ') : null;
      await this.runs.finish(run.id, failed.length ? 'failed' : 'succeeded', stats, error);
    } catch (error) {
      this.logger.error({ runId: run.id, kind: run.kind, slug: run.slug, err: describeError(error) }, 'job run failed');
      await this.runs.finish(run.id, 'failed', stats, describeError(error));
    }
  }

  /** An unknown or inactive slug targets no client: the run succeeds having processed nothing. */
  private async targets(run: JobRun): Promise<Client[]> {
    if (run.slug === ALL_CLIENTS) return this.clients.listActive();
    const client = await this.clients.findBySlug(run.slug);
    return client?.active ? [client] : [];
  }

  private async runClient(run: JobRun, client: Client, stats: Record<string, ClientRunStats>): Promise<void> {
    await this.lock.runExclusive(`${run.kind}:${client.id}`, async () => {
      // Counted inside the lock: a run waiting for it must not be charged the other run's requests.
      const before = this.usage.snapshot(client.id);
      let latest: ClientWork | undefined;
      const record = async (status: ClientRunStats['status'], error?: string) => {
        const now = this.usage.snapshot(client.id);
        stats[client.slug] = {
          status,
          ...(latest ?? { pages: 0, cursorBefore: null, cursorAfter: null }),
          upstreamRequests: now.requests - before.requests,
          retries: now.retries - before.retries,
          rateLimited: now.rateLimited - before.rateLimited,
          ...(error ? { error } : {}),
        };
        await this.runs.saveStats(run.id, stats);
      };

      try {
        await record('running');
        latest = await this.work(run.kind, client, async (report) => {
          latest = { ...report };
          await record('running');
        });
        await record('succeeded');
      } catch (error) {
        const message = describeError(error);
        this.logger.error({ runId: run.id, kind: run.kind, client: client.slug, err: message }, 'client run failed');
        await record('failed', message);
      }
    });
  }

  private work(kind: JobKind, client: Client, onProgress: (report: ClientWork) => Promise<void>): Promise<ClientWork> {
    return kind === 'import' ? this.importTickets.execute(client, onProgress) : this.syncContacts.execute(client, onProgress);
  }
}
