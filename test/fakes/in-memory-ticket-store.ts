import type { TicketStore } from '../../src/domain/ports/ticket-store.port.js';
import type { Message, StoredTicketState, Ticket, TicketWithMessages } from '../../src/domain/tickets/ticket.js';

/** Called before a save is applied; throwing fails the save atomically (nothing is written). */
export type SaveHook = (request: { clientId: string; entries: TicketWithMessages[]; call: number }) => void | Promise<void>;

interface ClientData {
  tickets: Map<string, Ticket>;
  /** Message id → message; a message is inserted once (later inserts of the same id are ignored). */
  messages: Map<string, Message>;
}

/**
 * Stored tickets and messages per client: tickets upserted by uuid, messages inserted by id
 * (append-only, duplicates ignored), a save applied all at once or not at all. Every save and
 * findStates is recorded.
 */
export class InMemoryTicketStore implements TicketStore {
  /** Saves applied (a save failed by `onSave` is not in here). */
  readonly saves: { clientId: string; entries: TicketWithMessages[] }[] = [];
  readonly findStatesCalls: { clientId: string; ticketUuids: string[] }[] = [];
  onSave: SaveHook | undefined;
  private saveCalls = 0;
  private readonly data = new Map<string, ClientData>();

  /** Stores a ticket (and messages) as if a previous import had. */
  seed(clientId: string, ticket: Ticket, messages: Message[] = []): this {
    this.apply(clientId, [{ ticket, messages }]);
    return this;
  }

  tickets(clientId: string): Ticket[] {
    return [...this.of(clientId).tickets.values()].map((t) => structuredClone(t));
  }

  ticket(clientId: string, uuid: string): Ticket | undefined {
    const ticket = this.of(clientId).tickets.get(uuid);
    return ticket && structuredClone(ticket);
  }

  /** A ticket's stored messages, sorted by createdAt then id. */
  messages(clientId: string, ticketUuid: string): Message[] {
    return [...this.of(clientId).messages.values()]
      .filter((m) => m.ticketUuid === ticketUuid)
      .sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((m) => structuredClone(m));
  }

  /** Uuids of the tickets written by each save, in order. */
  savedUuids(clientId?: string): string[] {
    return this.saves.filter((s) => !clientId || s.clientId === clientId).flatMap((s) => s.entries.map((e) => e.ticket.uuid));
  }

  async findStates(clientId: string, ticketUuids: string[]): Promise<Map<string, StoredTicketState>> {
    this.findStatesCalls.push({ clientId, ticketUuids: [...ticketUuids] });
    const data = this.of(clientId);
    const states = new Map<string, StoredTicketState>();
    for (const uuid of ticketUuids) {
      const ticket = data.tickets.get(uuid);
      if (!ticket) continue;
      const messageCount = [...data.messages.values()].filter((m) => m.ticketUuid === uuid).length;
      states.set(uuid, { updatedAt: new Date(ticket.updatedAt), messageCount });
    }
    return states;
  }

  async save(clientId: string, entries: TicketWithMessages[]): Promise<void> {
    const copy = structuredClone(entries);
    await this.onSave?.({ clientId, entries: copy, call: ++this.saveCalls });
    this.saves.push({ clientId, entries: copy });
    this.apply(clientId, copy);
  }

  private apply(clientId: string, entries: TicketWithMessages[]): void {
    const data = this.of(clientId);
    for (const { ticket, messages } of entries) {
      data.tickets.set(ticket.uuid, structuredClone(ticket));
      for (const message of messages ?? []) {
        if (message.ticketUuid !== ticket.uuid) continue;
        if (!data.messages.has(message.id)) data.messages.set(message.id, structuredClone(message));
      }
    }
  }

  private of(clientId: string): ClientData {
    let data = this.data.get(clientId);
    if (!data) {
      data = { tickets: new Map(), messages: new Map() };
      this.data.set(clientId, data);
    }
    return data;
  }
}
