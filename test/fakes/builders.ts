import type { Client } from '../../src/domain/clients/client.js';
import { JobRun } from '../../src/domain/jobs/job-run.js';
import type { RunTarget } from '../../src/domain/ports/job-run-store.port.js';
import type { Contact, Tag } from '../../src/domain/contacts/contact.js';
import type { Message, Ticket } from '../../src/domain/tickets/ticket.js';

/** A fixed instant plus `seconds`: readable, ordered timestamps for tests. */
export function at(seconds: number): Date {
  return new Date(Date.UTC(2026, 10, 1, 0, 0, 0, 0) + seconds * 1000);
}

/** A left-padded id so that string order matches numeric order (`t-007` < `t-010`). */
export function seqId(prefix: string, n: number, width = 4): string {
  return `${prefix}-${String(n).padStart(width, '0')}`;
}

export function aClient(fields: Partial<Client> & { slug: string }): Client {
  return {
    id: `id-of-${fields.slug}`,
    name: fields.slug,
    active: true,
    apiBaseUrl: `https://${fields.slug}.helpdesk.example/api/v1`,
    apiToken: `token-of-${fields.slug}`,
    requestsPerMinute: null,
    webhookUrl: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...fields,
  };
}

export function aTicket(fields: Partial<Ticket> & { uuid: string; updatedAt: Date }): Ticket {
  const ticket: Ticket = {
    protocol: `p-${fields.uuid}`,
    subject: `subject of ${fields.uuid}`,
    status: 'open',
    channel: 'whatsapp',
    contactId: null,
    createdAt: at(0),
    closedAt: null,
    raw: {},
    ...fields,
  };
  if (!fields.raw) ticket.raw = { uuid: ticket.uuid, subject: ticket.subject, status: ticket.status, updatedAt: ticket.updatedAt.toISOString() };
  return ticket;
}

export function aMessage(fields: Partial<Message> & { id: string; ticketUuid: string; createdAt: Date }): Message {
  return {
    direction: 'in',
    type: 'text',
    body: `body of ${fields.id}`,
    mediaUrl: null,
    senderName: null,
    raw: { id: fields.id, ticketUuid: fields.ticketUuid },
    ...fields,
  };
}

export function aContact(fields: Partial<Contact> & { id: string }): Contact {
  return {
    name: `name of ${fields.id}`,
    phone: null,
    email: null,
    tags: [],
    createdAt: at(0),
    updatedAt: at(0),
    raw: { id: fields.id },
    ...fields,
  };
}

export function aTag(id: string, name = `tag ${id}`): Tag {
  return { id, name };
}

/** `count` tickets `prefix-0001`.. with `updatedAt` = `updatedAt(i)` (1-based i). */
export function manyTickets(count: number, updatedAt: (i: number) => Date, prefix = 't'): Ticket[] {
  return Array.from({ length: count }, (_, k) => aTicket({ uuid: seqId(prefix, k + 1), updatedAt: updatedAt(k + 1) }));
}

/** `count` messages of a ticket, one second apart from `from`. */
export function manyMessages(ticketUuid: string, count: number, from = 0, startAt = 1): Message[] {
  return Array.from({ length: count }, (_, k) =>
    aMessage({ id: `${ticketUuid}/m-${String(startAt + k).padStart(4, '0')}`, ticketUuid, createdAt: at(from + startAt + k) }),
  );
}

/** `count` contacts `c-0001`.. */
export function manyContacts(count: number, from = 1): Contact[] {
  return Array.from({ length: count }, (_, k) => aContact({ id: seqId('c', from + k) }));
}

/** A queued import run of all clients, with the given id. */
export function aQueuedRun(id: string): JobRun {
  return new JobRun({ id, kind: 'import', slug: 'all', status: 'queued', trigger: 'manual', requestedAt: at(0), lastRequestedAt: at(0), startedAt: null, finishedAt: null, stats: {}, error: null, cancelRequestedAt: null });
}

/** The clients as a run's targets (what a fan-out schedules). */
export function targetsOf(clients: Client[]): RunTarget[] {
  return clients.map((client) => ({ slug: client.slug, clientId: client.id }));
}
