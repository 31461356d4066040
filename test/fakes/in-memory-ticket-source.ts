import type { Client } from '../../src/domain/clients/client.js';
import { TicketGoneUpstreamError } from '../../src/domain/errors.js';
import type { TicketPageQuery, TicketSource } from '../../src/domain/ports/ticket-source.port.js';
import type { ListedPage, PageQuery } from '../../src/domain/ports/page-query.js';
import type { Message, Ticket } from '../../src/domain/tickets/ticket.js';

/** How a request ended: `aborted` when its signal aborted while it was pending. */
export type RequestOutcome = 'pending' | 'answered' | 'failed' | 'aborted';

/**
 * A request as received (one that went out: a call whose signal had already aborted is refused
 * at once and counted in `refusedCalls` instead); `answered` holds the uuids (or message ids)
 * of its answer once given.
 */
export type TicketSourceRequest =
  | { kind: 'tickets'; clientId: string; query: TicketPageQuery; answered?: string[]; outcome: RequestOutcome }
  | { kind: 'messages'; clientId: string; ticketUuid: string; query: PageQuery; answered?: string[]; outcome: RequestOutcome };

/** A request the test holds open: answered (from the data as it is then) on `release`, or failed with `fail`. */
export interface HeldCall {
  readonly request: TicketSourceRequest;
  release(): void;
  fail(error: unknown): void;
}

/** Called before a listTickets request is answered: may mutate the data set or throw. */
export type ListTicketsHook = (request: { client: Client; query: TicketPageQuery; call: number }) => void | Promise<void>;
/** Called before a listMessages request is answered: may mutate the data set or throw. */
export type ListMessagesHook = (request: { client: Client; ticketUuid: string; query: PageQuery; call: number }) => void | Promise<void>;

/** The upstream caps `limit` at 100. */
export const UPSTREAM_MAX_LIMIT = 100;

interface ClientData {
  tickets: Map<string, Ticket>;
  messages: Map<string, Message[]>;
  gone: Set<string>;
}

/**
 * The upstream helpdesk's tickets and messages, per client id, answering exactly as the
 * upstream contract says: tickets with `updatedAt >= updatedAtFrom` sorted by updatedAt then
 * uuid, messages sorted by createdAt then id, offset pages (a page past the end is empty),
 * `limit` capped at 100, TicketGoneUpstreamError for a deleted ticket's messages. The data set
 * is live: a hook can change it between or during requests. Every request is recorded.
 * Like the real adapter, a call honours its `signal`: one made with an aborted signal is refused
 * (it never goes out), and a pending one rejects with the signal's reason the moment it aborts.
 * A test can hold requests open (`hold`) and answer or fail them one by one, in any order.
 */
export class InMemoryTicketSource implements TicketSource {
  readonly requests: TicketSourceRequest[] = [];
  /** countMessages calls, answered at once (never held). */
  readonly messageCountRequests: { clientId: string; ticketUuid: string }[] = [];
  onCountMessages: ((request: { client: Client; ticketUuid: string }) => void | Promise<void>) | undefined;
  onListTickets: ListTicketsHook | undefined;
  onListMessages: ListMessagesHook | undefined;
  /** Requests it matches are held open, after their hook ran, until the test releases or fails them. */
  hold: ((request: TicketSourceRequest) => boolean) | undefined;
  /** Calls refused because their signal had already aborted. */
  refusedCalls = 0;
  private readonly heldCalls: HeldCall[] = [];
  private heldWaiters: { count: number; resolve: () => void }[] = [];
  /** A use case that never stops paging fails loudly here instead of hanging the test run. */
  maxRequests = 10_000;
  private readonly data = new Map<string, ClientData>();

  /** Adds or replaces tickets (by uuid); they exist upstream again if they were deleted. */
  seedTickets(clientId: string, tickets: Ticket[]): this {
    const data = this.of(clientId);
    for (const ticket of tickets) {
      data.tickets.set(ticket.uuid, clone(ticket));
      data.gone.delete(ticket.uuid);
    }
    return this;
  }

  /** Appends messages to their tickets (messages are append-only upstream). */
  seedMessages(clientId: string, messages: Message[]): this {
    const data = this.of(clientId);
    for (const message of messages) {
      const list = data.messages.get(message.ticketUuid) ?? [];
      list.push(clone(message));
      data.messages.set(message.ticketUuid, list);
    }
    return this;
  }

