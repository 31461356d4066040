import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import { RunCancelledError } from '../../domain/errors.js';
import { FINISHED_CLIENT_STATUSES, FINISHED_JOB_STATUSES, type ClientRunStats, type JobKind } from '../../domain/jobs/job-run.js';
import type { ClientLock } from '../../domain/ports/client-lock.port.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import type { UpstreamUsage } from '../../domain/ports/upstream-usage.port.js';
import { ImportTicketsUseCase } from '../import-tickets/import-tickets.use-case.js';
import { SyncContactsUseCase } from '../sync-contacts/sync-contacts.use-case.js';
import { TOKENS } from '../tokens.js';
import { describeError, errorDetail } from './describe-error.js';

type ClientWork = Omit<ClientRunStats, 'status' | 'upstreamRequests' | 'retries' | 'rateLimited' | 'error' | 'startedAt' | 'finishedAt'>;

/**
 * One client's share of a run: import its tickets or sync its contacts under the client's
 * lock (never two runs of a kind on one client at once), recording progress at every
 * checkpoint. It stops at a page boundary when the run is cancelled (the client ends
 * `cancelled`) or when `signal` aborts (shutdown: the error propagates so the job is retried
 * and resumes from the checkpoints). The last client to finish ends the run.
 */
@injectable()
export class RunClientJobUseCase {
  constructor(
    @inject(TOKENS.JobRunStore) private readonly runs: JobRunStore,
    @inject(TOKENS.ClientRepository) private readonly clients: ClientRepository,
    @inject(TOKENS.ClientLock) private readonly lock: ClientLock,
    @inject(TOKENS.UpstreamUsage) private readonly usage: UpstreamUsage,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(ImportTicketsUseCase) private readonly importTickets: ImportTicketsUseCase,
    @inject(SyncContactsUseCase) private readonly syncContacts: SyncContactsUseCase,
  ) {}

  async execute(runId: string, clientId: string, signal?: AbortSignal): Promise<void> {
    const run = await this.runs.findById(runId);
    if (!run || FINISHED_JOB_STATUSES.includes(run.status)) return;
    const client = await this.clients.findById(clientId);
    if (!client) return;
    await this.lock.runExclusive(`${run.kind}:${client.id}`, () => this.process(run.id, client, signal));
    await this.endRunIfAllClientsFinished(run.id);
  }

  private async process(runId: string, client: Client, signal: AbortSignal | undefined): Promise<void> {
    // Read again: while this job waited for the lock, the run may have been cancelled.
    const run = await this.runs.findById(runId);
    if (!run || FINISHED_JOB_STATUSES.includes(run.status)) return;
    if (run.cancelRequestedAt) {
      await this.runs.saveClientStats(run.id, client.slug, { ...emptyStats(), status: 'cancelled' });
      return;
    }
    // Cancelled between the read above and now: it must not start.
    if (!(await this.runs.markRunning(run.id))) return;
    // Counted inside the lock: a run waiting for it must not be charged the other run's requests.
    const before = this.usage.snapshot(client.id);
    const startedAt = new Date().toISOString();
    let latest: ClientWork | undefined;
    const record = async (status: ClientRunStats['status'], error?: string) => {
      const now = this.usage.snapshot(client.id);
      await this.runs.saveClientStats(run.id, client.slug, {
        ...emptyStats(),
        ...latest,
        status,
        startedAt,
        ...(FINISHED_CLIENT_STATUSES.includes(status) ? { finishedAt: new Date().toISOString() } : {}),
        upstreamRequests: now.requests - before.requests,
        retries: now.retries - before.retries,
        rateLimited: now.rateLimited - before.rateLimited,
        ...(error ? { error } : {}),
      });
    };

    try {
      await record('running');
      latest = await this.work(run.kind, client, async (report) => {
        latest = { ...report };
        await record('running');
        signal?.throwIfAborted();
        const current = await this.runs.findById(run.id);
        if (!current || current.cancelRequestedAt || FINISHED_JOB_STATUSES.includes(current.status)) throw new RunCancelledError();
      });
      await record('succeeded');
      this.logger.info({ runId: run.id, kind: run.kind, client: client.slug, ...latest }, 'client run finished');
    } catch (error) {
      if (signal?.aborted) {
        await record('queued');
        throw error;
      }
      if (error instanceof RunCancelledError) {
        await record('cancelled');
        return;
      }
      const message = describeError(error);
      this.logger.error({ runId: run.id, kind: run.kind, client: client.slug, err: message, detail: errorDetail(error) }, 'client run failed');
      await record('failed', message);
    }
  }

  private work(kind: JobKind, client: Client, onProgress: (report: ClientWork) => Promise<void>): Promise<ClientWork> {
    return kind === 'import' ? this.importTickets.execute(client, onProgress) : this.syncContacts.execute(client, onProgress);
  }

  private async endRunIfAllClientsFinished(runId: string): Promise<void> {
    const run = await this.runs.findById(runId);
    if (!run || FINISHED_JOB_STATUSES.includes(run.status)) return;
    const entries = Object.entries(run.stats);
    if (!entries.every(([, s]) => FINISHED_CLIENT_STATUSES.includes(s.status))) return;
    const failed = entries.filter(([, s]) => s.status === 'failed');
    const status = run.cancelRequestedAt ? 'cancelled' : failed.length ? 'failed' : 'succeeded';
    const error = failed.length ? failed.map(([slug, s]) => `${slug}: ${s.error}`).join('\n') : null;
    await this.runs.finish(run.id, status, error);
  }
}

function emptyStats(): ClientRunStats {
  return { status: 'queued', pages: 0, upstreamRequests: 0, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null };
}
