import { expect } from 'chai';
import nock from 'nock';
import { ImporterMetrics } from '../../../src/infrastructure/metrics/importer-metrics.js';
import { HttpTicketSource } from '../../../src/infrastructure/upstream/http-ticket-source.js';
import { PgUpstreamRequestLedger } from '../../../src/infrastructure/upstream/pg-upstream-request-ledger.js';
import { UpstreamConnections } from '../../../src/infrastructure/upstream/upstream-connections.js';
import { delay } from '../../../src/infrastructure/abortable.js';
import { insertClient, sql, truncateAll } from '../../support/database.js';
import { BASE_PATH, ORIGIN, anyTicketQuery, listBody, makeClient, testConfig, useNock } from './upstream-test-kit.js';

const LIMIT = 10;
const WINDOW = 3_000;

/** The most timestamps within any window [t, t + windowMs) starting at one of them. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

/** One process: its own connections (budgets) on the shared database. */
function aProcess() {
  const metrics = new ImporterMetrics({ countRuns: async () => [], queueDepth: async () => ({}), reconcileMissing: async () => [] });
  const connections = new UpstreamConnections(testConfig({ requestsPerMinute: LIMIT, rateWindowMs: WINDOW, timeoutMs: 1_000, concurrency: LIMIT }), metrics, new PgUpstreamRequestLedger(sql()));
  return { connections, metrics, tickets: new HttpTicketSource(connections) };
}

/** Seconds the client's requests waited for a rate permit, in total, as the metrics count them. */
async function budgetWaitSeconds(metrics: ImporterMetrics): Promise<number> {
  const series = 'helpdesk_importer_upstream_rate_budget_wait_seconds_total{client="acme"} ';
  const line = (await metrics.registry.metrics()).split('\n').find((l) => l.startsWith(series));
  return line ? Number(line.slice(series.length)) : 0;
}

describe('PgUpstreamRequestLedger (the budget outlives the process, on the real PostgreSQL)', () => {
  useNock();
  let clientId: string;

  beforeEach(async () => {
    await truncateAll();
    clientId = await insertClient({ slug: 'acme', apiBaseUrl: `${ORIGIN}${BASE_PATH}` });
  });

  it('when process 1 used N permits and process 2 takes the client over, then process 2 sends only limit − N in its first window, and the full limit once they have left it', async function () {
    this.timeout(30_000);
    // Arrival times are real (the ledger runs on the database's clock): a permit comes back only a
    // window after its request finished, so a slow machine can spread arrivals, never bunch them.
    const arrivals: number[] = [];
    nock(ORIGIN)
      .persist()
      .get(`${BASE_PATH}/ticket`)
      .query(true)
      .reply(() => {
        arrivals.push(Date.now());
        return [200, listBody([])];
      });
    const client = makeClient({ id: clientId });
    // A block holds a block lifetime's worth of the rate (2 s of 10 per 3 s: 7). Seven spend exactly one.
    const first = aProcess();
    await Promise.all(Array.from({ length: 7 }, () => first.tickets.listTickets(client, anyTicketQuery)));
    const { rows } = await sql().query<{ permits: number; held_until: Date }>('SELECT permits, held_until FROM upstream_request_ledger WHERE client_id = $1', [clientId]);

    const second = aProcess();
    const finishedAt: number[] = [];
    await Promise.all(Array.from({ length: LIMIT }, () => second.tickets.listTickets(client, anyTicketQuery).then(() => finishedAt.push(Date.now()))));
    const ofSecond = arrivals.slice(7);
    const heldUntil = Math.min(...rows.map((r) => r.held_until.getTime()));
    // Until process 1's block has ended and process 2's own permits (back a window after each
    // request finished) have left the window; then the full limit goes out without waiting.
    await delay(Math.max(heldUntil + 1_000, Math.max(...finishedAt) + WINDOW + 1) - Date.now());
    const waitedBefore = await budgetWaitSeconds(second.metrics);
    await Promise.all(Array.from({ length: LIMIT }, () => second.tickets.listTickets(client, anyTicketQuery)));

    expect(rows.reduce((sum, r) => sum + r.permits, 0)).to.equal(7);
    expect(ofSecond).to.have.length(LIMIT);
    expect(ofSecond.filter((at) => at < ofSecond[0]! + WINDOW), 'sent in process 2 first window').to.have.length(LIMIT - 7);
    expect(busiestWindow(arrivals, WINDOW), 'what the upstream saw of both processes in any window').to.be.at.most(LIMIT);
    expect(await budgetWaitSeconds(second.metrics), 'process 2 waited for permits in its first window').to.be.greaterThan(0);
    expect(await budgetWaitSeconds(second.metrics), 'none of the full limit afterwards waits for a permit').to.equal(waitedBefore);
    expect(arrivals).to.have.length(7 + 2 * LIMIT);
  });

  it('when blocks are recorded, then one statement writes them, settles the finished ones and drops the expired ones', async () => {
    const ledger = new PgUpstreamRequestLedger(sql());
    const holder = '5f0c3a52-7c1e-4a8e-9c61-0a1b2c3d4e5f';
    const other = '6e1d4b63-8d2f-4b9f-8d72-1b2c3d4e5f60';
    await ledger.record(clientId, other, [{ block: 1, permits: 4, heldForMs: 60_000 }, { block: 2, permits: 3, heldForMs: 0 }]);

    const seen = await ledger.record(clientId, holder, [{ block: 1, permits: 5, heldForMs: 60_000 }]);
    const settled = await ledger.record(clientId, holder, [{ block: 1, permits: 2, heldForMs: 30_000 }, { block: 2, permits: 6, heldForMs: 60_000 }]);
    const all = await ledger.held(clientId);
    const { rows } = await sql().query('SELECT holder, block, permits FROM upstream_request_ledger WHERE client_id = $1 ORDER BY holder, block', [clientId]);

    expect(seen.map((b) => [b.holder, b.block, b.permits])).to.deep.equal([[other, 1, 4]]);
    expect(seen[0]!.heldForMs).to.be.within(50_000, 60_000);
    expect(settled.map((b) => b.holder)).to.deep.equal([other]);
    expect(all.map((b) => `${b.holder === holder ? 'me' : 'other'}/${b.block}:${b.permits}`).sort()).to.deep.equal(['me/1:2', 'me/2:6', 'other/1:4']);
    expect(rows.map((r) => `${r.holder === holder ? 'me' : 'other'}/${r.block}`), 'the expired block is gone').to.deep.equal(['me/1', 'me/2', 'other/1']);
  });
});
