import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import nock from 'nock';
import { TOKENS } from '../../src/application/tokens.js';
import type { JobRunStore } from '../../src/domain/ports/job-run-store.port.js';
import { closeContainer, startWorkers } from '../../src/infrastructure/container.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { insertClient, sql, truncateAll } from '../support/database.js';
import { startApp, type RunningApp, type TestAppOptions } from '../support/running-app.js';
import { makeTestContainer } from '../support/test-container.js';
import { page, upstreamMessage, upstreamTicket } from '../support/upstream-fixtures.js';
import { waitFor } from '../support/wait-for.js';
import { startWebhookReceiver, WEBHOOK_SECRET, type WebhookReceiver } from '../support/webhook-receiver.js';

const json = (value: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

/** Nocks one client's upstream for an import of one ticket with one message. */
function upstreamOf(slug: string): string {
  const origin = `https://${slug}.helpdesk.example`;
  nock(origin)
    .get('/api/v1/ticket')
    .query(true)
    .reply(200, page([upstreamTicket(`${slug}-t1`, '2026-11-28T10:00:00.000Z')]))
    .get(`/api/v1/ticket/${slug}-t1/messages`)
    .query(true)
    .reply(200, page([upstreamMessage(`${slug}-m1`, `${slug}-t1`)]));
  return `${origin}/api/v1`;
}

async function importOf(app: RunningApp, slug: string): Promise<string> {
  const location = (await app.request('POST', `/api/jobs/import/${slug}`)).headers.get('location')!;
  return location.split('/').pop()!;
}

async function runStatus(id: string): Promise<string> {
  return (await sql().query<{ status: string }>('SELECT status FROM job_runs WHERE id = $1', [id])).rows[0]!.status;
}

interface DeliveryRow {
  event_type: string;
  target_url: string;
  status: string;
  attempts: number;
  last_status: string | null;
  locked_until: Date | null;
  webhook_id: string;
}

async function deliveries(): Promise<DeliveryRow[]> {
  return (await sql().query<DeliveryRow>('SELECT * FROM webhook_deliveries ORDER BY created_at, event_type')).rows;
}

describe('Webhooks: signed events when runs and client shares finish', function () {
  this.timeout(30_000);
  let app: RunningApp | undefined;
  let receiver: WebhookReceiver;

  async function start(options: TestAppOptions): Promise<RunningApp> {
    app = await startApp(options);
    return app;
  }

  beforeEach(async () => {
    await truncateAll();
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    await app?.jobsIdle();
    await app?.close();
    app = undefined;
    nock.cleanAll();
  });

  it('when an import of a client with its own webhookUrl finishes, then WEBHOOK_URL and the client’s receiver each get client_run.finished and run.finished, verified by standardwebhooks', async () => {
    const running = await start({ webhooks: { url: `${receiver.url}/global`, secret: WEBHOOK_SECRET } });
    const created = await running.request('POST', '/api/admin/clients', json({ slug: 'acme', name: 'Acme', apiBaseUrl: upstreamOf('acme'), apiToken: 'acme-secret-token-wxyz', webhookUrl: `${receiver.url}/acme` }));
    expect(created.status).to.equal(201);
    expect((await created.json()).webhookUrl).to.equal(`${receiver.url}/acme`);

    const runId = await importOf(running, 'acme');
    await running.jobsIdle();
    await waitFor(async () => receiver.received.length >= 4 && (await deliveries()).every((d) => d.status === 'delivered'), 'four deliveries');

    expect(receiver.received.map((r) => `${r.path} ${r.verified?.type}`).sort()).to.deep.equal(['/acme client_run.finished', '/acme run.finished', '/global client_run.finished', '/global run.finished']);
    for (const request of receiver.received) {
      expect(request.verified, request.body).to.not.equal(null);
      expect(request.headers['webhook-id']).to.match(/^msg_[0-9a-f]{32}$/);
      expect(request.headers['webhook-signature']).to.match(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(request.headers['content-type']).to.equal('application/json');
      expect(request.verified!.data.id).to.equal(runId);
      expect(request.body).to.not.include('acme-secret-token-wxyz').and.not.include(WEBHOOK_SECRET);
    }
    const [clientEvent] = receiver.of('client_run.finished');
    expect(clientEvent!.verified!.data).to.include({ kind: 'import', client: 'acme', status: 'succeeded', tickets: 1, messages: 1, cursorBefore: null, cursorAfter: '2026-11-28T10:00:00.000Z', error: null });
    const [runEvent] = receiver.of('run.finished');
    expect(runEvent!.verified!.data).to.include({ kind: 'import', slug: 'acme', trigger: 'manual', status: 'succeeded' });
    expect(runEvent!.verified!.data.clients).to.deep.equal({ href: `/api/jobs/${runId}/clients`, complete: true });
    // One event, one id, whichever receiver it went to.
    const ids = receiver.of('run.finished').map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).to.equal(1);
  });

  it('when the receiver answers 500 twice, then 200, then the event is delivered once after two retries on the backoff, with the same webhook-id each time', async () => {
    const clock = new FakeClock(new Date());
    const running = await start({ webhooks: { url: `${receiver.url}/hooks`, secret: WEBHOOK_SECRET }, clock });
    await insertClient({ slug: 'acme', apiBaseUrl: upstreamOf('acme') });
    const attemptsOf = new Map<string, number>();
    receiver.behave((request) => {
      const id = String(request.headers['webhook-id']);
      attemptsOf.set(id, (attemptsOf.get(id) ?? 0) + 1);
      return attemptsOf.get(id)! <= 2 ? 500 : 200;
    });
    const settled = (attempts: number) => async () => {
      const rows = await deliveries();
      return rows.length === 2 && rows.every((d) => d.attempts === attempts && d.locked_until === null);
    };

    const runId = await importOf(running, 'acme');
    await running.jobsIdle();
    await waitFor(settled(1), 'the first attempts');
    expect((await deliveries()).map((d) => [d.status, d.last_status])).to.deep.equal([['pending', '500'], ['pending', '500']]);
    clock.advance(5_000);
    await waitFor(settled(2), 'the first retries (due within 5 s)');
    clock.advance(10_000);
    await waitFor(settled(3), 'the second retries (due within 10 s more)');

    expect((await deliveries()).map((d) => [d.event_type, d.status, d.attempts, d.last_status])).to.deep.equal([
      ['client_run.finished', 'delivered', 3, '200'],
      ['run.finished', 'delivered', 3, '200'],
    ]);
    for (const type of ['client_run.finished', 'run.finished']) {
      const requests = receiver.of(type);
      expect(requests.map((r) => r.answered)).to.deep.equal([500, 500, 200]);
      expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).to.equal(1);
      expect(requests.every((r) => r.verified?.data.id === runId)).to.equal(true);
      // Each attempt is signed at its own time, on the injected clock.
      expect(requests.map((r) => Number(r.headers['webhook-timestamp'])).every((t, i, all) => i === 0 || t > all[i - 1]!)).to.equal(true);
    }
    const listed = await (await running.request('GET', '/api/webhooks/deliveries')).json();
    expect(listed.deliveries.map((d: { event: string; status: string; attempts: number; lastStatus: string; nextAttemptAt: string | null }) => [d.event, d.status, d.attempts, d.lastStatus, d.nextAttemptAt]).sort()).to.deep.equal([
      ['client_run.finished', 'delivered', 3, '200', null],
      ['run.finished', 'delivered', 3, '200', null],
    ]);
    const metrics = await (await running.request('GET', '/metrics', { token: null })).text();
    expect(metrics).to.include('helpdesk_importer_webhook_deliveries_total{event="run.finished",outcome="retried"} 2');
    expect(metrics).to.include('helpdesk_importer_webhook_deliveries_total{event="run.finished",outcome="delivered"} 1');
  });

  it('when the receiver answers 410, then the delivery fails at once, and a redelivery sends it again with the same webhook-id', async () => {
    const running = await start({ webhooks: { url: `${receiver.url}/hooks`, secret: WEBHOOK_SECRET } });
    await insertClient({ slug: 'acme', apiBaseUrl: upstreamOf('acme') });
    receiver.behave(() => 410);

    await importOf(running, 'acme');
    await running.jobsIdle();
    const failed = await waitFor(async () => {
      const { deliveries: list } = await (await running.request('GET', '/api/webhooks/deliveries?status=failed&event=run.finished')).json();
      return list.length === 1 ? list[0] : null;
    }, 'the run.finished delivery to fail');

    expect(failed).to.include({ status: 'failed', attempts: 1, lastStatus: '410', nextAttemptAt: null });
    expect(failed.lastError).to.include('HTTP 410').and.include('not retried');
    receiver.behave(() => 200);
    const redelivered = await running.request('POST', `/api/webhooks/deliveries/${failed.id}/redeliver`);
    expect(redelivered.status).to.equal(202);
    expect(await redelivered.json()).to.include({ id: failed.id, status: 'pending' });
    await waitFor(async () => receiver.of('run.finished').some((r) => r.answered === 200), 'the redelivery');
    const sent = receiver.of('run.finished');
    expect(sent.map((r) => r.answered)).to.deep.equal([410, 200]);
    expect(sent[1]!.headers['webhook-id']).to.equal(sent[0]!.headers['webhook-id']);
    const { deliveries: after } = await (await running.request('GET', '/api/webhooks/deliveries?event=run.finished')).json();
    expect(after[0]).to.include({ status: 'delivered', attempts: 2, lastStatus: '200' });
  });

  it('when the receiver takes 10 s per request, then a second import finishes succeeded while the receiver still holds the first request', async () => {
    const running = await start({ webhooks: { url: `${receiver.url}/slow`, secret: WEBHOOK_SECRET, concurrency: 1, timeoutMs: 30_000 } });
    await insertClient({ slug: 'acme', apiBaseUrl: upstreamOf('acme') });
    await insertClient({ slug: 'globex', apiBaseUrl: upstreamOf('globex') });
    receiver.behave(() => new Promise((resolve) => setTimeout(() => resolve(200), 10_000).unref()));

    await importOf(running, 'acme');
    await running.jobsIdle();
    await waitFor(async () => receiver.received.length === 1, 'the first webhook to reach the receiver');
    const second = await importOf(running, 'globex');
    await running.jobsIdle();

    expect(await runStatus(second)).to.equal('succeeded');
    expect(receiver.received).to.have.length(1);
    expect(receiver.received[0]!.answered).to.equal(undefined);
    expect((await deliveries()).filter((d) => d.status === 'pending')).to.have.length(4);
  });

  it('when no WEBHOOK_SECRET is configured, then finishing runs queues nothing', async () => {
    const running = await start({});
    await insertClient({ slug: 'acme', apiBaseUrl: upstreamOf('acme') });

    const runId = await importOf(running, 'acme');
    await running.jobsIdle();

    expect(await runStatus(runId)).to.equal('succeeded');
    expect(await deliveries()).to.deep.equal([]);
    expect((await (await running.request('GET', '/api/webhooks/deliveries')).json()).deliveries).to.deep.equal([]);
  });

  it('when only a client has a webhookUrl, then only that client’s receiver gets its events', async () => {
    const running = await start({ webhooks: { secret: WEBHOOK_SECRET } });
    await running.request('POST', '/api/admin/clients', json({ slug: 'acme', name: 'Acme', apiBaseUrl: upstreamOf('acme'), apiToken: 'acme-secret-token-wxyz', webhookUrl: `${receiver.url}/acme` }));
    await insertClient({ slug: 'globex', apiBaseUrl: upstreamOf('globex') });

    await running.request('POST', '/api/jobs/import');
    await running.jobsIdle();
    await waitFor(async () => (await deliveries()).every((d) => d.status === 'delivered') && receiver.received.length > 0, 'the client’s deliveries');

    // A run over several clients goes to WEBHOOK_URL only: a client's receiver sees no other client's figures.
    expect(receiver.received.map((r) => `${r.path} ${r.verified?.type} ${r.verified?.data.client}`)).to.deep.equal(['/acme client_run.finished acme']);
  });

  it('when a queued run is cancelled, then run.finished says cancelled', async () => {
    const running = await start({ webhooks: { url: `${receiver.url}/hooks`, secret: WEBHOOK_SECRET } });
    const { rows } = await sql().query<{ id: string }>(`INSERT INTO job_runs (kind, slug) VALUES ('import', 'acme') RETURNING id`);

    expect((await running.request('DELETE', `/api/jobs/${rows[0]!.id}`)).status).to.equal(200);
    await waitFor(async () => receiver.received.length === 1, 'run.finished');

    expect(receiver.received[0]!.verified).to.deep.include({ type: 'run.finished' });
    expect(receiver.received[0]!.verified!.data).to.include({ id: rows[0]!.id, status: 'cancelled', startedAt: null });
  });

  it('when an API-only process without the webhook settings cancels a queued run, then a worker that has them sends run.finished to its WEBHOOK_URL; a worker without WEBHOOK_URL fails it saying so', async () => {
    const api = makeTestContainer({ apiOnly: true }).container;
    const worker = makeTestContainer({ webhooks: { url: `${receiver.url}/workers`, secret: WEBHOOK_SECRET } }).container;
    try {
      const { run } = await api.resolve<JobRunStore>(TOKENS.JobRunStore).enqueue('import', 'acme', 'manual');
      await api.resolve<JobRunStore>(TOKENS.JobRunStore).requestCancel(run.id);
      expect((await deliveries()).map((d) => [d.event_type, d.target_url])).to.deep.equal([['run.finished', null]]);

      await startWorkers(worker);
      await waitFor(async () => (await deliveries())[0]?.status === 'delivered', 'the worker to deliver it');

      expect(receiver.received.map((r) => [r.path, r.verified?.type, r.verified?.data.id, r.verified?.data.status])).to.deep.equal([['/workers', 'run.finished', run.id, 'cancelled']]);
    } finally {
      await closeContainer(worker);
      await closeContainer(api);
    }

    const noUrl = makeTestContainer({ webhooks: { secret: WEBHOOK_SECRET } }).container;
    const api2 = makeTestContainer({ apiOnly: true }).container;
    try {
      const { run } = await api2.resolve<JobRunStore>(TOKENS.JobRunStore).enqueue('import', 'globex', 'manual');
      await api2.resolve<JobRunStore>(TOKENS.JobRunStore).requestCancel(run.id);
      await startWorkers(noUrl);
      const failed = await waitFor(async () => (await sql().query<{ status: string; last_status: string; last_error: string }>(`SELECT status, last_status, last_error FROM webhook_deliveries WHERE run_id = $1 AND status = 'failed'`, [run.id])).rows[0], 'the delivery to fail');

      expect(failed).to.include({ status: 'failed', last_status: 'no_receiver' });
      expect(failed!.last_error).to.include('WEBHOOK_URL');
      expect(receiver.received).to.have.length(1);
    } finally {
      await closeContainer(noUrl);
      await closeContainer(api2);
    }
  });

  describe('an HTTPS receiver with a self-signed certificate', () => {
    let tls: { key: string; cert: string };
    let httpsReceiver: WebhookReceiver;
    before(() => {
      const dir = mkdtempSync(join(tmpdir(), 'helpdesk-importer-webhook-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
      rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(async () => (httpsReceiver = await startWebhookReceiver(WEBHOOK_SECRET, tls)));
    afterEach(() => httpsReceiver.close());

    const queuedRunCancelled = async (running: RunningApp) => {
      const { rows } = await sql().query<{ id: string }>(`INSERT INTO job_runs (kind, slug) VALUES ('import', 'acme') RETURNING id`);
      await running.request('DELETE', `/api/jobs/${rows[0]!.id}`);
    };

    it('when certificates are verified (the default), then the attempt fails naming the certificate and WEBHOOK_TLS_INSECURE, and is retried', async () => {
      const running = await start({ webhooks: { url: `${httpsReceiver.url}/hooks`, secret: WEBHOOK_SECRET } });

      await queuedRunCancelled(running);
      const [row] = await waitFor(async () => {
        const { rows } = await sql().query<{ status: string; last_status: string; last_error: string }>(`SELECT status, last_status, last_error FROM webhook_deliveries WHERE last_status IS NOT NULL`);
        return rows.length ? rows : null;
      }, 'the first attempt');

      expect(row).to.include({ status: 'pending', last_status: 'network_error' });
      expect(row!.last_error).to.include('certificate').and.include('WEBHOOK_TLS_INSECURE');
      expect(httpsReceiver.received).to.deep.equal([]);
    });

    it('when WEBHOOK_TLS_INSECURE is on, then the same receiver gets the event', async () => {
      const running = await start({ webhooks: { url: `${httpsReceiver.url}/hooks`, secret: WEBHOOK_SECRET, tlsInsecure: true } });

      await queuedRunCancelled(running);
      await waitFor(async () => httpsReceiver.received.length === 1, 'run.finished over https');

      expect(httpsReceiver.received[0]!.verified).to.deep.include({ type: 'run.finished' });
    });
  });

  describe('the client API’s webhookUrl', () => {
    beforeEach(() => start({ webhooks: { secret: WEBHOOK_SECRET } }));
    const acme = { slug: 'acme', name: 'Acme', apiBaseUrl: 'https://acme.helpdesk.example/api/v1', apiToken: 'acme-secret-token-wxyz' };

    it('when it is not http(s) or carries credentials, then the client API answers 400 naming webhookUrl', async () => {
      for (const [webhookUrl, problem] of [
        ['ftp://hooks.example.com/in', 'http(s)'],
        ['https://user:secret@hooks.example.com/in', 'credentials'],
        ['not a url', 'absolute'],
        [42, 'http(s) URL'],
      ] as const) {
        const response = await app!.request('POST', '/api/admin/clients', json({ ...acme, webhookUrl }));
        const body = await response.json();
        expect(response.status, String(webhookUrl)).to.equal(400);
        expect(body.fields.webhookUrl, String(webhookUrl)).to.include(problem);
        expect(JSON.stringify(body)).to.not.include('secret@');
      }
      expect((await app!.request('GET', '/api/admin/clients')).status).to.equal(200);
      expect((await (await app!.request('GET', '/api/admin/clients')).json()).clients).to.deep.equal([]);
    });

    it('when it is set, changed and cleared with PATCH, then GET shows each value', async () => {
      await app!.request('POST', '/api/admin/clients', json(acme));
      expect((await (await app!.request('GET', '/api/admin/clients/acme')).json()).webhookUrl).to.equal(null);

      const set = await app!.request('PATCH', '/api/admin/clients/acme', json({ webhookUrl: 'https://hooks.example.com/acme' }));
      expect((await set.json()).webhookUrl).to.equal('https://hooks.example.com/acme');
      expect((await app!.request('PATCH', '/api/admin/clients/acme', json({ webhookUrl: 'ftp://x' }))).status).to.equal(400);
      await app!.request('PATCH', '/api/admin/clients/acme', json({ webhookUrl: null }));

      expect((await (await app!.request('GET', '/api/admin/clients/acme')).json()).webhookUrl).to.equal(null);
    });
  });

  describe('the deliveries API', () => {
    beforeEach(() => start({ webhooks: { secret: WEBHOOK_SECRET } }));

    it('when a filter or the limit is invalid or unknown, then it answers 400 naming the parameter', async () => {
      for (const [query, name] of [['status=lost', 'status'], ['event=run.started', 'event'], ['limit=0', 'limit'], ['limit=201', 'limit'], ['color=red', 'color']]) {
        const response = await app!.request('GET', `/api/webhooks/deliveries?${query}`);
        expect(response.status, query).to.equal(400);
        expect((await response.json()).message, query).to.match(new RegExp(`^${name}:`));
      }
    });

    it('when a redelivery names no delivery, then 404; an id that is not a UUID, then 400', async () => {
      expect((await app!.request('POST', '/api/webhooks/deliveries/00000000-0000-4000-8000-000000000000/redeliver')).status).to.equal(404);
      expect((await app!.request('POST', '/api/webhooks/deliveries/nope/redeliver')).status).to.equal(400);
    });
  });
});
