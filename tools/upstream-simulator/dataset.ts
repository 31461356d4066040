/** Seeded, deterministic helpdesk data shaped like docs/upstream-api.md. */

export interface SimTicket {
  uuid: string;
  protocol: string;
  subject: string | null;
  status: string;
  channel: string | null;
  contactId: string | null;
  assignee: { id: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  [extra: string]: unknown;
}

export interface SimMessage {
  id: string;
  ticketUuid: string;
  direction: 'in' | 'out';
  type: string;
  body: string | null;
  mediaUrl: string | null;
  sender: { id: string; name: string } | null;
  createdAt: string;
  [extra: string]: unknown;
}

export interface SimContact {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  tags: { id: string; name: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface Dataset {
  tickets: Map<string, SimTicket>;
  /** A ticket's messages, oldest first. Generated on demand, so a million messages cost no memory. */
  messagesOf(uuid: string): SimMessage[];
  /** Appends a message to a ticket (messages are append-only). */
  addMessage(uuid: string, message: SimMessage): void;
  contacts: Map<string, SimContact>;
}

export interface DatasetSize {
  tickets: number;
  messagesPerTicket: number;
  contacts: number;
  /** Tickets sharing one updatedAt come in groups of this size (bulk updates). */
  sameInstantGroup?: number;
}

const SUBJECTS = ['Pedido não entregue', 'Troca de produto 🔄', 'Cobrança em duplicidade', 'Dúvida sobre o frete 🚚', null];
const BODIES = ['Olá, meu pedido não chegou 😕', 'Pode verificar, por favor?', 'Obrigado pelo retorno! 🙏', 'Segue o comprovante.', 'Ainda aguardo uma resposta…'];
const NAMES = ['João da Silva', 'Maria Oliveira', 'Ana Souza', 'Pedro Santos', 'Lúcia Ferreira'];
const TAGS = [
  { id: 't-1', name: 'VIP' },
  { id: 't-2', name: 'Atraso' },
  { id: 't-3', name: 'Reclamação' },
  { id: 't-4', name: 'Fidelidade ⭐' },
];
const START = Date.parse('2026-11-01T00:00:00.000Z');

/** A small linear congruential generator: the same seed always yields the same data set. */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function generateDataset(seed: number, size: DatasetSize): Dataset {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const added = new Map<string, SimMessage[]>();
  const baseMessages = new Map<string, number>();
  const tickets = new Map<string, SimTicket>();
  const dataset: Dataset = {
    tickets,
    contacts: new Map(),
    messagesOf: (uuid) => [...messagesFor(uuid, baseMessages.get(uuid) ?? 0, tickets.get(uuid)), ...(added.get(uuid) ?? [])],
    addMessage: (uuid, message) => added.set(uuid, [...(added.get(uuid) ?? []), message]),
  };
  const group = Math.max(1, size.sameInstantGroup ?? 1);

  for (let i = 0; i < size.contacts; i++) {
    const id = `c-${String(i).padStart(6, '0')}`;
    const tags = TAGS.filter(() => next() < 0.3);
    dataset.contacts.set(id, {
      id,
      name: next() < 0.95 ? pick(NAMES) : null,
      phone: next() < 0.8 ? `+55119${String(Math.floor(next() * 1e8)).padStart(8, '0')}` : null,
      email: next() < 0.7 ? `${id}@example.com.br` : null,
      tags,
      createdAt: new Date(START - 86_400_000 + i).toISOString(),
      updatedAt: new Date(START + i * 1000).toISOString(),
    });
  }
  for (let i = 0; i < size.tickets; i++) {
    const uuid = `${seed.toString(16).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const createdAt = START + i * 60_000;
    const updatedAt = START + Math.floor(i / group) * group * 60_000 + 30_000;
    const contactId = size.contacts ? `c-${String(Math.floor(next() * size.contacts)).padStart(6, '0')}` : null;
    const closed = next() < 0.4;
    dataset.tickets.set(uuid, {
      uuid,
      protocol: `2026${String(i).padStart(8, '0')}`,
      subject: pick(SUBJECTS),
      status: closed ? 'closed' : pick(['open', 'pending', 'open', 'waiting_customer']),
      channel: pick(['whatsapp', 'email', 'chat', null]),
      contactId,
      assignee: next() < 0.7 ? { id: 'u-7', name: 'Ana' } : null,
      createdAt: new Date(createdAt).toISOString(),
      updatedAt: new Date(updatedAt).toISOString(),
      closedAt: closed ? new Date(updatedAt).toISOString() : null,
      // An unknown field the importer must keep in raw.
      sla: { firstResponseMinutes: Math.floor(next() * 120) },
    });
    baseMessages.set(uuid, size.messagesPerTicket);
  }
  return dataset;
}

/** The generated messages of a ticket: a pure function of the ticket, so they need no storage. */
function messagesFor(uuid: string, count: number, ticket: SimTicket | undefined): SimMessage[] {
  if (!ticket || count === 0) return [];
  const next = random(hash(uuid));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const createdAt = Date.parse(ticket.createdAt);
  const index = ticket.protocol.slice(4);
  const messages: SimMessage[] = [];
  for (let m = 0; m < count; m++) {
    const media = next() < 0.1;
    const incoming = m % 2 === 0;
    messages.push({
      id: `m-${index}-${String(m).padStart(4, '0')}`,
      ticketUuid: uuid,
      direction: incoming ? 'in' : 'out',
      type: media ? pick(['image', 'audio', 'document']) : 'text',
      body: media ? null : pick(BODIES),
      mediaUrl: media ? `https://cdn.helpdesk.example/media/${index}/${m}` : null,
      sender: incoming ? { id: ticket.contactId ?? 'c-unknown', name: pick(NAMES) } : { id: 'u-7', name: 'Ana' },
      createdAt: new Date(createdAt + m * 1000).toISOString(),
      // An unknown field the importer must keep in raw.
      ...(m === 0 ? { reactions: ['👍'] } : {}),
    });
  }
  return messages;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
