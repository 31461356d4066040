import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/infrastructure/database/embedded-postgres.js';
import { startService, type ServiceProcess } from '../../tools/shared/service-process.js';
import { differencesFromUpstream } from '../../tools/shared/verify-against-simulator.js';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { FINISHED, waitFor } from '../support/wait-for.js';

const ADMIN_TOKEN = 'db-restart-admin-token-0123456789';

describe('PostgreSQL restarted in the middle of a run', function () {
  this.timeout(150_000);
  const dir = join(tmpdir(), `helpdesk-importer-restart-${process.pid}`);
  let database: EmbeddedDatabase | undefined;
  let service: ServiceProcess | undefined;
  let simulator: UpstreamSimulator;

  afterEach(async () => {
    await service?.kill();
    await simulator?.close();
    await database?.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  it('when the database goes away and comes back, then the run retries or fails cleanly, the cursor is never ahead, the service keeps serving and the next run completes', async () => {
    const port = await freePort();
    database = await startEmbeddedPostgres({ dir, port, fast: true });
    simulator = new UpstreamSimulator({ latencyMs: 20 });
    const baseUrl = await simulator.listen();
    const dataset = generateDataset(31, { tickets: 600, messagesPerTicket: 2, contacts: 0 });
    simulator.addAccount('tok-acme', 'acme', dataset);
    service = startService({
      DATABASE_URL: database.url,
      PORT: '0',
      ADMIN_TOKEN,
      DATA_DIR: dir,
      JOB_POLL_INTERVAL_SECONDS: '0.5',
      JOB_ORPHAN_AFTER_SECONDS: '2',
      EXTERNAL_API_REQUESTS_PER_MINUTE: '100000',
    });
    const apiPort = await service.listening;
    const api = (method: string, path: string) => fetch(`http://127.0.0.1:${apiPort}${path}`, { method, headers: { 'x-admin-token': ADMIN_TOKEN } });
    const db = () => new pg.Client({ connectionString: database!.url });
    const query = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
      const client = db();
      await client.connect();
      try {
        return (await client.query<T>(text, values)).rows;
      } finally {
        await client.end();
      }
    };
    /** The status a run ends in, polled through the API. */
    const runStatus = (location: string) =>
      waitFor(async () => {
        const { status } = (await (await api('GET', location)).json()) as { status: string };
        return FINISHED.includes(status) && status;
      }, 'the run to finish', { timeoutMs: 100_000, intervalMs: 250 });
    await query(`INSERT INTO clients (slug, name, api_base_url, api_token) VALUES ('acme', 'Acme', $1, 'tok-acme')`, [baseUrl]);
    const first = await api('POST', '/api/jobs/import/acme');
    const location = first.headers.get('location')!;
    for (let i = 0; (await query<{ n: number }>('SELECT count(*)::int AS n FROM tickets'))[0]!.n === 0; i++) {
      if (i > 200) throw new Error('no ticket stored');
      await new Promise((r) => setTimeout(r, 50));
    }

    await database.stop();
    const duringOutage = await api('POST', '/api/jobs/import/acme');
    const readyDuringOutage = await fetch(`http://127.0.0.1:${apiPort}/api/ready`);
    const metricsDuringOutage = await fetch(`http://127.0.0.1:${apiPort}/metrics`);
    await new Promise((r) => setTimeout(r, 1500));
    database = await startEmbeddedPostgres({ dir, port, fast: true });

    // The service serves again once the database is back.
    const serving = await waitFor(async () => (await api('GET', '/api/jobs')).status === 200 && 200, 'the service to serve again', { timeoutMs: 20_000, intervalMs: 200 });
    expect(duringOutage.status, 'a trigger during the outage gets a clean error').to.equal(500);
    expect(readyDuringOutage.status, 'readiness fails while the database is down').to.equal(503);
    expect(await readyDuringOutage.json()).to.deep.include({ status: 'not_ready' }).and.nested.include({ 'checks.database': false });
    expect(metricsDuringOutage.status, 'metrics still answer, without the database gauges').to.equal(200);
    expect(await metricsDuringOutage.text()).to.include('helpdesk_importer_upstream_requests_total{client="acme",status="200"}');
    expect(serving).to.equal(200);
    expect((await fetch(`http://127.0.0.1:${apiPort}/api/ready`)).status, 'ready again once the database is back').to.equal(200);

    // The interrupted run ends, one way or the other, and never with the cursor ahead of the data.
    const status = await runStatus(location);
    expect(['succeeded', 'failed']).to.include(status);
    const { cursor, newest } = (await query<{ cursor: string; newest: Date }>(
      `SELECT (SELECT value FROM sync_cursors WHERE key = 'tickets:lastImportAt') AS cursor, (SELECT max(upstream_updated_at) FROM tickets) AS newest`,
    ))[0]!;
    expect(Date.parse(cursor)).to.be.at.most(newest.getTime());

    // A new run completes the import: the database equals the upstream.
    const again = await api('POST', '/api/jobs/import/acme');
    const againLocation = again.headers.get('location')!;
    const final = await runStatus(againLocation);
    expect(final).to.equal('succeeded');
    const pool = new pg.Pool({ connectionString: database.url });
    try {
      const [{ id }] = (await pool.query<{ id: string }>(`SELECT id FROM clients WHERE slug = 'acme'`)).rows as [{ id: string }];
      expect(await differencesFromUpstream(pool, id, dataset, false)).to.deep.equal([]);
    } finally {
      await pool.end();
    }
    expect(service.child.exitCode).to.equal(null);
  });
});
