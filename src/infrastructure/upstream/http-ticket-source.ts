import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import { TicketGoneUpstreamError } from '../../domain/errors.js';
import type { TicketPageQuery, TicketSource } from '../../domain/ports/ticket-source.port.js';
import type { ListedPage, PageQuery } from '../../domain/ports/page-query.js';
import type { Message, Ticket } from '../../domain/tickets/ticket.js';
import { INFRA_TOKENS } from '../infra-tokens.js';
import type { UpstreamConnections } from './upstream-connections.js';
import { parseMessagePage, parseTicketPage } from './upstream-schemas.js';

@injectable()
export class HttpTicketSource implements TicketSource {
  constructor(@inject(INFRA_TOKENS.UpstreamConnections) private readonly connections: UpstreamConnections) {}

  async listTickets(client: Client, query: TicketPageQuery, signal?: AbortSignal): Promise<ListedPage<Ticket>> {
    return this.connections
      .for(client)
      .getJson('ticket', { updatedAtFrom: query.updatedAtFrom.toISOString(), page: query.page, limit: query.limit }, parseTicketPage, undefined, signal);
  }

  async countMessages(client: Client, ticketUuid: string, signal?: AbortSignal): Promise<number | null> {
    return (await this.messagePage(client, ticketUuid, { page: 1, limit: 1 }, signal)).total;
  }

  async listMessages(client: Client, ticketUuid: string, query: PageQuery, signal?: AbortSignal): Promise<Message[]> {
    return (await this.messagePage(client, ticketUuid, query, signal)).items;
  }

  private messagePage(client: Client, ticketUuid: string, query: PageQuery, signal?: AbortSignal): Promise<ListedPage<Message>> {
    return this.connections
      .for(client)
      .getJson(
        `ticket/${encodeURIComponent(ticketUuid)}/messages`,
        { page: query.page, limit: query.limit },
        parseMessagePage(ticketUuid),
        () => new TicketGoneUpstreamError(ticketUuid),
        signal,
      );
  }
}
