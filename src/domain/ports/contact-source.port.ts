import type { Client } from '../clients/client.js';
import type { Contact } from '../contacts/contact.js';
import type { ListedPage, PageQuery } from './page-query.js';

/**
 * The upstream's contacts of one client, sorted by id, each with its full tag set.
 * Throws UpstreamUnauthorizedError / UpstreamUnavailableError, and honours `signal`, like TicketSource.
 */
export interface ContactSource {
  listContacts(client: Client, query: PageQuery, signal?: AbortSignal): Promise<ListedPage<Contact>>;
}
