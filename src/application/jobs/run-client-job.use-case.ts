import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import { RunCancelledError } from '../../domain/errors.js';
import { clientLockKey, type ClientJob } from '../../domain/jobs/client-job.js';
import { isClientFinished, queuedClientStats, resumedClientStats, type ClientRunStats, type JobRun } from '../../domain/jobs/job-run.js';
import type { ChangeFeed } from '../../domain/ports/change-feed.port.js';
import type { ClientLock } from '../../domain/ports/client-lock.port.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import type { UpstreamUsage } from '../../domain/ports/upstream-usage.port.js';
import { BackfillClientUseCase } from '../backfill/backfill-client.use-case.js';
import { ImportTicketsUseCase } from '../import-tickets/import-tickets.use-case.js';
import { ReconcileClientUseCase } from '../reconcile/reconcile-client.use-case.js';
import { SyncContactsUseCase } from '../sync-contacts/sync-contacts.use-case.js';
import { TOKENS } from '../tokens.js';
import { describeError, errorDetail } from './describe-error.js';
import { EndRunWhenClientsFinish } from './end-run-when-clients-finish.js';
import { StoredChanges } from './stored-changes.js';

/** How often a working client's wait for its rate budget is looked at (in memory; a save only when it begins or ends). */
const WAIT_WATCH_MS = 1000;

type ClientWork = Omit<ClientRunStats, 'status' | 'upstreamRequests' | 'retries' | 'rateLimited' | 'error' | 'startedAt' | 'finishedAt' | 'coveredBy'>;

/**
 * One client's share of a run: import its tickets, sync its contacts, reconcile or backfill
 * it, under the client's lock (never two runs of one client at once, whatever their kinds:
 * a backfill and an import of one client would write the same rows), recording its progress at every
 * checkpoint. The work is skipped when a run that started after this run's latest trigger has
 * already done it (so any number of triggers while a client is busy cost one follow-up), or
 * when the client was deleted or deactivated meanwhile. A cancel stops it at its next
 * checkpoint (the client ends `cancelled`); when `signal` aborts (shutdown) or the lock is lost,
 * it stops at once, having stored what it fully fetched, and the error propagates so the queue
 * retries the job, which resumes from the checkpoints with its counts carried over. The last
 * client to finish ends the run.
 */
