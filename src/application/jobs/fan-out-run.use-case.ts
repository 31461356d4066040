import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import { ALL_CLIENTS, type JobRun } from '../../domain/jobs/job-run.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import type { JobRunStore, RunTarget } from '../../domain/ports/job-run-store.port.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.port.js';
import { TOKENS } from '../tokens.js';
import { EndRunWhenClientsFinish } from './end-run-when-clients-finish.js';

/**
 * First step of a queued run: resolve the clients it targets and queue one job per client, so
 * clients run side by side, each under its own lock and rate budget — a few statements
 * whatever the number of clients. An unknown or inactive slug targets no client: the run
 * succeeds having processed nothing. Safe to repeat: a repeat keeps the clients the first
 * attempt recorded, so none is left waiting without a job.
 */
@injectable()
export class FanOutRunUseCase {
  constructor(
    @inject(TOKENS.JobRunStore) private readonly runs: JobRunStore,
    @inject(TOKENS.ClientRepository) private readonly clients: ClientRepository,
    @inject(TOKENS.JobScheduler) private readonly scheduler: JobScheduler,
    @inject(EndRunWhenClientsFinish) private readonly endRun: EndRunWhenClientsFinish,
  ) {}

  async execute(runId: string): Promise<void> {
    const run = await this.runs.findById(runId);
    if (run?.status !== 'queued') return;
    const recorded = await this.runs.targetsOf(run.id);
    const targets = recorded.length ? recorded : (await this.targets(run)).map((c): RunTarget => ({ slug: c.slug, clientId: c.id }));
    if (targets.length === 0) {
      await this.runs.finish(run.id, 'succeeded', null);
      return;
    }
    await this.runs.addClients(run.id, targets);
    const pending = recorded.length ? await this.stillToRun(run.id, targets) : targets;
    if (pending.length) await this.scheduler.scheduleClients(run, pending);
    else await this.endRun.execute(run.id);
  }

  private async targets(run: JobRun): Promise<Client[]> {
    if (run.slug === ALL_CLIENTS) return this.clients.listActive();
    const client = await this.clients.findBySlug(run.slug);
    return client?.active ? [client] : [];
  }

  /** A repeated fan-out schedules again only the clients not finished (scheduling is idempotent anyway). */
  private async stillToRun(runId: string, targets: RunTarget[]): Promise<RunTarget[]> {
    const unfinished = new Set((await this.runs.listClients(runId, { limit: targets.length })).filter((e) => !['succeeded', 'failed', 'cancelled'].includes(e.stats.status)).map((e) => e.slug));
    return targets.filter((t) => unfinished.has(t.slug));
  }
}
