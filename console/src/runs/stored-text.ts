import type { ClientRunStats, UpdatedAtWindow } from '../api/types.js';
import { driftText, plural } from '../shared/drift-text.js';
import { formatCount, formatTime } from '../shared/format.js';

/** What a client's share of a run stored (imports, backfills, syncs) or found (reconciles), in a line. */
export function storedText(client: ClientRunStats): string {
  // A reconcile's verdict has commas of its own.
  return storedLines(client).join('; ') || '—';
}

/** The same, a line per finding for a reconcile (its verdict first), one line for the other kinds. */
export function storedLines(client: ClientRunStats): string[] {
  if (client.drift !== undefined) return reconcileParts(client);
  const counts = countParts(client).join(', ');
  return counts ? [counts] : [];
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

/** A reconcile's findings: its verdict, the counts compared, where the missing tickets are, its repair, what it stored. */
function reconcileParts(client: ClientRunStats): string[] {
  const parts = [driftText(client) ?? ''];
  const { tickets, messages, contacts } = client;
  if (tickets !== undefined && typeof tickets === 'object') {
    parts.push(`tickets ${formatCount(tickets.upstream)} upstream / ${formatCount(tickets.stored)} stored`);
    if (tickets.windows?.length) parts.push(`missing in ${tickets.windows.map(windowText).join(', ')}`);
    else if (tickets.window) parts.push(`missing in ${windowText(tickets.window)}`);
  }
  if (messages !== undefined && typeof messages === 'object') parts.push(`messages differ on ${formatCount(messages.mismatched)} of ${formatCount(messages.sampled)} sampled tickets`);
  if (contacts !== undefined && typeof contacts === 'object') parts.push(`contacts ${formatCount(contacts.upstream)} upstream / ${formatCount(contacts.stored)} stored`);
  if (client.repair?.window) parts.push(`re-imported ${windowText(client.repair.window)}`);
  const missing = client.missingRows;
  if (missing && !client.repair && missing.tickets + missing.messages + missing.contacts > 0) parts.push(`missing rows: ${missing.tickets} tickets, ${missing.messages} messages, ${missing.contacts} contacts`);
  const rows = client.rowsStored;
  if (rows && rows.tickets + rows.messages + rows.contacts > 0) parts.push(`${formatCount(rows.tickets)} tickets, ${formatCount(rows.messages)} messages, ${formatCount(rows.contacts)} contacts stored`);
  if (rows?.deletedTickets) parts.push(`${plural(rows.deletedTickets, 'ticket')} flagged deleted`);
  return parts.filter(Boolean);
}

/** `2026-11-28 10:00:03 UTC – 10:04:00 UTC`: a window of updatedAt, the date once when it is one day. */
function windowText(window: UpdatedAtWindow): string {
  const [from, to] = [formatTime(window.from), formatTime(window.to)];
  if (from === to) return from;
  return from.slice(0, 10) === to.slice(0, 10) ? `${from} – ${to.slice(11)}` : `${from} – ${to}`;
}

function expected(value: number | null | undefined): string {
  return value === null || value === undefined ? '?' : formatCount(value);
}
