import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { insertClient, sql, truncateAll } from '../support/database.js';
import { startApp, type RunningApp } from '../support/running-app.js';

describe('An HTTPS upstream with a self-signed certificate, through a whole import', () => {
  let simulator: UpstreamSimulator;
  let baseUrl: string;
  let dir: string;
  let app: RunningApp | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-importer-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    simulator = new UpstreamSimulator({ tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') } });
    baseUrl = await simulator.listen();
    simulator.addAccount('tls-token-123456', 'secure', generateDataset(51, { tickets: 30, messagesPerTicket: 2, contacts: 0 }));
  });
  after(async () => {
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => truncateAll());
  afterEach(async () => {
    await app?.jobsIdle();
    await app?.close();
    app = undefined;
  });

  const importOnce = async (tlsInsecure: boolean) => {
    app = await startApp({ upstream: { tlsInsecure } });
    await insertClient({ slug: 'secure', apiBaseUrl: baseUrl, apiToken: 'tls-token-123456' });
    const location = (await app.request('POST', '/api/jobs/import/secure')).headers.get('location')!;
    await app.jobsIdle();
    return (await app.request('GET', location)).json();
  };

  it('when certificates are verified (the default), then the import fails at once with a clear certificate error', async () => {
    const run = await importOnce(false);

    expect(run.status).to.equal('failed');
    expect(run.stats.secure.error).to.include('"secure"').and.include('certificate').and.include('EXTERNAL_API_TLS_INSECURE');
    expect(run.stats.secure.upstreamRequests).to.equal(1);
    expect((await sql().query('SELECT count(*)::int AS n FROM tickets')).rows[0].n).to.equal(0);
  });

  it('when EXTERNAL_API_TLS_INSECURE is on, then the same import succeeds', async () => {
    const run = await importOnce(true);

    expect(run.status).to.equal('succeeded');
    expect((await sql().query('SELECT count(*)::int AS n FROM tickets')).rows[0].n).to.equal(30);
    expect((await sql().query('SELECT count(*)::int AS n FROM messages')).rows[0].n).to.equal(60);
  });
});
