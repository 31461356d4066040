import { inject, injectable } from 'tsyringe';
import type { ClientActivity } from '../../domain/clients/client-activity.js';
import type { ClientActivityReader } from '../../domain/ports/client-activity-reader.port.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import { TOKENS } from '../tokens.js';

const NOTHING_STORED = { tickets: 0, messages: 0, contacts: 0 };

/** Every client's stored data, cursors and latest runs: what an operator looks at first. */
@injectable()
export class ListClientActivityUseCase {
  constructor(
    @inject(TOKENS.ClientRepository) private readonly clients: ClientRepository,
    @inject(TOKENS.ClientActivityReader) private readonly activity: ClientActivityReader,
  ) {}

  async execute(): Promise<ClientActivity[]> {
    const clients = await this.clients.list();
    const ids = clients.map((client) => client.id);
    const [stored, cursors, lastRuns] = await Promise.all([this.activity.storedCounts(ids), this.activity.cursors(ids), this.activity.lastRuns(clients.map((client) => client.slug))]);
    return clients.map((client) => ({
      slug: client.slug,
      stored: stored.get(client.id) ?? NOTHING_STORED,
      cursors: cursors.get(client.id) ?? {},
      lastRuns: (lastRuns.get(client.slug) ?? []).toSorted((a, b) => b.requestedAt.getTime() - a.requestedAt.getTime()),
    }));
  }
}
