import { z } from 'zod';
import type { Contact } from '../../domain/contacts/contact.js';
import type { Message, Ticket } from '../../domain/tickets/ticket.js';

/**
 * The upstream's list envelope and items (see shared/upstream-api.md). Only what the importer
 * relies on is required; unknown fields pass through untouched into `raw`, and a missing
 * optional field becomes null.
 */
const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a timestamp');
const id = z.union([z.string().min(1), z.number()]).transform(String);
const optionalText = z.union([z.string(), z.number()]).transform(String).nullish();
const optionalTimestamp = timestamp.nullish();

const ticketItem = z.looseObject({
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

const messageItem = z.looseObject({
  id,
  ticketUuid: optionalText,
  direction: optionalText,
  type: optionalText,
  body: optionalText,
  mediaUrl: optionalText,
  sender: z.looseObject({ name: optionalText }).nullish(),
  createdAt: optionalTimestamp,
});

const contactItem = z.looseObject({
  id,
  name: optionalText,
  phone: optionalText,
  email: optionalText,
  tags: z.array(z.looseObject({ id, name: z.union([z.string(), z.number()]).transform(String) })).nullish(),
  createdAt: optionalTimestamp,
  updatedAt: optionalTimestamp,
});

/** Parses a list body; returns undefined when it is not the expected envelope of valid items. */
function listParser<S extends z.ZodType, T>(item: S, toDomain: (parsed: z.output<S>, raw: Record<string, unknown>) => T) {
  const envelope = z.object({ data: z.array(item) });
  return (body: unknown): T[] | undefined => {
    const parsed = envelope.safeParse(body);
    if (!parsed.success) return undefined;
    const rawItems = (body as { data: Record<string, unknown>[] }).data;
    return parsed.data.data.map((entry, index) => toDomain(entry, rawItems[index]!));
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

export const parseMessagePage = (ticketUuid: string) =>
  listParser(messageItem, (m, raw): Message => ({
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

export const parseContactPage = listParser(contactItem, (c, raw): Contact => ({
  id: c.id,
  name: c.name ?? null,
  phone: c.phone ?? null,
  email: c.email ?? null,
  tags: (c.tags ?? []).map((tag) => ({ id: tag.id, name: tag.name })),
  createdAt: date(c.createdAt),
  updatedAt: date(c.updatedAt),
  raw,
}));
