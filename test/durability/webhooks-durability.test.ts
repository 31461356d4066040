import { expect } from 'chai';
import { startService, type ServiceProcess } from '../../tools/shared/service-process.js';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { insertClient, sql, testDatabaseUrl, truncateAll } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';
import { startWebhookReceiver, WEBHOOK_SECRET, type WebhookReceiver } from '../support/webhook-receiver.js';

const ADMIN_TOKEN = 'webhook-durability-admin-token-0123456789';

describe('Webhooks survive a kill -9 right after a run finishes (real service processes)', function () {
  this.timeout(120_000);
  let simulator: UpstreamSimulator;
  let receiver: WebhookReceiver;
  const services: ServiceProcess[] = [];
  const start = (receiverUrl: string) => {
    const service = startService({
      DATABASE_URL: testDatabaseUrl(),
      PORT: '0',
      ADMIN_TOKEN,
      DATA_DIR: '/tmp/helpdesk-importer-webhook-durability-tests',
      JOB_POLL_INTERVAL_SECONDS: '0.5',
      JOB_ORPHAN_AFTER_SECONDS: '2',
      EXTERNAL_API_REQUESTS_PER_MINUTE: '100000',
      WEBHOOK_URL: receiverUrl,
      WEBHOOK_SECRET,
      // A dead process's claim on the delivery it was sending lasts this + 5 s.
      WEBHOOK_TIMEOUT_MS: '2000',
    });
    services.push(service);
    return service;
  };

  beforeEach(async () => {
    await truncateAll();
    simulator = new UpstreamSimulator({ latencyMs: 2 });
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.kill()));
    await receiver.close();
    await simulator.close();
  });

  it('when the process dies by kill -9 as its run.finished goes out, then the restarted service delivers it, with the same webhook-id', async () => {
    simulator.addAccount('tok-acme', 'acme', generateDataset(3, { tickets: 20, messagesPerTicket: 1, contacts: 0 }));
    await insertClient({ slug: 'acme', apiBaseUrl: await simulator.listen(), apiToken: 'tok-acme' });
    const first = start(`${receiver.url}/hooks`);
    // The first run.finished to arrive kills the sender before it hears an answer: the run has
    // just been committed finished, and the event was in flight.
    receiver.behave((request) => {
      if (request.verified?.type !== 'run.finished' || services.length > 1) return 200;
      first.child.kill('SIGKILL');
      return new Promise<number>(() => {});
    });
    const port = await first.listening;

    await fetch(`http://127.0.0.1:${port}/api/jobs/import/acme`, { method: 'POST', headers: { 'x-admin-token': ADMIN_TOKEN } });
    await first.finished;
    const { rows: before } = await sql().query(`SELECT r.status, d.status AS delivery, d.attempts FROM job_runs r JOIN webhook_deliveries d ON d.run_id = r.id AND d.event_type = 'run.finished'`);
    expect(before).to.deep.equal([{ status: 'succeeded', delivery: 'pending', attempts: 1 }]);

    const second = start(`${receiver.url}/hooks`);
    await second.working;
    const after = await waitFor(async () => {
      const { rows } = await sql().query<{ event_type: string; status: string; attempts: number }>(`SELECT event_type, status, attempts FROM webhook_deliveries ORDER BY event_type`);
      return rows.every((row) => row.status === 'delivered') ? rows : null;
    }, 'every event delivered by the restarted service', { timeoutMs: 60_000 });

    const sent = receiver.of('run.finished');
    expect(sent.length).to.equal(2);
    expect(sent.every((r) => r.verified !== null)).to.equal(true);
    expect(sent[1]!.headers['webhook-id']).to.equal(sent[0]!.headers['webhook-id']);
    expect(sent[1]!.answered).to.equal(200);
    // The client's event may have been in flight too when the process died: sent once or twice, delivered either way.
    expect(after.map((row) => row.event_type)).to.deep.equal(['client_run.finished', 'run.finished']);
    expect(after[1]!.attempts).to.equal(2);
  });
});
