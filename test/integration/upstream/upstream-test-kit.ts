import { inspect } from 'node:util';
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
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    updatedAt: new Date('2026-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

export function makeSut(overrides: Partial<UpstreamConfig> = {}, ledger = new InMemoryUpstreamRequestLedger()) {
  const metrics = new ImporterMetrics({ countRuns: async () => [], queueDepth: async () => ({}) });
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

export function elapsedSince(start: number): number {
  return Date.now() - start;
}

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
