import type { Client } from '../clients/client.js';
import type { Message, Ticket } from '../tickets/ticket.js';
import type { ListedPage, PageQuery } from './page-query.js';

export interface TicketPageQuery {
  /** Inclusive: tickets with `updatedAt >= updatedAtFrom`. */
  updatedAtFrom: Date;
  /** 1-based. */
  page: number;
  limit: number;
}

/**
 * The upstream's tickets and messages of one client. Pages are sorted as the upstream sorts
 * them (tickets by `updatedAt` then `uuid`; messages by `createdAt` then `id`); a page past
 * the end is empty.
 * Throws UpstreamUnauthorizedError when the token is rejected, UpstreamUnavailableError when
 * the upstream keeps failing after retries. When `signal` aborts, a call not answered yet
 * rejects at once with the signal's reason (a request waiting for its rate budget never goes out).
 */
export interface TicketSource {
  listTickets(client: Client, query: TicketPageQuery, signal?: AbortSignal): Promise<ListedPage<Ticket>>;

  /**
   * The upstream's count of a ticket's messages (`meta.total` of a one-item page: one cheap
   * request); null when it gives no count. Throws TicketGoneUpstreamError like listMessages.
   */
  countMessages(client: Client, ticketUuid: string, signal?: AbortSignal): Promise<number | null>;

  /** Throws TicketGoneUpstreamError when the ticket no longer exists upstream. */
  listMessages(client: Client, ticketUuid: string, query: PageQuery, signal?: AbortSignal): Promise<Message[]>;
}
