import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import type { Contact } from '../../domain/contacts/contact.js';
import type { ContactSource } from '../../domain/ports/contact-source.port.js';
import type { ListedPage, PageQuery } from '../../domain/ports/page-query.js';
import { INFRA_TOKENS } from '../infra-tokens.js';
import type { UpstreamConnections } from './upstream-connections.js';
import { parseContactPage } from './upstream-schemas.js';

@injectable()
export class HttpContactSource implements ContactSource {
  constructor(@inject(INFRA_TOKENS.UpstreamConnections) private readonly connections: UpstreamConnections) {}

  async listContacts(client: Client, query: PageQuery, signal?: AbortSignal): Promise<ListedPage<Contact>> {
    return this.connections.for(client).getJson('contact', { page: query.page, limit: query.limit }, parseContactPage, undefined, signal);
  }
}
