import { expect } from 'chai';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { insertClient, sql, testDatabaseUrl, truncateAll } from '../support/database.js';
import { startService, type ServiceProcess } from '../../tools/shared/service-process.js';
import { waitFor } from '../support/wait-for.js';

const ADMIN_TOKEN = 'durable-tests-admin-token-0123456789';

/** Service settings that make recovery observable within seconds. */
function serviceEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: testDatabaseUrl(),
    PORT: '0',
    ADMIN_TOKEN,
    DATA_DIR: '/tmp/helpdesk-importer-durable-tests',
    JOB_POLL_INTERVAL_SECONDS: '0.5',
    JOB_ORPHAN_AFTER_SECONDS: '2',
    EXTERNAL_API_REQUESTS_PER_MINUTE: '100000',
    EXTERNAL_API_MAX_RETRIES: '2',
    ...extra,
  };
}

async function trigger(port: number, path: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'x-admin-token': ADMIN_TOKEN } });
}

/** Each run with its clients' stats: their own rows while it runs (job_runs.stats is filled when it ends). */
const runs = async () =>
  (
    await sql().query(`SELECT id, kind, slug, status, error,
                         COALESCE((SELECT jsonb_object_agg(c.slug, c.stats) FROM job_run_clients c WHERE c.run_id = r.id), '{}') AS stats
                       FROM job_runs r ORDER BY requested_at`)
  ).rows;
const allFinished = async () => {
  const rows = await runs();
  return rows.length > 0 && rows.every((r) => ['succeeded', 'failed', 'cancelled'].includes(r.status)) ? rows : null;
};
const counts = async (clientId: string) =>
  (
    await sql().query(
      `SELECT (SELECT count(*)::int FROM tickets WHERE client_id = $1) AS tickets,
              (SELECT count(*)::int FROM messages WHERE client_id = $1) AS messages`,
      [clientId],
    )
  ).rows[0];

