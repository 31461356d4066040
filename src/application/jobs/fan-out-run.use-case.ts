import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import { ALL_CLIENTS, type JobRun } from '../../domain/jobs/job-run.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.port.js';
import { TOKENS } from '../tokens.js';
import { emptyClientStats, endRunWhenClientsFinish } from './end-run-when-clients-finish.js';

/**
 * First step of a queued run: resolve the clients it targets and queue one job per client, so
 * clients run side by side, each under its own lock and rate budget. An unknown or inactive
 * slug targets no client: the run succeeds having processed nothing. Safe to repeat: a repeat
 * keeps the clients the first attempt recorded, so none is left waiting without a job.
 */
@injectable()
export class FanOutRunUseCase {
  constructor(
    @inject(TOKENS.JobRunStore) private readonly runs: JobRunStore,
    @inject(TOKENS.ClientRepository) private readonly clients: ClientRepository,
    @inject(TOKENS.JobScheduler) private readonly scheduler: JobScheduler,
  ) {}

  async execute(runId: string): Promise<void> {
    const run = await this.runs.findById(runId);
    if (run?.status !== 'queued') return;
    const recorded = Object.keys(run.stats);
    const targets = recorded.length ? await this.recordedClients(run, recorded) : await this.targets(run);
    if (targets.length === 0) {
      if (recorded.length) await endRunWhenClientsFinish(this.runs, run.id);
      else await this.runs.finish(run.id, 'succeeded', null);
      return;
    }
    await this.runs.addClients(run.id, targets.map((c) => c.slug));
    await this.scheduler.scheduleClients(run, targets);
  }

  private async targets(run: JobRun): Promise<Client[]> {
    if (run.slug === ALL_CLIENTS) return this.clients.listActive();
    const client = await this.clients.findBySlug(run.slug);
    return client?.active ? [client] : [];
  }

  /** The clients an earlier attempt recorded; one deleted since is closed as cancelled. */
  private async recordedClients(run: JobRun, slugs: string[]): Promise<Client[]> {
    const found: Client[] = [];
    for (const slug of slugs) {
      const client = await this.clients.findBySlug(slug);
      if (client) found.push(client);
      else await this.runs.saveClientStats(run.id, slug, { ...emptyClientStats(), status: 'cancelled', error: 'the client was deleted before its turn' });
    }
    return found;
  }
}
