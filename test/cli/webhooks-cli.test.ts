import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startService, type ServiceProcess } from '../../tools/shared/service-process.js';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { insertClient, sql, testDatabaseUrl, truncateAll } from '../support/database.js';
import { FINISHED, waitFor } from '../support/wait-for.js';
import { startWebhookReceiver, WEBHOOK_SECRET, type WebhookReceiver } from '../support/webhook-receiver.js';
import { runCli, type CliResult } from './run-cli.js';

const ADMIN_TOKEN = 'webhooks-cli-admin-token-0123456789';

describe('helpdesk-importer webhooks list|redeliver, against a running service with a failing receiver', function () {
  this.timeout(60_000);
  let simulator: UpstreamSimulator;
  let receiver: WebhookReceiver;
  let service: ServiceProcess;
  let serviceUrl: string;
  let dataDir: string;
  const printed: string[] = [];

  const cli = async (args: string[]): Promise<CliResult> => {
    const result = await runCli(args, { env: { HELPDESK_IMPORTER_URL: serviceUrl, ADMIN_TOKEN } });
    printed.push(result.stdout, result.stderr);
    return result;
  };

  before(async () => {
    await truncateAll();
    simulator = new UpstreamSimulator({ seed: 14 });
    const upstreamUrl = await simulator.listen();
    simulator.addAccount('acme-upstream-token-0123', 'acme', generateDataset(14, { tickets: 5, messagesPerTicket: 1, contacts: 0 }));
    await insertClient({ slug: 'acme', apiBaseUrl: upstreamUrl, apiToken: 'acme-upstream-token-0123' });
    receiver = await startWebhookReceiver();
    dataDir = await mkdtemp(join(tmpdir(), 'helpdesk-importer-webhooks-cli-'));
    service = startService({
      DATABASE_URL: testDatabaseUrl(),
      PORT: '0',
      ADMIN_TOKEN,
      DATA_DIR: dataDir,
      JOB_POLL_INTERVAL_SECONDS: '0.5',
      EXTERNAL_API_REQUESTS_PER_MINUTE: '100000',
      WEBHOOK_URL: `${receiver.url}/hooks`,
      WEBHOOK_SECRET,
    });
    serviceUrl = `http://127.0.0.1:${await service.listening}`;
  });
  after(async () => {
    await service?.kill();
    await receiver?.close();
    await simulator?.close();
    await rm(dataDir, { recursive: true, force: true });
    const everything = printed.join('\n') + service.output();
    for (const secret of [ADMIN_TOKEN, WEBHOOK_SECRET, 'acme-upstream-token-0123']) expect(everything.includes(secret), 'a secret was printed').to.equal(false);
  });

  it('when the receiver answers 500, then list shows each delivery pending with its attempt, last status and next attempt; after redeliver to a mended receiver it is delivered', async () => {
    receiver.behave(() => 500);

    const started = await cli(['import', 'acme', '--wait']);
    expect(started.code, started.stderr).to.equal(0);
    await waitFor(async () => {
      const { rows } = await sql().query(`SELECT 1 FROM webhook_deliveries WHERE last_status = '500' AND locked_until IS NULL`);
      return rows.length === 2;
    }, 'both first attempts to be answered 500');
    const list = await cli(['webhooks', 'list']);
    const pending = JSON.parse((await cli(['webhooks', 'list', '--status', 'pending', '--event', 'run.finished', '--json'])).stdout).deliveries;

    expect(list.code, list.stderr).to.equal(0);
    expect(list.stdout).to.match(/^ID\s+EVENT\s+CLIENT\s+TARGET\s+STATUS\s+ATTEMPTS\s+LAST\s+NEXT ATTEMPT\s+ERROR/);
    // Attempts may have grown meanwhile (a retry is due within seconds): the count is not the point here.
    expect(list.stdout).to.match(/client_run\.finished\s+acme\s+http:\/\/127\.0\.0\.1:\d+\/hooks\s+pending\s+\d+\s+500\s+\S+Z\s+HTTP 500/);
    expect(pending).to.have.length(1);
    expect(pending[0]).to.include({ event: 'run.finished', status: 'pending', lastStatus: '500' });
    expect(pending[0].attempts).to.be.at.least(1);
    expect(Date.parse(pending[0].nextAttemptAt)).to.be.greaterThan(Date.parse(pending[0].createdAt));

    receiver.behave(() => 200);
    const redelivered = await cli(['webhooks', 'redeliver', pending[0].id]);
    expect(redelivered.code, redelivered.stderr).to.equal(0);
    expect(redelivered.stdout).to.include(`delivery ${pending[0].id} (run.finished to ${receiver.url}/hooks) is pending again`);
    await waitFor(async () => receiver.of('run.finished').some((r) => r.answered === 200), 'the redelivery');
    const delivered = JSON.parse((await cli(['webhooks', 'list', '--event', 'run.finished', '--json'])).stdout).deliveries[0];
    expect(delivered).to.include({ status: 'delivered', lastStatus: '200', nextAttemptAt: null });
    expect(delivered.attempts).to.be.greaterThan(pending[0].attempts);
    expect(receiver.of('run.finished').every((r) => r.verified !== null && r.headers['webhook-id'] === delivered.webhookId)).to.equal(true);
    expect((await sql().query<{ status: string }>('SELECT status FROM job_runs')).rows.every((r) => FINISHED.includes(r.status))).to.equal(true);
  });

  it('when redeliver names no delivery or a bad id, then it exits 4 or 2', async () => {
    expect((await cli(['webhooks', 'redeliver', '00000000-0000-4000-8000-000000000000'])).code).to.equal(4);
    expect((await cli(['webhooks', 'redeliver', 'nope'])).code).to.equal(2);
  });

  it('when clients update sets --webhook-url, then show prints it; "none" removes it; a URL with credentials exits 2 naming webhookUrl', async () => {
    const set = await cli(['clients', 'update', 'acme', '--webhook-url', `${receiver.url}/acme`]);
    const refused = await cli(['clients', 'update', 'acme', '--webhook-url', 'https://user:pw@hooks.example.com/x']);
    const removed = await cli(['clients', 'update', 'acme', '--webhook-url', 'none', '--json']);

    expect(set.code, set.stderr).to.equal(0);
    expect(set.stdout).to.match(new RegExp(`webhook url\\s+${receiver.url}/acme`));
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.include('webhookUrl').and.include('credentials');
    expect(JSON.parse(removed.stdout).webhookUrl).to.equal(null);
  });
});
