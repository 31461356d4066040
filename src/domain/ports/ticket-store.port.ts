import type { StoredTicketState, TicketWithMessages } from '../tickets/ticket.js';

/** Stored tickets and messages of a client. */
export interface TicketStore {
  /** What is stored of the given upstream tickets; tickets never stored are absent from the map. */
  findStates(clientId: string, ticketUuids: string[]): Promise<Map<string, StoredTicketState>>;

  /**
   * Upserts the tickets and their messages atomically, so a ticket is never stored with its
   * new `updatedAt` but without its messages; a stored message that differs from the one given
   * is restored. A ticket given `deletedUpstream` gets `deleted_at` (kept from the first time),
   * any other has it cleared. Idempotent.
   */
  save(clientId: string, entries: TicketWithMessages[]): Promise<void>;

  /** Flags these tickets deleted upstream (`deleted_at`, kept when already set): their messages answered 404. */
  flagDeleted(clientId: string, ticketUuids: string[]): Promise<void>;
}
