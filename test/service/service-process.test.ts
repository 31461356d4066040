import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testDatabaseUrl } from '../support/database.js';
import { startService } from '../../tools/shared/service-process.js';
import { waitFor } from '../support/wait-for.js';

describe('The service process (src/main.ts)', function () {
  this.timeout(30_000);
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'helpdesk-importer-service-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('when started without ADMIN_TOKEN outside production, then it generates one, prints it once, keeps it, and serves the API with it', async () => {
    const service = startService({ DATABASE_URL: testDatabaseUrl(), PORT: '0', DATA_DIR: dataDir });
    const port = await service.listening;
    const token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();

    const unauthorized = await fetch(`http://127.0.0.1:${port}/api/admin/clients`);
    const authorized = await fetch(`http://127.0.0.1:${port}/api/admin/clients`, { headers: { 'x-admin-token': token } });
    service.child.kill('SIGTERM');
    const { code, output } = await service.finished;

    expect(unauthorized.status).to.equal(401);
    expect(authorized.status).to.equal(200);
    expect(code).to.equal(0);
    expect(output.split(token).length - 1, 'the token is printed exactly once').to.equal(1);
    expect(output).to.include('shutting down');
  });

  it('when it serves, then /metrics (behind METRICS_TOKEN) has the process metrics too, and each request is one JSON line with its request id', async () => {
    const metricsToken = 'service-metrics-token-0123456789';
    const service = startService({ DATABASE_URL: testDatabaseUrl(), PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN: 'service-admin-token-0123456789', METRICS_TOKEN: metricsToken });
    const port = await service.listening;

    const refused = await fetch(`http://127.0.0.1:${port}/metrics`);
    const scraped = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${metricsToken}`, 'x-request-id': 'scrape-42' } });
    const text = await scraped.text();
    service.child.kill('SIGTERM');
    const { output } = await service.finished;

    expect(refused.status).to.equal(401);
    expect(scraped.status).to.equal(200);
    expect(text).to.include('helpdesk_importer_process_resident_memory_bytes').and.include('helpdesk_importer_nodejs_eventloop_lag_seconds');
    const requestLine = output.split('\n').map((line) => (line.startsWith('{') ? JSON.parse(line) : {})).find((line) => line.requestId === 'scrape-42');
    expect(requestLine).to.deep.include({ msg: 'request completed', res: { statusCode: 200 } });
    expect(requestLine.req).to.include({ method: 'GET', url: '/metrics' });
    expect(output).to.not.include(metricsToken);
  });

  it('when LOG_FORMAT=pretty, then the lines are rendered for a terminal instead of JSON', async () => {
    const service = startService({ DATABASE_URL: testDatabaseUrl(), PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN: 'service-admin-token-0123456789', LOG_FORMAT: 'pretty', ROLE: 'worker' });
    await waitFor(async () => service.output().includes('job workers started'), 'the workers to start');
    service.child.kill('SIGTERM');
    const { output } = await service.finished;

    expect(output).to.match(/INFO.*: job workers started/);
    expect(output).to.not.match(/^\{"level"/m);
  });

  it('when NODE_ENV=production and ADMIN_TOKEN is unset, then it refuses to start with a clear message', async () => {
    const service = startService({ NODE_ENV: 'production', DATABASE_URL: testDatabaseUrl(), DATA_DIR: dataDir });

    const { code, output } = await service.finished;

    expect(code).to.equal(1);
    expect(output).to.include('ADMIN_TOKEN: required when NODE_ENV=production');
  });

  it('when NODE_ENV=production and ADMIN_TOKEN is shorter than 24 characters, then it refuses to start', async () => {
    const service = startService({ NODE_ENV: 'production', ADMIN_TOKEN: 'too-short-token', DATABASE_URL: testDatabaseUrl(), DATA_DIR: dataDir });

    const { code, output } = await service.finished;

    expect(code).to.equal(1);
    expect(output).to.include('ADMIN_TOKEN: must be at least 24 characters when NODE_ENV=production');
    expect(output).to.not.include('too-short-token');
  });

  it('when a variable is invalid, then it refuses to start naming the variable', async () => {
    const service = startService({ EXTERNAL_API_REQUESTS_PER_MINUTE: 'lots', IMPORT_START_AT: 'yesterday', DATA_DIR: dataDir });

    const { code, output } = await service.finished;

    expect(code).to.equal(1);
    expect(output).to.include('EXTERNAL_API_REQUESTS_PER_MINUTE').and.include('IMPORT_START_AT');
    expect(output).to.not.include('    at ');
  });

  it('when EXTERNAL_API_TLS_INSECURE=true, then it warns at startup and never logs the admin token', async () => {
    const service = startService({ DATABASE_URL: testDatabaseUrl(), PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN: 'an-admin-token-that-must-stay-secret', EXTERNAL_API_TLS_INSECURE: 'true' });
    await service.listening;

    service.child.kill('SIGTERM');
    const { output } = await service.finished;

    expect(output).to.include('upstream TLS certificates are NOT verified');
    expect(output).to.not.include('an-admin-token-that-must-stay-secret');
  });
});
