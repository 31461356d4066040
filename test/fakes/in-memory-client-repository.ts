import type { Client, ClientChanges, NewClient } from '../../src/domain/clients/client.js';
import { DuplicateSlugError } from '../../src/domain/errors.js';
import type { ClientRepository } from '../../src/domain/ports/client-repository.port.js';

/** Registered clients in a map keyed by slug (also found by id); lists ordered by slug. */
export class InMemoryClientRepository implements ClientRepository {
  private readonly clients = new Map<string, Client>();
  private nextId = 1;

  /** Adds a ready-made client (id and all), as if registered earlier. */
  seed(...clients: Client[]): this {
    for (const client of clients) this.clients.set(client.slug, structuredClone(client));
    return this;
  }

  async create(client: NewClient): Promise<Client> {
    if (this.clients.has(client.slug)) throw new DuplicateSlugError(client.slug);
    const now = new Date();
    const created: Client = { id: `client-${this.nextId++}`, active: true, requestsPerMinute: null, webhookUrl: null, ...client, createdAt: now, updatedAt: now };
    this.clients.set(created.slug, created);
    return structuredClone(created);
  }

  async update(slug: string, changes: ClientChanges): Promise<Client | null> {
    const current = this.clients.get(slug);
    if (!current) return null;
    const updated: Client = { ...current, ...changes, updatedAt: new Date() };
    this.clients.set(slug, updated);
    return structuredClone(updated);
  }

  async findBySlug(slug: string): Promise<Client | null> {
    const client = this.clients.get(slug);
    return client ? structuredClone(client) : null;
  }

  async findById(id: string): Promise<Client | null> {
    const client = [...this.clients.values()].find((c) => c.id === id);
    return client ? structuredClone(client) : null;
  }

  async list(): Promise<Client[]> {
    return [...this.clients.values()].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0)).map((c) => structuredClone(c));
  }

  async listActive(): Promise<Client[]> {
    return (await this.list()).filter((c) => c.active);
  }
}
