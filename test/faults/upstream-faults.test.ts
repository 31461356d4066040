import { expect } from 'chai';
import { startService, type ServiceProcess } from '../../tools/shared/service-process.js';
import { differencesFromUpstream } from '../../tools/shared/verify-against-simulator.js';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { sql, testDatabaseUrl, truncateAll } from '../support/database.js';
import { FINISHED, waitFor } from '../support/wait-for.js';

const ADMIN_TOKEN = 'faults-suite-admin-token-0123456789';

describe('Upstream faults: the database ends equal to the upstream, and no secret leaks', function () {
  this.timeout(120_000);
  let simulator: UpstreamSimulator;
  let service: ServiceProcess | undefined;

  beforeEach(() => truncateAll());
  afterEach(async () => {
    await service?.kill();
    await simulator.close();
  });

  it('when 330 tickets share one updatedAt and tickets keep changing while the import pages, then nothing is missed or duplicated', async () => {
    simulator = new UpstreamSimulator({ seed: 12, faults: { serverError: 0.05 }, mutations: { ticketUpdated: 0.3 } });
    const baseUrl = await simulator.listen();
    const dataset = generateDataset(23, { tickets: 400, messagesPerTicket: 1, contacts: 0, sameInstantGroup: 330 });
    simulator.addAccount('tok-group', 'group', dataset);
    const { rows } = await sql().query<{ id: string }>(`INSERT INTO clients (slug, name, api_base_url, api_token) VALUES ('group', 'Group', $1, 'tok-group') RETURNING id`, [baseUrl]);
    service = startService({ DATABASE_URL: testDatabaseUrl(), PORT: '0', ADMIN_TOKEN, DATA_DIR: '/tmp/helpdesk-importer-fault-tests', JOB_POLL_INTERVAL_SECONDS: '0.5', EXTERNAL_API_REQUESTS_PER_MINUTE: '100000', EXTERNAL_API_MAX_RETRIES: '10' });
    const port = await service.listening;
    const trigger = () => fetch(`http://127.0.0.1:${port}/api/jobs/import/group`, { method: 'POST', headers: { 'x-admin-token': ADMIN_TOKEN } });
    const waitForAll = () =>
      waitFor(async () => (await sql().query(`SELECT 1 FROM job_runs WHERE status IN ('queued', 'running')`)).rows.length === 0, 'the runs to finish');
    await trigger();
    await waitForAll();
    // Changes made during the first run are picked up by the next one; then nothing is left behind.
    simulator.onRequest = undefined;
    await trigger();
    await waitForAll();

    const statuses = (await sql().query<{ status: string }>('SELECT status FROM job_runs')).rows.map((r) => r.status);
    expect(statuses.every((s) => s === 'succeeded')).to.equal(true);
    expect(await differencesFromUpstream(sql(), rows[0]!.id, dataset, false)).to.deep.equal([]);
  });

  it('when the upstream answers 10% 500s, 5% 429s, 3% truncated bodies and some hangs while tickets change, then both jobs end with every row exactly once', async () => {
    simulator = new UpstreamSimulator({
      latencyMs: 5,
      seed: 11,
      faults: { serverError: 0.1, rateLimited: 0.05, truncated: 0.03, hang: 0.01 },
      mutations: { ticketUpdated: 0.1 },
    });
    const baseUrl = await simulator.listen();
    const tokens = ['acme-secret-token-aaaaaaaa', 'globex-secret-token-bbbbbbbb', 'revoked-secret-token-cccccccc'];
    simulator.addAccount(tokens[0]!, 'acme', generateDataset(21, { tickets: 250, messagesPerTicket: 3, contacts: 120, sameInstantGroup: 30 }));
    simulator.addAccount(tokens[1]!, 'globex', generateDataset(22, { tickets: 120, messagesPerTicket: 2, contacts: 60 }));
    service = startService({
      DATABASE_URL: testDatabaseUrl(),
      PORT: '0',
      ADMIN_TOKEN,
      DATA_DIR: '/tmp/helpdesk-importer-fault-tests',
      JOB_POLL_INTERVAL_SECONDS: '0.5',
      EXTERNAL_API_REQUESTS_PER_MINUTE: '100000',
      EXTERNAL_API_TIMEOUT_MS: '1000',
      EXTERNAL_API_MAX_RETRIES: '10',
    });
    const port = await service.listening;
    const responses: string[] = [];
    const api = async (method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { ...(token ? { 'x-admin-token': token } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      responses.push(`${response.status} ${JSON.stringify(Object.fromEntries(response.headers))} ${text}`);
      return { status: response.status, location: response.headers.get('location') ?? '', json: () => JSON.parse(text) };
    };
    for (const [i, slug] of ['acme', 'globex', 'revoked'].entries()) {
      // The third client's token is unknown upstream: revoked.
      await api('POST', '/api/admin/clients', { slug, name: slug, apiBaseUrl: baseUrl, apiToken: tokens[i] });
    }
    await api('POST', '/api/jobs/import', undefined, 'a-wrong-admin-token');

    const runs = [await api('POST', '/api/jobs/import'), await api('POST', '/api/admin/sync/contacts')];
    const finished = [];
    for (const { location } of runs) {
      finished.push(
        await waitFor(async () => {
          const run = (await api('GET', location)).json();
          return FINISHED.includes(run.status) && run;
        }, 'the run to finish', { timeoutMs: 100_000, intervalMs: 250 }),
      );
    }

    for (const run of finished) {
      expect(run.status, JSON.stringify(run)).to.equal('failed');
      expect(run.stats.acme.status).to.equal('succeeded');
      expect(run.stats.globex.status).to.equal('succeeded');
      expect(run.stats.revoked.status).to.equal('failed');
      expect(run.stats.revoked.error).to.include('"revoked"');
    }
    const importStats = finished[0].stats;
    expect(importStats.acme.retries + importStats.acme.rateLimited, 'faults were met and retried').to.be.greaterThan(0);
    for (const [i, slug] of ['acme', 'globex'].entries()) {
      const { rows } = await sql().query<{ id: string }>('SELECT id FROM clients WHERE slug = $1', [slug]);
      expect(await differencesFromUpstream(sql(), rows[0]!.id, simulator.dataset(tokens[i]!)), slug).to.deep.equal([]);
    }

    service.child.kill('SIGTERM');
    const { output } = await service.finished;
    service = undefined;
    const everything = `${output}\n${responses.join('\n')}`;
    for (const secret of [ADMIN_TOKEN, ...tokens]) expect(everything.includes(secret), 'a secret appeared in a log line or a response').to.equal(false);
  });
});
