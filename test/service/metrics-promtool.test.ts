import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { startService } from '../../tools/shared/service-process.js';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { sql, testDatabaseUrl, truncateAll } from '../support/database.js';
import { FINISHED, waitFor } from '../support/wait-for.js';

const ADMIN_TOKEN = 'promtool-admin-token-0123456789';
const METRICS_TOKEN = 'promtool-metrics-token-0123456789';
/** Where scripts/install-promtool.sh (run by .ci/run) puts it; PROMTOOL or the PATH otherwise. */
const LOCAL_PROMTOOL = new URL('../../.tools/promtool/usr/bin/promtool', import.meta.url).pathname;

function findPromtool(): string | null {
  if (process.env.PROMTOOL) return process.env.PROMTOOL;
  if (existsSync(LOCAL_PROMTOOL)) return LOCAL_PROMTOOL;
  return spawnSync('promtool', ['--version']).status === 0 ? 'promtool' : null;
}

describe('The metrics exposition, as Prometheus checks it', function () {
  this.timeout(60_000);

  beforeEach(() => truncateAll());

  it('when the service has run an import, then `promtool check metrics` finds nothing in GET /metrics', async function () {
    const promtool = findPromtool();
    if (!promtool) {
      // CI installs it (.ci/run); on a developer's machine `bash scripts/install-promtool.sh` does.
      if (process.env.CI) throw new Error('promtool is missing: run scripts/install-promtool.sh');
      this.skip();
    }
    const simulator = new UpstreamSimulator({ seed: 3 });
    const baseUrl = await simulator.listen();
    simulator.addAccount('promtool-client-token', 'acme', generateDataset(3, { tickets: 20, messagesPerTicket: 2, contacts: 0 }));
    await sql().query(`INSERT INTO clients (slug, name, api_base_url, api_token) VALUES ('acme', 'Acme', $1, 'promtool-client-token')`, [baseUrl]);
    const service = startService({ DATABASE_URL: testDatabaseUrl(), PORT: '0', ADMIN_TOKEN, METRICS_TOKEN, DATA_DIR: '/tmp/helpdesk-importer-promtool', JOB_POLL_INTERVAL_SECONDS: '0.5' });
    try {
      const port = await service.listening;
      const location = (await fetch(`http://127.0.0.1:${port}/api/jobs/import`, { method: 'POST', headers: { 'x-admin-token': ADMIN_TOKEN } })).headers.get('location');
      await waitFor(async () => {
        const run = (await (await fetch(`http://127.0.0.1:${port}${location}`, { headers: { 'x-admin-token': ADMIN_TOKEN } })).json()) as { status: string };
        return FINISHED.includes(run.status);
      }, 'the import to finish');
      const exposition = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();

      const check = spawnSync(promtool!, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });

      expect(exposition).to.include('helpdesk_importer_upstream_requests_total{client="acme",status="200"}').and.include('helpdesk_importer_job_run_duration_seconds_bucket');
      expect(`${check.stdout}${check.stderr}`.trim(), 'promtool findings').to.equal('');
      expect(check.status).to.equal(0);
    } finally {
      await service.kill();
      await simulator.close();
    }
  });
});
