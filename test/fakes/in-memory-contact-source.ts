import type { Client } from '../../src/domain/clients/client.js';
import type { Contact } from '../../src/domain/contacts/contact.js';
import type { ContactSource } from '../../src/domain/ports/contact-source.port.js';
import type { ListedPage, PageQuery } from '../../src/domain/ports/page-query.js';
import { compareIds, page } from './in-memory-ticket-source.js';

export interface ContactSourceRequest {
  clientId: string;
  query: PageQuery;
}

/** Called before a listContacts request is answered: may mutate the data set or throw. */
export type ListContactsHook = (request: { client: Client; query: PageQuery; call: number }) => void | Promise<void>;

/**
 * The upstream's contacts, per client id: sorted by id (string order), offset pages, a page
 * past the end is empty, each contact with its full current tag set. Live data set (a hook
 * can change it or fail a request); every request is recorded.
 */
export class InMemoryContactSource implements ContactSource {
  readonly requests: ContactSourceRequest[] = [];
  onListContacts: ListContactsHook | undefined;
  /** A use case that never stops paging fails loudly here instead of hanging the test run. */
  maxRequests = 10_000;
  /** Calls (1-based) answered with an empty page and no count, as an upstream glitch does. */
  readonly emptyAnswers = new Set<number>();
  /** Calls (1-based) answered with an empty page but the real count: a glitch that keeps `meta.total`. */
  readonly emptyAnswersWithTotal = new Set<number>();
  /** An upstream that sends no `meta.total` (the adapter reads a missing or malformed one as null). */
  withoutTotal = false;
  private readonly data = new Map<string, Map<string, Contact>>();

  /** Adds or replaces contacts by id. */
  seedContacts(clientId: string, contacts: Contact[]): this {
    const data = this.of(clientId);
    for (const contact of contacts) data.set(contact.id, structuredClone(contact));
    return this;
  }

  deleteContact(clientId: string, id: string): void {
    this.of(clientId).delete(id);
  }

  /** The client's contact ids, sorted. */
  ids(clientId: string): string[] {
    return [...this.of(clientId).keys()].sort(compareIds);
  }

  async listContacts(client: Client, query: PageQuery): Promise<ListedPage<Contact>> {
    if (this.requests.length >= this.maxRequests) throw new Error(`fake upstream: more than ${this.maxRequests} requests, the caller is looping`);
    this.requests.push({ clientId: client.id, query: { ...query } });
    await this.onListContacts?.({ client, query, call: this.requests.length });
    if (this.emptyAnswers.has(this.requests.length)) return { items: [], total: null };
    const sorted = [...this.of(client.id).values()].sort((a, b) => compareIds(a.id, b.id));
    const total = this.withoutTotal ? null : sorted.length;
    if (this.emptyAnswersWithTotal.has(this.requests.length)) return { items: [], total };
    return { items: page(sorted, query).map((c) => structuredClone(c)), total };
  }

  private of(clientId: string): Map<string, Contact> {
    let data = this.data.get(clientId);
    if (!data) {
      data = new Map();
      this.data.set(clientId, data);
    }
    return data;
  }
}
