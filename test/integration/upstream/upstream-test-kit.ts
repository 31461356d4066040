import { inspect } from 'node:util';
import { install } from '@sinonjs/fake-timers';
import nock from 'nock';
import type { Client } from '../../../src/domain/clients/client.js';
import type { UpstreamConfig } from '../../../src/infrastructure/config.js';
import { ImporterMetrics } from '../../../src/infrastructure/metrics/importer-metrics.js';
import { HttpContactSource } from '../../../src/infrastructure/upstream/http-contact-source.js';
import { HttpTicketSource } from '../../../src/infrastructure/upstream/http-ticket-source.js';
export { failureOf } from '../../support/failure-of.js';
import { UpstreamConnections } from '../../../src/infrastructure/upstream/upstream-connections.js';
import { InMemoryUpstreamRequestLedger } from '../../fakes/in-memory-upstream-request-ledger.js';

/** Shared arrangements of the upstream adapter tests: a fast config, a client, nock hooks. */

export const ORIGIN = 'https://acme.helpdesk.example';
export const BASE_PATH = '/api/v1';
export const TOKEN = 'tok-7f3c9a41-SECRET-e2b1d05c';

export function testConfig(overrides: Partial<UpstreamConfig> = {}): UpstreamConfig {
  return {
    requestsPerMinute: 10_000,
    rateWindowMs: 60_000,
    tlsInsecure: false,
    timeoutMs: 300,
    maxRetries: 3,
    concurrency: 8,
    backoffBaseMs: 5,
    backoffMaxMs: 50,
    pageSize: 100,
    ...overrides,
  };
}

export function makeClient(overrides: Partial<Client> = {}): Client {
  return {
    id: 'client-acme',
    slug: 'acme',
    name: 'Acme',
    active: true,
    apiBaseUrl: `${ORIGIN}${BASE_PATH}`,
    apiToken: TOKEN,
    requestsPerMinute: null,
    webhookUrl: null,
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    updatedAt: new Date('2026-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

export function makeSut(overrides: Partial<UpstreamConfig> = {}, ledger = new InMemoryUpstreamRequestLedger()) {
  const metrics = new ImporterMetrics({ countRuns: async () => [], queueDepth: async () => ({}), reconcileMissing: async () => [] });
  const connections = new UpstreamConnections(testConfig(overrides), metrics, ledger);
  return { connections, metrics, ledger, tickets: new HttpTicketSource(connections), contacts: new HttpContactSource(connections) };
}

export function ticketItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: '0b6f1c1e-6c1a-4c51-9d0e-6a5f1f0e2a10',
    protocol: '2026112800123',
    subject: 'Pedido não entregue',
    status: 'open',
    channel: 'whatsapp',
    contactId: 'c-1042',
    assignee: { id: 'u-7', name: 'Ana' },
    createdAt: '2026-11-20T09:00:00.000Z',
    updatedAt: '2026-11-28T12:30:05.120Z',
    closedAt: null,
    ...overrides,
  };
}

export function listBody(items: unknown[], limit = 100) {
  return { data: items, meta: { page: 1, limit, total: items.length, totalPages: 1 } };
}

export const anyTicketQuery = { updatedAtFrom: new Date('2026-11-28T10:15:00.000Z'), page: 1, limit: 100 };

/** Intercepts GET <base>/ticket (any query), as the tests that are not about the query use it. */
export function ticketList(scope: nock.Scope = nock(ORIGIN)): nock.Interceptor {
  return scope.get(`${BASE_PATH}/ticket`).query(true);
}

/** Every way an error may end up printed or stored (message, logs via inspect, JSON, stack). */
export function renderingsOf(error: Error): string[] {
  return [error.message, String(error), error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 5 })];
}

/**
 * Fake time for the adapter tests, so no assertion depends on how busy the machine is: installed
 * before each test of the enclosing describe and removed after it. Requests go through nock in
 * process (no real I/O); the request
 * timeout (AbortSignal.timeout) stays on real time, so these tests use a timeoutMs nothing reaches.
 */
export function useFakeClock(start = Date.parse('2026-11-28T10:15:00.250Z')): { readonly clock: InstalledClock } {
  const holder = {} as { clock: InstalledClock };
  beforeEach(() => {
    holder.clock = install({ now: start, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'], shouldAdvanceTime: false });
  });
  afterEach(() => holder.clock.uninstall());
  return holder;
}

type InstalledClock = ReturnType<typeof install>;

/**
 * nock schedules parts of a reply on real timers it captured at load (a 0 ms setTimeout before it
 * answers) and on immediates. A real 0 ms timer of ours fires after every real 0 ms timer set
 * before it, so each step lets one such hop happen whatever the machine's load; the immediates
 * between hops run in the fake clock's async ticks.
 */
const realSetTimeout = globalThis.setTimeout;
/** Three steps were enough for every test here; ten leave room. */
const SETTLE_STEPS = 10;
const TURNS_PER_STEP = 30;

/** Lets everything that can run without fake time passing run. */
export async function settle(clock: InstalledClock): Promise<void> {
  for (let step = 0; step < SETTLE_STEPS; step++) {
    await new Promise((resolve) => realSetTimeout(resolve, 0));
    for (let turn = 0; turn < TURNS_PER_STEP; turn++) await clock.tickAsync(0);
  }
}

/**
 * Awaits `work` on fake time: time moves only when nothing else can happen, straight to the next
 * timer, so every wait lasts exactly what the code asked for. Throws when `work` waits on no timer.
 */
export async function onFakeTime<T>(clock: InstalledClock, work: Promise<T>): Promise<T> {
  let done = false;
  work.then(
    () => (done = true),
    () => (done = true),
  );
  for (;;) {
    await settle(clock);
    if (done) return work;
    if (clock.countTimers() === 0) throw new Error('the work waits, but on no timer: it would never finish');
    await clock.nextAsync();
  }
}

/** Moves fake time `ms` forward, letting in-process work settle before and after. */
export async function advance(clock: InstalledClock, ms: number): Promise<void> {
  await settle(clock);
  await clock.tickAsync(ms);
  await settle(clock);
}

/**
 * A nock delay past mocha's time limit: a reply stalled this long can only end by its timeout or its
 * caller's signal before the test fails. (nock's delays run on real timers; nock.cleanAll clears them.)
 */
export const STALLED_MS = 10 * 60_000;

/** Registers the nock rules of the adapter tests on the enclosing describe. */
export function useNock(): void {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    nock.cleanAll();
  });
  after(() => {
    nock.enableNetConnect();
  });
}
