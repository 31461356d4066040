import { z } from 'zod';
import type { Contact } from '../../domain/contacts/contact.js';
import type { ListedPage } from '../../domain/ports/page-query.js';
import type { Message, Ticket } from '../../domain/tickets/ticket.js';

/**
 * The upstream's list envelope and items (see docs/upstream-api.md). Only what the importer
 * relies on is required, and a missing optional field becomes null. The schemas strip unknown
 * fields from what they return (no copy of every item); `raw` is the item as received.
 */
const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a timestamp');
const id = z.union([z.string().min(1), z.number()]).transform(String);
/** Anything else than text or a number (an object, a boolean) becomes null; `raw` keeps it as sent. */
const optionalText = z
  .unknown()
  .transform((value) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null))
  .optional();
const optionalTimestamp = z
  .unknown()
  .transform((value) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null))
  .optional();

const ticketItem = z.object({
  uuid: id,
  protocol: optionalText,
  subject: optionalText,
  status: optionalText,
  channel: optionalText,
  contactId: optionalText,
  createdAt: optionalTimestamp,
  updatedAt: timestamp,
  closedAt: optionalTimestamp,
});

const messageItem = z.object({
  id,
  ticketUuid: optionalText,
  direction: optionalText,
  type: optionalText,
  body: optionalText,
  mediaUrl: optionalText,
  sender: z.object({ name: optionalText }).nullish().catch(null),
  createdAt: optionalTimestamp,
});

const contactItem = z.object({
  id,
  name: optionalText,
  phone: optionalText,
  email: optionalText,
  tags: z.array(z.object({ id, name: optionalText })).nullish(),
  createdAt: optionalTimestamp,
  updatedAt: optionalTimestamp,
});

/** A parsed body, or what is wrong with it (named by its JSON path, e.g. `data.3.updatedAt`). */
export type Parsed<T> = { value: T } | { problem: string };

/**
 * `meta.total` when it is a count; anything missing or malformed is no count at all (null), not a
 * failure. It feeds progress estimates, a reconcile's counts and the contacts deletion rules, which
 * never take a null for a matching count (src/application/sync-contacts/listing-evidence.ts).
 */
const meta = z.object({ total: z.int().min(0).nullish().catch(null) }).nullish().catch(null);

/**
 * Parses a list body: the envelope with every item valid. `context` is what an item's mapping
 * needs besides the item (a message's ticket). The envelope is built once per kind of list:
 * zod compiles each object schema it meets, so one built per page cost a compilation per page.
 */
function listParser<S extends z.ZodType, T, C = void>(item: S, toDomain: (parsed: z.output<S>, raw: Record<string, unknown>, context: C) => T) {
  const envelope = z.object({ data: z.array(item), meta });
  return (body: unknown, context: C): Parsed<ListedPage<T>> => {
    const parsed = envelope.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { problem: `an unexpected body (${issue.path.join('.') || 'body'}: ${issue.message})` };
    }
    const rawItems = (body as { data: Record<string, unknown>[] }).data;
    return { value: { items: parsed.data.data.map((entry, index) => toDomain(entry, rawItems[index]!, context)), total: parsed.data.meta?.total ?? null } };
  };
}

const date = (value: string | null | undefined) => (value ? new Date(value) : null);

export const parseTicketPage = listParser(ticketItem, (t, raw): Ticket => ({
  uuid: t.uuid,
  protocol: t.protocol ?? null,
  subject: t.subject ?? null,
  status: t.status ?? null,
  channel: t.channel ?? null,
  contactId: t.contactId ?? null,
  createdAt: date(t.createdAt),
  updatedAt: new Date(t.updatedAt),
  closedAt: date(t.closedAt),
  raw,
}));

const parseMessageList = listParser(messageItem, (m, raw, ticketUuid: string): Message => ({
  id: m.id,
  ticketUuid,
  direction: m.direction ?? null,
  type: m.type ?? null,
  body: m.body ?? null,
  mediaUrl: m.mediaUrl ?? null,
  senderName: m.sender?.name ?? null,
  createdAt: date(m.createdAt),
  raw,
}));

/** The messages of one ticket: each is stored under the ticket they were listed for. */
export const parseMessagePage = (ticketUuid: string) => (body: unknown) => parseMessageList(body, ticketUuid);

export const parseContactPage = listParser(contactItem, (c, raw): Contact => ({
  id: c.id,
  name: c.name ?? null,
  phone: c.phone ?? null,
  email: c.email ?? null,
  tags: (c.tags ?? []).map((tag) => ({ id: tag.id, name: tag.name ?? '' })),
  createdAt: date(c.createdAt),
  updatedAt: date(c.updatedAt),
  raw,
}));