  /** Changes a ticket the way the upstream does on an update: it moves to its new place in the order. */
  updateTicket(clientId: string, uuid: string, changes: Partial<Omit<Ticket, 'uuid'>> & { updatedAt: Date }): Ticket {
    const data = this.of(clientId);
    const current = data.tickets.get(uuid);
    if (!current) throw new Error(`fake upstream: no ticket ${uuid}`);
    const updated: Ticket = { ...current, ...changes, raw: { ...current.raw, ...(changes.raw ?? {}), updatedAt: changes.updatedAt.toISOString() } };
    data.tickets.set(uuid, updated);
    return clone(updated);
  }

  /** Deletes a ticket upstream: no longer listed, and its messages answer "gone". */
  deleteTicket(clientId: string, uuid: string): void {
    const data = this.of(clientId);
    data.tickets.delete(uuid);
    data.gone.add(uuid);
  }

  ticket(clientId: string, uuid: string): Ticket | undefined {
    const ticket = this.of(clientId).tickets.get(uuid);
    return ticket && clone(ticket);
  }

  /** A ticket's messages upstream, sorted as the upstream sorts them. */
  messagesOf(clientId: string, ticketUuid: string): Message[] {
    return [...(this.of(clientId).messages.get(ticketUuid) ?? [])].sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || compareIds(a.id, b.id)).map(clone);
  }

  ticketRequests(): Extract<TicketSourceRequest, { kind: 'tickets' }>[] {
    return this.requests.filter((r): r is Extract<TicketSourceRequest, { kind: 'tickets' }> => r.kind === 'tickets');
  }

  messageRequests(): Extract<TicketSourceRequest, { kind: 'messages' }>[] {
    return this.requests.filter((r): r is Extract<TicketSourceRequest, { kind: 'messages' }> => r.kind === 'messages');
  }

  /** The requests held open now, in the order they arrived. */
  get held(): HeldCall[] {
    return [...this.heldCalls];
  }

  /** The held message request of a ticket (its first page held, when several). */
  heldMessages(ticketUuid: string): HeldCall {
    const found = this.heldCalls.find((h) => h.request.kind === 'messages' && h.request.ticketUuid === ticketUuid);
    if (!found) throw new Error(`fake upstream: no held message request of ${ticketUuid} (held: ${this.heldCalls.map(describe).join(', ')})`);
    return found;
  }

  /** Resolves once at least `count` requests are held open at the same time. */
  whenHeld(count: number): Promise<void> {
    if (this.heldCalls.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push({ count, resolve }));
  }

  async listTickets(client: Client, query: TicketPageQuery, signal?: AbortSignal): Promise<ListedPage<Ticket>> {
    this.guardAgainstLoops();
    if (signal?.aborted) return this.refuse(signal);
    const request: TicketSourceRequest = { kind: 'tickets', clientId: client.id, query: { ...query, updatedAtFrom: new Date(query.updatedAtFrom) }, outcome: 'pending' };
    this.requests.push(request);
    const call = this.ticketRequests().length;
    return this.pending(request, signal, async () => {
      await this.onListTickets?.({ client, query, call });
      await this.waitWhileHeld(request, signal);
      return this.answerTickets(client, query, request);
    });
  }

  private answerTickets(client: Client, query: TicketPageQuery, request: TicketSourceRequest): ListedPage<Ticket> {
    const matching = [...this.of(client.id).tickets.values()]
      .filter((t) => t.updatedAt.getTime() >= query.updatedAtFrom.getTime())
      .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || compareIds(a.uuid, b.uuid));
    const answer = page(matching, query).map(clone);
    request.answered = answer.map((t) => t.uuid);
    return { items: answer, total: matching.length };
  }

  async countMessages(client: Client, ticketUuid: string, signal?: AbortSignal): Promise<number | null> {
    if (signal?.aborted) return this.refuse(signal);
    this.messageCountRequests.push({ clientId: client.id, ticketUuid });
    await this.onCountMessages?.({ client, ticketUuid });
    const data = this.of(client.id);
    if (data.gone.has(ticketUuid) || !data.tickets.has(ticketUuid)) throw new TicketGoneUpstreamError(ticketUuid);
    return data.messages.get(ticketUuid)?.length ?? 0;
  }

  async listMessages(client: Client, ticketUuid: string, query: PageQuery, signal?: AbortSignal): Promise<Message[]> {
    this.guardAgainstLoops();
    if (signal?.aborted) return this.refuse(signal);
    const request: TicketSourceRequest = { kind: 'messages', clientId: client.id, ticketUuid, query: { ...query }, outcome: 'pending' };
    this.requests.push(request);
    const call = this.messageRequests().length;
    return this.pending(request, signal, async () => {
      await this.onListMessages?.({ client, ticketUuid, query, call });
      await this.waitWhileHeld(request, signal);
      return this.answerMessages(client, ticketUuid, query, request);
    });
  }

  private answerMessages(client: Client, ticketUuid: string, query: PageQuery, request: TicketSourceRequest): Message[] {
    const data = this.of(client.id);
    if (data.gone.has(ticketUuid) || !data.tickets.has(ticketUuid)) throw new TicketGoneUpstreamError(ticketUuid);
    const messages = [...(data.messages.get(ticketUuid) ?? [])].sort(
      (a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || compareIds(a.id, b.id),
    );
    const answer = page(messages, query).map(clone);
    request.answered = answer.map((m) => m.id);
    return answer;
  }

  /** The distinct ticket uuids answered so far to listTickets requests. */
  listedUuids(): Set<string> {
    return new Set(this.ticketRequests().flatMap((r) => r.answered ?? []));
  }

  private refuse(signal: AbortSignal): Promise<never> {
    this.refusedCalls += 1;
    return Promise.reject(signal.reason);
  }

  /** Runs a request's work; when `signal` aborts first, the request rejects at once with its reason and its late answer is dropped. */
  private pending<T>(request: TicketSourceRequest, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (request.outcome !== 'pending') return;
        request.outcome = 'aborted';
        const held = this.heldCalls.findIndex((h) => h.request === request);
        if (held >= 0) this.heldCalls.splice(held, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      work().then(
        (answer) => {
          signal?.removeEventListener('abort', onAbort);
          if (request.outcome !== 'pending') return;
          request.outcome = 'answered';
          resolve(answer);
        },
        (error: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          if (request.outcome !== 'pending') return;
          request.outcome = 'failed';
          reject(error);
        },
      );
    });
  }

  /** Waits, when `hold` matches the request, until the test releases it (or fails it). */
  private async waitWhileHeld(request: TicketSourceRequest, signal: AbortSignal | undefined): Promise<void> {
    if (!this.hold?.(request) || signal?.aborted) return;
    await new Promise<void>((release, fail) => {
      const call: HeldCall = {
        request,
        release: () => {
          this.unhold(call);
          release();
        },
        fail: (error) => {
          this.unhold(call);
          fail(error);
        },
      };
      this.heldCalls.push(call);
      const ready = this.heldWaiters.filter((w) => this.heldCalls.length >= w.count);
      this.heldWaiters = this.heldWaiters.filter((w) => this.heldCalls.length < w.count);
      for (const waiter of ready) waiter.resolve();
    });
  }

  private unhold(call: HeldCall): void {
    const index = this.heldCalls.indexOf(call);
    if (index < 0) throw new Error(`fake upstream: ${describe(call)} is not held (answered, failed or aborted already)`);
    this.heldCalls.splice(index, 1);
  }

  private guardAgainstLoops(): void {
    if (this.requests.length >= this.maxRequests) throw new Error(`fake upstream: more than ${this.maxRequests} requests, the caller is looping`);
  }

  private of(clientId: string): ClientData {
    let data = this.data.get(clientId);
    if (!data) {
      data = { tickets: new Map(), messages: new Map(), gone: new Set() };
      this.data.set(clientId, data);
    }
    return data;
  }
}

/** "Sorted by id" upstream means plain string (code unit) order, not a locale collation. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** 1-based offset pagination with the upstream's cap on `limit`; a page past the end is empty. */
export function page<T>(items: T[], query: PageQuery): T[] {
  const limit = Math.min(query.limit, UPSTREAM_MAX_LIMIT);
  const start = (query.page - 1) * limit;
  return items.slice(start, start + limit);
}

function describe(call: HeldCall): string {
  const r = call.request;
  return r.kind === 'tickets' ? `tickets from ${r.query.updatedAtFrom.toISOString()} page ${r.query.page}` : `messages of ${r.ticketUuid} page ${r.query.page}`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
