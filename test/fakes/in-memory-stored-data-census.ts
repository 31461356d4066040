import type { SampledTicket, StoredDataCensus, StoredTicketWindow } from '../../src/domain/ports/stored-data-census.port.js';
import type { Ticket } from '../../src/domain/tickets/ticket.js';
import type { InMemoryContactStore } from './in-memory-contact-store.js';
import type { InMemoryTicketStore } from './in-memory-ticket-store.js';
import { compareIds } from './in-memory-ticket-source.js';

/** The census of what the in-memory stores hold, with the semantics of PgStoredDataCensus. */
export class InMemoryStoredDataCensus implements StoredDataCensus {
  constructor(
    private readonly tickets: InMemoryTicketStore,
    private readonly contacts: InMemoryContactStore,
  ) {}

  async countTickets(clientId: string, window: StoredTicketWindow): Promise<number> {
    return this.inWindow(clientId, window).length;
  }

  async ticketUuids(clientId: string, window: StoredTicketWindow): Promise<string[]> {
    return this.inWindow(clientId, window).map((t) => t.uuid);
  }

  async ticketUpdatedAtAt(clientId: string, window: StoredTicketWindow, index: number): Promise<Date | null> {
    return this.inWindow(clientId, window)[index]?.updatedAt ?? null;
  }

  async sampleTickets(clientId: string, window: StoredTicketWindow, size: number): Promise<SampledTicket[]> {
    const list = this.inWindow(clientId, window);
    const picks = Math.min(size, list.length);
    const ranks = [...new Set(Array.from({ length: picks }, (_, k) => Math.floor(((k + 0.5) * list.length) / picks)))];
    return ranks.map((rank) => {
      const ticket = list[rank]!;
      return { uuid: ticket.uuid, updatedAt: ticket.updatedAt, messageCount: this.tickets.messages(clientId, ticket.uuid).length };
    });
  }

  async countLiveContacts(clientId: string): Promise<number> {
    return this.contacts.contacts(clientId).filter((c) => !c.deleted).length;
  }

  private inWindow(clientId: string, window: StoredTicketWindow): Ticket[] {
    const except = new Set(window.except);
    return this.tickets
      .tickets(clientId)
      .filter((t) => t.updatedAt >= window.from && t.updatedAt <= window.to && !except.has(t.uuid) && !this.tickets.isDeleted(clientId, t.uuid))
      .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || compareIds(a.uuid, b.uuid));
  }
}
