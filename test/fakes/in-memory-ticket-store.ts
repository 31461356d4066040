import type { TicketStore } from '../../src/domain/ports/ticket-store.port.js';
import type { Message, StoredTicketState, Ticket, TicketWithMessages } from '../../src/domain/tickets/ticket.js';

/** Called before a save is applied; throwing fails the save atomically (nothing is written). */
export type SaveHook = (request: { clientId: string; entries: TicketWithMessages[]; call: number }) => void | Promise<void>;

interface ClientData {
  tickets: Map<string, Ticket>;
  /** Uuids of the tickets flagged deleted upstream (`deleted_at`). */
  deleted: Set<string>;
  /** Message id → message. */
  messages: Map<string, Message>;
}

/**
 * Stored tickets and messages per client: tickets upserted by uuid (flagged deleted when saved
 * `deletedUpstream`, unflagged otherwise), messages upserted by id, a save applied all at once
 * or not at all. Every save and
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

  /** Whether the ticket is flagged deleted upstream (`deleted_at` set). */
  isDeleted(clientId: string, uuid: string): boolean {
    return this.of(clientId).deleted.has(uuid);
  }

  /** Removes rows behind the service's back, as a hand-written DELETE would. */
  lose(clientId: string, ticketUuids: string[], messageIds: string[] = []): void {
    const data = this.of(clientId);
    for (const uuid of ticketUuids) {
      data.tickets.delete(uuid);
      for (const [id, m] of data.messages) if (m.ticketUuid === uuid) data.messages.delete(id);
    }
    for (const id of messageIds) data.messages.delete(id);
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
      states.set(uuid, { updatedAt: new Date(ticket.updatedAt), messageCount, deleted: data.deleted.has(uuid) });
    }
    return states;
  }

  async save(clientId: string, entries: TicketWithMessages[]): Promise<void> {
    const copy = structuredClone(entries);
    await this.onSave?.({ clientId, entries: copy, call: ++this.saveCalls });
    this.saves.push({ clientId, entries: copy });
    this.apply(clientId, copy);
  }

  async flagDeleted(clientId: string, ticketUuids: string[]): Promise<void> {
    const data = this.of(clientId);
    for (const uuid of ticketUuids) if (data.tickets.has(uuid)) data.deleted.add(uuid);
  }

  private apply(clientId: string, entries: TicketWithMessages[]): void {
    const data = this.of(clientId);
    for (const { ticket, messages, deletedUpstream } of entries) {
      data.tickets.set(ticket.uuid, structuredClone(ticket));
      if (deletedUpstream) data.deleted.add(ticket.uuid);
      else data.deleted.delete(ticket.uuid);
      for (const message of messages ?? []) {
        if (message.ticketUuid !== ticket.uuid) continue;
        data.messages.set(message.id, structuredClone(message));
      }
    }
  }

  private of(clientId: string): ClientData {
    let data = this.data.get(clientId);
    if (!data) {
      data = { tickets: new Map(), messages: new Map(), deleted: new Set() };
      this.data.set(clientId, data);
    }
    return data;
  }
}
