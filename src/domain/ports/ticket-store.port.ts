import type { StoredTicketState, TicketWithMessages } from '../tickets/ticket.js';

/** Stored tickets and messages of a client. */
export interface TicketStore {
  /** What is stored of the given upstream tickets; tickets never stored are absent from the map. */
  findStates(clientId: string, ticketUuids: string[]): Promise<Map<string, StoredTicketState>>;

  /**
   * Upserts the tickets and inserts their messages atomically, so a ticket is never stored
   * with its new `updatedAt` but without its messages. Idempotent.
   */
  save(clientId: string, entries: TicketWithMessages[]): Promise<void>;
}