@injectable()
export class RunClientJobUseCase {
  constructor(
    @inject(TOKENS.JobRunStore) private readonly runs: JobRunStore,
    @inject(TOKENS.ClientRepository) private readonly clients: ClientRepository,
    @inject(TOKENS.ClientLock) private readonly lock: ClientLock,
    @inject(TOKENS.UpstreamUsage) private readonly usage: UpstreamUsage,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.ChangeFeed) private readonly changes: ChangeFeed,
    @inject(ImportTicketsUseCase) private readonly importTickets: ImportTicketsUseCase,
    @inject(SyncContactsUseCase) private readonly syncContacts: SyncContactsUseCase,
    @inject(EndRunWhenClientsFinish) private readonly endRun: EndRunWhenClientsFinish,
    @inject(ReconcileClientUseCase) private readonly reconcile: ReconcileClientUseCase,
    @inject(BackfillClientUseCase) private readonly backfill: BackfillClientUseCase,
  ) {}

  async execute(job: ClientJob, signal?: AbortSignal): Promise<void> {
    const client = job.clientId ? await this.clients.findById(job.clientId) : null;
    if (!client?.active) {
      const run = await this.runs.findById(job.runId);
      if (!run || run.finished) return;
      // A redelivered job whose share already finished leaves it as it ended.
      const previous = await this.runs.findClient(run.id, job.slug);
      if (!previous || !isClientFinished(previous.status)) {
        await this.runs.saveClientStats(run.id, job.slug, { ...queuedClientStats(), status: 'cancelled', error: 'the client was deleted or deactivated before its turn' });
      }
    } else {
      await this.lock.runExclusive(clientLockKey(client.id), (lockLost) => this.process(job.runId, client, signal ? AbortSignal.any([signal, lockLost]) : lockLost), signal);
    }
    await this.endRun.execute(job.runId);
  }

  private async process(runId: string, client: Client, signal: AbortSignal): Promise<void> {
    // Read again: while this job waited for the lock, the run may have been cancelled, or this
    // client finished by an earlier delivery of the same job.
    const run = await this.runs.findById(runId);
    if (!run || run.finished) return;
    const previous = await this.runs.findClient(run.id, client.slug);
    if (previous && isClientFinished(previous.status)) return;
    if (run.cancelRequestedAt) {
      await this.runs.saveClientStats(run.id, client.slug, { ...queuedClientStats(), ...previous, status: 'cancelled' });
      return;
    }
    // Running from here on, so no later trigger joins this run after its coverage is decided.
    // Null: cancelled between the read above and now, and it must not start.
    const started = await this.runs.markRunning(run.id);
    if (!started) return;
    const coveredBy = await this.runs.findRunCoveringClient(run.kind, client.slug, started.lastRequestedAt, run.id, run.params);
    if (coveredBy) {
      await this.runs.saveClientStats(run.id, client.slug, { ...queuedClientStats(), status: 'succeeded', coveredBy });
      return;
    }
    await this.work(run, client, previous, signal);
  }

  private async work(run: JobRun, client: Client, previous: ClientRunStats | null, signal: AbortSignal): Promise<void> {
    // Counted inside the lock: a run waiting for it must not be charged the other run's requests.
    const before = this.usage.snapshot(client.id);
    // The database's clock, so that runs started in different processes compare correctly.
    const startedAt = (await this.runs.currentTime()).toISOString();
    const log = this.logger.child({ jobId: run.id, kind: run.kind, client: client.slug });
    let latest: ClientWork | undefined;
    let waitingSince: string | undefined;
    // Saves one after the other: a later one never lands before an earlier one.
    let saving: Promise<unknown> = Promise.resolve();
    // Set by the save that ends the attempt (its end, or its hand-back to the queue): no
    // 'running' may land after it, such as the budget watch's tick while that save is under way.
    let lastSave: Promise<{ stopRequested: boolean }> | null = null;
    const record = (status: ClientRunStats['status'], error?: string): Promise<{ stopRequested: boolean }> => {
      if (lastSave && status === 'running') return lastSave;
      const save = saving.then(() => {
        const now = this.usage.snapshot(client.id);
        const attempt: ClientRunStats = {
          ...queuedClientStats(),
          ...latest,
          status,
          startedAt,
          ...(isClientFinished(status) ? { finishedAt: this.clock.now().toISOString() } : {}),
          upstreamRequests: now.requests - before.requests,
          retries: now.retries - before.retries,
          rateLimited: now.rateLimited - before.rateLimited,
          ...(error ? { error } : {}),
          ...(status === 'running' && waitingSince ? { waitingForBudgetSince: waitingSince } : {}),
        };
        return this.runs.saveClientStats(run.id, client.slug, resumedClientStats(previous, attempt));
      });
      saving = save.catch(() => {});
      if (status !== 'running') {
        lastSave = save;
        clearInterval(watch);
      }
      return save;
    };
    // A client waiting for its budget reaches no checkpoint for up to a minute: its stats say
    // so when the wait begins and ends, not at every tick.
    const watch = setInterval(() => {
      const since = this.usage.waitingSince(client.id)?.toISOString();
      if (since === waitingSince) return;
      waitingSince = since;
      void record('running').catch(() => {});
    }, WAIT_WATCH_MS);
    watch.unref?.();
    const changes = new StoredChanges({ clientId: client.id, slug: client.slug, kind: run.kind, runId: run.id });
    const announce = async () => {
      const change = changes.next(latest);
      if (!change) return;
      // A hint to listeners, never a reason to fail the work: the rows carry their change positions.
      await this.changes.announce(change).catch((error: unknown) => log.warn({ err: describeError(error) }, 'stored changes could not be announced'));
    };

    try {
      log.info({ resumed: Boolean(previous?.startedAt) }, 'client run started');
      await record('running');
      latest = await this.perform(run, client, signal, async (report) => {
        latest = { ...report };
        const [{ stopRequested }] = await Promise.all([record('running'), announce()]);
        if (stopRequested) throw new RunCancelledError();
      });
      await Promise.all([record('succeeded'), announce()]);
      log.info({ ...latest }, 'client run finished');
    } catch (error) {
      if (signal.aborted) {
        log.warn({ reason: describeError(signal.reason) }, 'client run interrupted: it resumes from its checkpoint');
        await record('queued');
        throw error;
      }
      if (error instanceof RunCancelledError) {
        log.info({ ...latest }, 'client run cancelled');
        await record('cancelled');
        return;
      }
      const message = describeError(error);
      log.error({ err: message, detail: errorDetail(error) }, 'client run failed');
      await record('failed', message);
    } finally {
      clearInterval(watch);
      // An interrupted, cancelled or failed attempt still stored and checkpointed what it fully fetched.
      await announce();
    }
  }

  private perform(run: JobRun, client: Client, signal: AbortSignal, onProgress: (report: ClientWork) => Promise<void>): Promise<ClientWork> {
    switch (run.kind) {
      case 'import':
        return this.importTickets.execute(client, onProgress, signal);
      case 'contacts-sync':
        return this.syncContacts.execute(client, onProgress, signal);
      case 'reconcile':
        return this.reconcile.execute(client, { runId: run.id, repair: run.params.repair === true }, (report) => onProgress({ pages: 0, cursorBefore: null, cursorAfter: null, ...report }), signal);
      case 'backfill':
        return this.backfill.execute(client, { runId: run.id, params: run.params }, onProgress, signal);
    }
  }
}
