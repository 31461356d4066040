import { inject, injectable } from 'tsyringe';
import { NotFoundError } from '../../domain/errors.js';
import type { ClientRunEntry, ClientRunFilter } from '../../domain/jobs/job-run.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';
import { TOKENS } from '../tokens.js';

export interface RunClientsPage {
  clients: ClientRunEntry[];
  /** The `after` of the next page; null on the last. */
  next: string | null;
}

/** A run's clients in slug order, a page at a time: how a large run is read in full. */
@injectable()
export class ListRunClientsUseCase {
  constructor(@inject(TOKENS.JobRunStore) private readonly runs: JobRunStore) {}

  async execute(runId: string, filter: ClientRunFilter): Promise<RunClientsPage> {
    if (!(await this.runs.findById(runId))) throw new NotFoundError(`no job ${runId}`);
    const clients = await this.runs.listClients(runId, filter);
    return { clients, next: clients.length === filter.limit ? clients.at(-1)!.slug : null };
  }
}
