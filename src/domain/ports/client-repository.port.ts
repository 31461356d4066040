import type { Client, ClientChanges, NewClient } from '../clients/client.js';

/** The registered clients (tenants). */
export interface ClientRepository {
  /** Throws DuplicateSlugError when the slug is taken. */
  create(client: NewClient): Promise<Client>;
  /** Returns null when no client has that slug. */
  update(slug: string, changes: ClientChanges): Promise<Client | null>;
  findBySlug(slug: string): Promise<Client | null>;
  findById(id: string): Promise<Client | null>;
  /** Every client, ordered by slug. */
  list(): Promise<Client[]>;
  /** Active clients, ordered by slug. */
  listActive(): Promise<Client[]>;
}
