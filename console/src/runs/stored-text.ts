import type { ClientRunStats } from '../api/types.js';
import { formatCount } from '../shared/format.js';

/** What a client's share of a run stored (imports, backfills, syncs) or found (reconciles), in a line. */
export function storedText(client: ClientRunStats): string {
  return (client.drift !== undefined ? reconcileParts(client) : countParts(client)).join(', ') || '—';
}

function countParts(client: ClientRunStats): string[] {
  const parts: string[] = [];
  const count = (value: unknown) => (typeof value === 'number' ? value : undefined);
  const [tickets, messages, contacts] = [count(client.tickets), count(client.messages), count(client.contacts)];
  if (client.listedTickets !== undefined) parts.push(`${formatCount(client.listedTickets)} of ${expected(client.expectedTickets)} tickets walked`);
  if (tickets !== undefined) parts.push(`${formatCount(tickets)} tickets stored`);
  if (messages !== undefined) parts.push(`${formatCount(messages)} messages`);
  if (client.skippedTickets) parts.push(`${formatCount(client.skippedTickets)} skipped`);
  if (contacts !== undefined) parts.push(`${formatCount(contacts)} of ${expected(client.expectedContacts)} contacts`);
  if (client.tags !== undefined) parts.push(`${formatCount(client.tags)} tag links`);
  if (client.deletedContacts) parts.push(`${formatCount(client.deletedContacts)} deleted`);
  if (client.deletionsHeld) parts.push(`${formatCount(client.deletionsHeld)} deletions held`);
  return parts;
}

/** A reconcile's findings: the counts compared, what was missing, and its repair. */
function reconcileParts(client: ClientRunStats): string[] {
  const parts = [client.drift ? 'drift found' : 'no drift'];
  const { tickets, messages, contacts } = client;
  if (tickets !== undefined && typeof tickets === 'object') {
    parts.push(`tickets ${formatCount(tickets.upstream)} upstream / ${formatCount(tickets.stored)} stored`);
    if (tickets.missing) parts.push(`${formatCount(tickets.missing)} missing`);
    if (tickets.goneUpstream) parts.push(`${formatCount(tickets.goneUpstream)} gone upstream`);
  }
  if (messages !== undefined && typeof messages === 'object') parts.push(`messages differ on ${formatCount(messages.mismatched)} of ${formatCount(messages.sampled)} sampled tickets`);
  if (contacts !== undefined && typeof contacts === 'object') parts.push(`contacts ${formatCount(contacts.upstream)} upstream / ${formatCount(contacts.stored)} stored`);
  if (client.repair) parts.push(client.repair.complete ? 'repair complete' : 'repair incomplete');
  const rows = client.rowsStored;
  if (rows && rows.tickets + rows.messages + rows.contacts > 0) parts.push(`${formatCount(rows.tickets)} tickets, ${formatCount(rows.messages)} messages, ${formatCount(rows.contacts)} contacts stored`);
  return parts;
}

function expected(value: number | null | undefined): string {
  return value === null || value === undefined ? '?' : formatCount(value);
}