describe('Durable jobs across processes (pg-boss, real child processes)', function () {
  this.timeout(120_000);
  let simulator: UpstreamSimulator;
  let baseUrl: string;
  const services: ServiceProcess[] = [];
  const start = (extra?: Record<string, string>) => {
    const service = startService(serviceEnv(extra));
    services.push(service);
    return service;
  };

  beforeEach(async () => {
    await truncateAll();
    simulator = new UpstreamSimulator({ latencyMs: 30 });
    baseUrl = await simulator.listen();
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.kill()));
    await simulator.close();
  });

  it('when the process is killed before the job starts, then the trigger survives and runs on the next start', async () => {
    simulator.addAccount('tok-acme', 'acme', generateDataset(1, { tickets: 40, messagesPerTicket: 2, contacts: 0 }));
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: baseUrl, apiToken: 'tok-acme' });
    const apiOnly = start({ ROLE: 'api' });
    const apiPort = await apiOnly.listening;
    const response = await trigger(apiPort, '/api/jobs/import/acme');
    expect(response.status).to.equal(202);
    const metrics = await (await fetch(`http://127.0.0.1:${apiPort}/metrics`)).text();
    expect(metrics, 'no worker: the fan-out waits in the queue').to.include('helpdesk_importer_queue_depth{queue="job-run-fan-out"} 1');
    expect(metrics).to.include('helpdesk_importer_job_runs{kind="import",status="queued"} 1');

    await apiOnly.kill();
    await start().working;
    const [run] = await waitFor(allFinished, 'the run to finish');

    expect(run).to.include({ status: 'succeeded' });
    expect(await counts(clientId)).to.deep.equal({ tickets: 40, messages: 80 });
  });

  it('when the process is killed during a run, then a restart resumes from the checkpoint and ends with every row exactly once', async () => {
    simulator.addAccount('tok-acme', 'acme', generateDataset(2, { tickets: 500, messagesPerTicket: 2, contacts: 0 }));
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: baseUrl, apiToken: 'tok-acme' });
    const first = start();
    await trigger(await first.listening, '/api/jobs/import/acme');
    const cursorAtKill = await waitFor(async () => {
      const { rows } = await sql().query(`SELECT value FROM sync_cursors WHERE client_id = $1 AND key = 'tickets:lastImportAt'`, [clientId]);
      return rows[0]?.value as string | undefined;
    }, 'a first checkpoint');

    await first.kill();
    const requestsBefore = simulator.requests.length;
    await start().working;
    const [run] = await waitFor(allFinished, 'the resumed run to finish');

    expect(run).to.include({ status: 'succeeded' });
    expect(await counts(clientId)).to.deep.equal({ tickets: 500, messages: 1000 });
    const resumedFrom = simulator.requests.slice(requestsBefore).find((r) => r.path === '/ticket');
    const resumedAt = new URLSearchParams(resumedFrom!.query).get('updatedAtFrom')!;
    expect(Date.parse(resumedAt), 'resumed at or after the checkpoint seen before the kill').to.be.at.least(Date.parse(cursorAtKill));
  });

  it('when SIGTERM arrives during a run, then the process exits cleanly and the next start finishes the run', async () => {
    simulator.addAccount('tok-acme', 'acme', generateDataset(3, { tickets: 400, messagesPerTicket: 1, contacts: 0 }));
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: baseUrl, apiToken: 'tok-acme' });
    const first = start();
    await trigger(await first.listening, '/api/jobs/import/acme');
    await waitFor(async () => (await runs())[0]?.stats?.acme?.listedTickets >= 1, 'a first checkpoint');

    first.child.kill('SIGTERM');
    const exit = await first.finished;
    expect(exit.code).to.equal(0);
    expect((await runs())[0].status).to.equal('running');

    await start().working;
    const [run] = await waitFor(allFinished, 'the run to finish after restart');
    expect(run).to.include({ status: 'succeeded' });
    expect(await counts(clientId)).to.deep.equal({ tickets: 400, messages: 400 });
  });

  it('when SIGTERM arrives while a client waits for its rate budget, then the process still exits 0 with the default bounds, and the job is queued for a retry', async () => {
    simulator.addAccount('tok-acme', 'acme', generateDataset(6, { tickets: 250, messagesPerTicket: 1, contacts: 0 }));
    await insertClient({ slug: 'acme', apiBaseUrl: baseUrl, apiToken: 'tok-acme' });
    // One request a minute: after the first, the client waits far longer than any shutdown bound.
    const first = start({ EXTERNAL_API_REQUESTS_PER_MINUTE: '1' });
    await trigger(await first.listening, '/api/jobs/import/acme');
    await waitFor(async () => simulator.requests.length >= 1 && (await runs())[0]?.status === 'running', 'the first request');

    first.child.kill('SIGTERM');
    const exit = await first.finished;

    expect(exit.code, exit.output).to.equal(0);
    expect(exit.output).to.not.include('exiting anyway');
    const { rows } = await sql().query(`SELECT state FROM pgboss.job WHERE name = 'job-run-client'`);
    expect(rows).to.deep.equal([{ state: 'retry' }]);
  });

  it('when a running client\'s lease is taken over (its heartbeat cannot renew it), then the process survives and the run still completes once', async () => {
    simulator.addAccount('tok-acme', 'acme', generateDataset(5, { tickets: 500, messagesPerTicket: 1, contacts: 0 }));
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: baseUrl, apiToken: 'tok-acme' });
    const service = start();
    await trigger(await service.listening, '/api/jobs/import/acme');
    await waitFor(async () => (await runs())[0]?.stats?.acme?.listedTickets >= 1, 'a first checkpoint');

    // Another holder for a moment; its lease expires by itself, and the retry takes it then.
    const { rows } = await sql().query(`UPDATE client_leases SET owner = 'another-process', expires_at = now() + interval '2 seconds' WHERE key = $1 RETURNING key`, [`client:${clientId}`]);
    await waitFor(async () => service.output().includes('"msg":"a lease was lost'), 'the heartbeat to find the lease lost');
    const [run] = await waitFor(allFinished, 'the run to finish after the lock was lost');

    expect(rows.length).to.equal(1);
    expect(run).to.include({ status: 'succeeded' });
    expect(await counts(clientId)).to.deep.equal({ tickets: 500, messages: 500 });
    expect(service.child.exitCode).to.equal(null);
  });

  it('when two worker processes share 6 clients and "all" is triggered twice, then every client is imported and no client ever runs twice at once', async () => {
    simulator = await replaceSimulator(simulator, new UpstreamSimulator({ latencyMs: 60 }));
    baseUrl = await simulator.listen();
    const clients: { id: string; token: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const token = `tok-${i}`;
      simulator.addAccount(token, `client-${i}`, generateDataset(10 + i, { tickets: 120, messagesPerTicket: 1, contacts: 0 }));
      clients.push({ id: await insertClient({ slug: `client-${i}`, apiBaseUrl: baseUrl, apiToken: token }), token });
    }
    const a = start({ WORKER_CONCURRENCY: '2' });
    const b = start({ WORKER_CONCURRENCY: '2', ROLE: 'worker' });
    const port = await a.listening;
    await b.working;

    await trigger(port, '/api/jobs/import');
    await waitFor(async () => (await runs())[0]?.status === 'running', 'the first run to start');
    await trigger(port, '/api/jobs/import');
    const finished = await waitFor(async () => {
      const rows = await allFinished();
      return rows?.length === 2 ? rows : null;
    }, 'both runs to finish');

    expect(finished.map((r) => r.status)).to.deep.equal(['succeeded', 'succeeded']);
    for (const client of clients) expect(await counts(client.id)).to.deep.equal({ tickets: 120, messages: 120 });
    for (const client of clients) {
      // One import lists tickets one page at a time: two listings in flight at once for one token
      // would be two runs on that client at once, as the upstream sees it.
      expect(simulator.peakConcurrency(client.token, '/ticket'), `${client.token} listed by two runs at once`).to.equal(1);
    }
    for (let i = 0; i < 6; i++) {
      const intervals = finished
        .map((r) => r.stats[`client-${i}`])
        .filter((s) => s?.startedAt)
        .map((s) => [Date.parse(s.startedAt), Date.parse(s.finishedAt)] as const)
        .sort((x, y) => x[0] - y[0]);
      for (let k = 1; k < intervals.length; k++) expect(intervals[k]![0], `client-${i} runs overlap`).to.be.at.least(intervals[k - 1]![1]);
    }
    const served = new Set(finished.flatMap((r) => Object.keys(r.stats)));
    expect(served.size).to.equal(6);
    expect(a.output(), 'process A worked client jobs').to.include('"msg":"client run finished"');
    expect(b.output(), 'process B worked client jobs').to.include('"msg":"client run finished"');
  });

  it('when a client is triggered 50 times while its run is active, then exactly one follow-up run is queued and all 50 point at it', async () => {
    simulator = await replaceSimulator(simulator, new UpstreamSimulator({ latencyMs: 150 }));
    baseUrl = await simulator.listen();
    simulator.addAccount('tok-acme', 'acme', generateDataset(4, { tickets: 150, messagesPerTicket: 1, contacts: 0 }));
    await insertClient({ slug: 'acme', apiBaseUrl: baseUrl, apiToken: 'tok-acme' });
    const service = start();
    const port = await service.listening;
    const first = await trigger(port, '/api/jobs/import/acme');
    await waitFor(async () => (await runs())[0]?.status === 'running', 'the first run to start');

    const responses = await Promise.all(Array.from({ length: 50 }, () => trigger(port, '/api/jobs/import/acme')));
    const finished = await waitFor(async () => {
      const rows = await allFinished();
      return rows?.length === 2 ? rows : null;
    }, 'both runs to finish');

    const locations = new Set(responses.map((r) => r.headers.get('location')));
    expect(responses.every((r) => r.status === 202)).to.equal(true);
    expect(locations.size).to.equal(1);
    expect([...locations][0]).to.equal(`/api/jobs/${finished[1].id}`);
    expect(first.headers.get('location')).to.equal(`/api/jobs/${finished[0].id}`);
  });
});

async function replaceSimulator(old: UpstreamSimulator, replacement: UpstreamSimulator): Promise<UpstreamSimulator> {
  await old.close();
  return replacement;
}
