import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { random, type Dataset, type SimContact, type SimTicket } from './dataset.js';

export interface SimulatorOptions {
  /** Added to every answer: base + uniform jitter in [-jitter, +jitter]. */
  latencyMs?: number;
  jitterMs?: number;
  /** Per-token sliding-window limit; over it the answer is 429 with Retry-After. Unset: no limit. */
  requestsPerMinute?: number;
  rateWindowMs?: number;
  /** Fault rates, each a probability per request (seeded). */
  faults?: { serverError?: number; rateLimited?: number; truncated?: number; hang?: number };
  /** Live changes while a client pages, each a probability per list request (seeded). */
  mutations?: { ticketUpdated?: number; contactDeleted?: number; tagRemoved?: number };
  seed?: number;
  /** Serve HTTPS with this key and certificate (e.g. self-signed, to test certificate checks). */
  tls?: { key: string; cert: string };
}

export interface RequestRecord {
  token: string;
  path: string;
  query: string;
  status: number;
  startedAt: number;
  endedAt: number;
}

interface Account {
  slug: string;
  dataset: Dataset;
  /** This token's own limit per window, over `requestsPerMinute`. */
  requestsPerMinute?: number;
}

const MAX_LIMIT = 100;

/**
 * A faithful stand-in for the upstream helpdesk API (docs/upstream-api.md), one dataset per
 * token: sort orders, inclusive `updatedAtFrom`, offset pages over the live set, 404 for a
 * deleted ticket, 401 for an unknown token, optional latency, a strict per-token rate limit and
 * injected faults. It logs every request, so tests and benchmarks can check the importer's
 * behaviour from the outside (rate, concurrency, exclusivity per token).
 */
export class UpstreamSimulator {
  readonly requests: RequestRecord[] = [];
  /** Called before each request is answered: tests mutate the data set here. */
  onRequest: ((token: string, path: string, query: URLSearchParams) => void | Promise<void>) | undefined;
  private readonly accounts = new Map<string, Account>();
  private readonly arrivals = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly peak = new Map<string, number>();
  /** Per token, how many `/contact` answers are still to come back empty (a glitch). */
  private readonly emptyContactAnswers = new Map<string, number>();
  private readonly next: () => number;
  private server: Server | undefined;

  constructor(private readonly options: SimulatorOptions = {}) {
    this.next = random(options.seed ?? 7);
  }

  /** `limits.requestsPerMinute`: this token's own rate plan (per `rateWindowMs`), instead of the shared one. */
  addAccount(token: string, slug: string, dataset: Dataset, limits: { requestsPerMinute?: number } = {}): void {
    this.accounts.set(token, { slug, dataset, ...limits });
  }

  dataset(token: string): Dataset {
    const account = this.accounts.get(token);
    if (!account) throw new Error(`no account for that token`);
    return account.dataset;
  }

  /** Updates a ticket now: it moves to the end of the listing order, with one new message. */
  touchTicket(token: string, uuid: string, at = new Date()): void {
    const dataset = this.dataset(token);
    const ticket = dataset.tickets.get(uuid);
    if (!ticket) return;
    ticket.updatedAt = at.toISOString();
    const count = dataset.messagesOf(uuid).length;
    dataset.addMessage(uuid, {
      id: `${uuid}-reply-${count}`,
      ticketUuid: uuid,
      direction: 'in',
      type: 'text',
      body: 'Alguma novidade? 🤔',
      mediaUrl: null,
      sender: { id: ticket.contactId ?? 'c-unknown', name: 'João' },
      createdAt: at.toISOString(),
    });
  }

  deleteTicket(token: string, uuid: string): void {
    this.dataset(token).tickets.delete(uuid);
  }

  deleteContact(token: string, id: string): void {
    this.dataset(token).contacts.delete(id);
  }

  addContact(token: string, contact: SimContact): void {
    this.dataset(token).contacts.set(contact.id, contact);
  }

  /** The next `count` `/contact` answers of this token are a 200 with no contacts (`data: []`, `total: 0`), as an upstream glitch answers. */
  answerEmptyContactPages(token: string, count = 1): void {
    this.emptyContactAnswers.set(token, (this.emptyContactAnswers.get(token) ?? 0) + count);
  }

  private mutate(token: string, path: string): void {
    const m = this.options.mutations;
    if (!m) return;
    const dataset = this.dataset(token);
    if (path === '/ticket' && this.next() < (m.ticketUpdated ?? 0) && dataset.tickets.size) {
      const uuids = [...dataset.tickets.keys()];
      this.touchTicket(token, uuids[Math.floor(this.next() * uuids.length)]!);
    }
    if (path === '/contact' && dataset.contacts.size) {
      const ids = [...dataset.contacts.keys()];
      if (this.next() < (m.contactDeleted ?? 0)) dataset.contacts.delete(ids[Math.floor(this.next() * ids.length)]!);
      const contact = dataset.contacts.get(ids[Math.floor(this.next() * ids.length)]!);
      if (contact && contact.tags.length && this.next() < (m.tagRemoved ?? 0)) {
        contact.tags = contact.tags.slice(1);
        contact.updatedAt = new Date().toISOString();
      }
    }
  }

