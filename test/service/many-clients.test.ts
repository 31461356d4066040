import { expect } from 'chai';
import { startService, type ServiceProcess } from '../../tools/shared/service-process.js';
import { differencesFromUpstream } from '../../tools/shared/verify-against-simulator.js';
import { generateDataset, type Dataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { sql, testDatabaseUrl, truncateAll } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';

const ADMIN_TOKEN = 'many-clients-admin-token-0123456789';
const CLIENTS = 60;
/** How many clients must have a listing request open at the upstream at the same moment. */
const TOGETHER = 50;

describe('Many clients in one service process', function () {
  this.timeout(120_000);
  let simulator: UpstreamSimulator;
  let service: ServiceProcess | undefined;

  beforeEach(() => truncateAll());
  afterEach(async () => {
    await service?.kill();
    await simulator.close();
  });

  it(`when ${CLIENTS} clients are imported by one run, then they progress together, each on its own budget, and every one ends equal to its upstream`, async () => {
    simulator = new UpstreamSimulator({ seed: 5, requestsPerMinute: 600 });
    const baseUrl = await simulator.listen();
    const datasets = new Map<string, Dataset>();
    for (let i = 0; i < CLIENTS; i++) {
      const slug = `tenant-${String(i).padStart(2, '0')}`;
      const dataset = generateDataset(100 + i, { tickets: 12, messagesPerTicket: 2, contacts: 0 });
      simulator.addAccount(`token-${slug}`, slug, dataset);
      const { rows } = await sql().query<{ id: string }>(`INSERT INTO clients (slug, name, api_base_url, api_token) VALUES ($1, $1, $2, $3) RETURNING id`, [slug, baseUrl, `token-${slug}`]);
      datasets.set(rows[0]!.id, dataset);
    }
    // Each client's first listing is held until TOGETHER clients are waiting at once: it fills only
    // if that many clients are worked on at the same time (a bounded wait, so a failure is reported).
    const waiting = new Set<string>();
    let released = false;
    let peak = 0;
    simulator.onRequest = async (token, path) => {
      if (released || path !== '/ticket') return;
      waiting.add(token);
      peak = Math.max(peak, waiting.size);
      if (waiting.size >= TOGETHER) released = true;
      await waitFor(async () => released, 'enough clients at once', { timeoutMs: 30_000, intervalMs: 20 }).catch(() => (released = true));
    };
    service = startService({ DATABASE_URL: testDatabaseUrl(), PORT: '0', ADMIN_TOKEN, DATA_DIR: '/tmp/helpdesk-importer-many-clients', JOB_POLL_INTERVAL_SECONDS: '0.5', EXTERNAL_API_REQUESTS_PER_MINUTE: '600' });
    const port = await service.listening;
    const api = (path: string, method = 'GET') => fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'x-admin-token': ADMIN_TOKEN } });

    const location = (await api('/api/jobs/import', 'POST')).headers.get('location')!;
    const run = await waitFor(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const body = (await (await api(location)).json()) as any;
      return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : null;
    }, 'the run to finish', { timeoutMs: 90_000 });

    expect(peak).to.be.at.least(TOGETHER);
    expect(run.status).to.equal('succeeded');
    expect(run.summary).to.deep.include({ clients: CLIENTS, byStatus: { queued: 0, running: 0, succeeded: CLIENTS, failed: 0, cancelled: 0 } });
    expect(run.summary.totals).to.include({ tickets: CLIENTS * 12, messages: CLIENTS * 24, rateLimited: 0 });
    expect(Object.keys(run.stats)).to.have.length(CLIENTS);
    expect(run.clients.complete).to.equal(true);
    expect(simulator.requests.filter((r) => r.status === 429)).to.deep.equal([]);
    for (const [clientId, dataset] of datasets) expect(await differencesFromUpstream(sql(), clientId, dataset, false)).to.deep.equal([]);

    const slugs: string[] = [];
    for (let after = ''; ; ) {
      const page = (await (await api(`${location}/clients?limit=25${after ? `&after=${after}` : ''}`)).json()) as { clients: { slug: string }[]; next: string | null };
      slugs.push(...page.clients.map((c) => c.slug));
      if (!page.next) break;
      after = page.next;
    }
    expect(slugs).to.deep.equal([...slugs].sort()).and.to.have.length(CLIENTS);
    const { rows } = await sql().query<{ clients: number }>(`SELECT count(*)::int AS clients FROM job_runs r, jsonb_object_keys(r.stats) WHERE r.id = $1`, [run.id]);
    expect(rows[0]!.clients).to.equal(CLIENTS);
  });
});
