import { expect } from 'chai';
import { startService, type ServiceProcess } from '../../tools/shared/service-process.js';
import { differencesFromUpstream } from '../../tools/shared/verify-against-simulator.js';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { insertClient, sql, testDatabaseUrl, truncateAll } from '../support/database.js';
import { FINISHED, waitFor } from '../support/wait-for.js';

const ADMIN_TOKEN = 'kill-points-admin-token-0123456789';
const env = () => ({
  DATABASE_URL: testDatabaseUrl(),
  PORT: '0',
  ADMIN_TOKEN,
  DATA_DIR: '/tmp/helpdesk-importer-kill-tests',
  JOB_POLL_INTERVAL_SECONDS: '0.5',
  JOB_ORPHAN_AFTER_SECONDS: '1',
  EXTERNAL_API_REQUESTS_PER_MINUTE: '100000',
});

const cursorOf = async (clientId: string, key: string) =>
  (await sql().query<{ value: string }>('SELECT value FROM sync_cursors WHERE client_id = $1 AND key = $2', [clientId, key])).rows[0]?.value ?? null;

function waitForRun(): Promise<{ status: string }> {
  return waitFor(async () => {
    const { rows } = await sql().query<{ status: string }>('SELECT status FROM job_runs ORDER BY requested_at DESC LIMIT 1');
    return rows[0] && FINISHED.includes(rows[0].status) ? rows[0] : null;
  }, 'the run to finish', { timeoutMs: 60_000 });
}

describe('kill -9 at five points of an import and of a contacts sync, then restart', function () {
  this.timeout(60_000);
  let simulator: UpstreamSimulator;
  const services: ServiceProcess[] = [];

  beforeEach(() => truncateAll());
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.kill()));
    await simulator.close();
  });

  const cases = [
    ...[2, 40, 110, 190, 280].map((n) => ({ kind: 'import' as const, path: '/ticket', killAt: n })),
    ...[1, 2, 3, 5, 6].map((n) => ({ kind: 'contacts-sync' as const, path: '/contact', killAt: n })),
  ];
  for (const { kind, killAt } of cases) {
    it(`when the ${kind} process dies at upstream request ${killAt}, then a restart resumes from its checkpoint and the database equals the upstream`, async () => {
      simulator = new UpstreamSimulator({ latencyMs: 3 });
      const baseUrl = await simulator.listen();
      const dataset = generateDataset(40 + killAt, { tickets: kind === 'import' ? 300 : 0, messagesPerTicket: 1, contacts: kind === 'contacts-sync' ? 270 : 0 });
      simulator.addAccount('tok-acme', 'acme', dataset);
      const clientId = await insertClient({ slug: 'acme', apiBaseUrl: baseUrl, apiToken: 'tok-acme' });
      const first = startService(env());
      services.push(first);
      let seen = 0;
      simulator.onRequest = () => {
        if (++seen === killAt) first.child.kill('SIGKILL');
      };
      const apiPort = await first.listening;
      await fetch(`http://127.0.0.1:${apiPort}${kind === 'import' ? '/api/jobs/import/acme' : '/api/admin/sync/contacts?slug=acme'}`, { method: 'POST', headers: { 'x-admin-token': ADMIN_TOKEN } });
      await first.finished;
      simulator.onRequest = undefined;
      const checkpoint = await cursorOf(clientId, kind === 'import' ? 'tickets:lastImportAt' : 'contacts:page');
      const requestsBefore = simulator.requests.length;

      const second = startService(env());
      services.push(second);
      const run = await waitForRun();

      expect(run.status).to.equal('succeeded');
      expect(await differencesFromUpstream(sql(), clientId, dataset, kind === 'contacts-sync')).to.deep.equal([]);
      const resumed = simulator.requests.slice(requestsBefore).find((r) => r.path === (kind === 'import' ? '/ticket' : '/contact'))!;
      const query = new URLSearchParams(resumed.query);
      if (kind === 'import' && checkpoint) expect(query.get('updatedAtFrom')).to.equal(checkpoint);
      if (kind === 'contacts-sync') expect(Number(query.get('page'))).to.equal(Number(checkpoint ?? 0) + 1);
    });
  }
});