  /** Most requests with this token in flight at once; `path` narrows it to one endpoint (e.g. `/ticket`). */
  peakConcurrency(token: string, path?: string): number {
    return this.peak.get(path ? `${token} ${path}` : token) ?? 0;
  }

  /** The most requests (not answered 429) with one token that arrived within any window. */
  busiestWindow(token: string, windowMs: number): number {
    const times = this.requests.filter((r) => r.token === token && r.status !== 429).map((r) => r.startedAt).sort((a, b) => a - b);
    let busiest = 0;
    for (let first = 0, last = 0; last < times.length; last++) {
      while (times[last]! - times[first]! >= windowMs) first++;
      busiest = Math.max(busiest, last - first + 1);
    }
    return busiest;
  }

  async listen(port = 0): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = this.options.tls ? createHttpsServer(this.options.tls, handler) : createServer(handler);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const account = this.accounts.get(token);
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const keys = [token, `${token} ${path}`];
    for (const key of keys) {
      const concurrent = (this.inFlight.get(key) ?? 0) + 1;
      this.inFlight.set(key, concurrent);
      this.peak.set(key, Math.max(this.peak.get(key) ?? 0, concurrent));
    }
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}, raw?: string) => {
      this.requests.push({ token, path, query: url.search, status, startedAt, endedAt: Date.now() });
      for (const key of keys) this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(raw ?? JSON.stringify(body));
    };

    await sleep(Math.max(0, (this.options.latencyMs ?? 0) + ((this.next() * 2 - 1) * (this.options.jitterMs ?? 0))));
    if (!account) return answer(401, { error: 'invalid token' });
    const waitMs = this.overLimit(token, startedAt);
    if (waitMs !== null) return answer(429, { error: 'rate limited' }, { 'retry-after': String(Math.ceil(waitMs / 1000)) });
    const faults = this.options.faults ?? {};
    if (this.next() < (faults.hang ?? 0)) return; // never answered: the client's timeout must fire
    if (this.next() < (faults.serverError ?? 0)) return answer(500, { error: 'internal' });
    if (this.next() < (faults.rateLimited ?? 0)) return answer(429, { error: 'rate limited' }, { 'retry-after': '1' });
    this.mutate(token, path);
    await this.onRequest?.(token, path, url.searchParams);

    const body = path === '/contact' && this.takeEmptyContactAnswer(token) ? envelope([], Number(url.searchParams.get('page') ?? 1) || 1, 50) : this.route(account.dataset, path, url.searchParams);
    if (!body) return answer(404, { error: 'not found' });
    const text = JSON.stringify(body);
    if (this.next() < (faults.truncated ?? 0)) return answer(200, null, {}, text.slice(0, Math.floor(text.length / 2)));
    return answer(200, null, {}, text);
  }

  private takeEmptyContactAnswer(token: string): boolean {
    const left = this.emptyContactAnswers.get(token) ?? 0;
    if (left > 0) this.emptyContactAnswers.set(token, left - 1);
    return left > 0;
  }

  /** Null when the request may go; otherwise how long until the window has room. 429s do not count. */
  private overLimit(token: string, now: number): number | null {
    const limit = this.accounts.get(token)?.requestsPerMinute ?? this.options.requestsPerMinute;
    if (!limit) return null;
    const windowMs = this.options.rateWindowMs ?? 60_000;
    const recent = (this.arrivals.get(token) ?? []).filter((t) => now - t < windowMs);
    if (recent.length >= limit) {
      this.arrivals.set(token, recent);
      return recent[0]! + windowMs - now;
    }
    recent.push(now);
    this.arrivals.set(token, recent);
    return null;
  }

  private route(dataset: Dataset, path: string, query: URLSearchParams): unknown {
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const limit = Math.min(MAX_LIMIT, Math.max(1, Number(query.get('limit') ?? 50) || 50));
    if (path === '/ticket') {
      const from = Date.parse(query.get('updatedAtFrom') ?? '1970-01-01T00:00:00.000Z');
      const tickets = [...dataset.tickets.values()].filter((t) => Date.parse(t.updatedAt) >= from).sort(byUpdatedAtThenUuid);
      return envelope(tickets, page, limit);
    }
    const messages = /^\/ticket\/([^/]+)\/messages$/.exec(path);
    if (messages) {
      const uuid = decodeURIComponent(messages[1]!);
      if (!dataset.tickets.has(uuid)) return null;
      const list = dataset.messagesOf(uuid).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || compare(a.id, b.id));
      return envelope(list, page, limit);
    }
    if (path === '/contact') {
      const contacts = [...dataset.contacts.values()].sort((a, b) => compare(a.id, b.id));
      return envelope(contacts, page, limit);
    }
    return null;
  }
}

function envelope<T>(items: T[], page: number, limit: number) {
  return { data: items.slice((page - 1) * limit, page * limit), meta: { page, limit, total: items.length, totalPages: Math.ceil(items.length / limit) } };
}

function byUpdatedAtThenUuid(a: SimTicket, b: SimTicket): number {
  return a.updatedAt.localeCompare(b.updatedAt) || compare(a.uuid, b.uuid);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
