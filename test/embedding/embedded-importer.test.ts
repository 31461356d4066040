import { expect } from 'chai';
import nock from 'nock';
import { createImporter, type Importer } from '../../src/index.js';
import { sql, testDatabaseUrl, truncateAll } from '../support/database.js';
import { recordingLogger } from '../support/recording-logger.js';
import { page, upstreamContact, upstreamMessage, upstreamTicket } from '../support/upstream-fixtures.js';

const BASE = 'https://embedded.helpdesk.example';

describe('Embedding the importer in another service (src/index.ts)', () => {
  let importer: Importer;

  beforeEach(async () => {
    await truncateAll();
    importer = await createImporter({ databaseUrl: testDatabaseUrl(), logger: recordingLogger(), upstream: { backoffBaseMs: 5 } });
  });
  afterEach(async () => {
    await importer.close();
    nock.cleanAll();
  });

  it('when a host service registers a client and starts an import, then the job runs in its process and the rows land', async () => {
    nock(BASE).get('/v1/ticket').query(true).reply(200, page([upstreamTicket('t-1', '2026-11-28T10:00:00.000Z')]));
    nock(BASE).get('/v1/ticket/t-1/messages').query(true).reply(200, page([upstreamMessage('m-1', 't-1')]));
    await importer.useCases.registerClient.execute({ slug: 'host-client', name: 'Host', apiBaseUrl: `${BASE}/v1`, apiToken: 'host-token-123456' });

    const { run } = await importer.useCases.startJob.execute('import', 'host-client');
    await importer.whenIdle();

    expect(run.status).to.equal('queued');
    const { rows } = await sql().query('SELECT status FROM job_runs WHERE id = $1', [run.id]);
    expect(rows).to.deep.equal([{ status: 'succeeded' }]);
    expect((await sql().query('SELECT count(*)::int AS n FROM messages')).rows[0].n).to.equal(1);
    const metrics = await importer.metrics.metrics();
    expect(metrics).to.include('helpdesk_importer_rows_stored_total{table="messages"} 1');
    expect(metrics).to.include('helpdesk_importer_upstream_requests_total{client="host-client",status="200"} 2');
    expect(metrics).to.include('helpdesk_importer_job_runs{kind="import",status="succeeded"} 1');
    expect(metrics, 'process metrics are the host\'s business').to.not.include('process_cpu');
  });

  it("when the host's logger has only info, warn and error, then job lines still carry the job id and client slug", async () => {
    await importer.close();
    const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const record = (level: string) => (fields: object, message: string) => lines.push({ level, fields: fields as Record<string, unknown>, message });
    importer = await createImporter({ databaseUrl: testDatabaseUrl(), logger: { info: record('info'), warn: record('warn'), error: record('error') }, upstream: { backoffBaseMs: 5 } });
    nock(BASE).get('/v1/ticket').query(true).reply(200, page([]));
    await importer.useCases.registerClient.execute({ slug: 'host-client', name: 'Host', apiBaseUrl: `${BASE}/v1`, apiToken: 'host-token-123456' });

    const { run } = await importer.useCases.startJob.execute('import', 'host-client');
    await importer.whenIdle();

    expect(lines.find((line) => line.message === 'client run finished')?.fields).to.include({ jobId: run.id, kind: 'import', client: 'host-client' });
  });

  it('when a host service calls a use case directly, then it gets the report back', async () => {
    nock(BASE).get('/v1/contact').query({ page: '1', limit: '50' }).reply(200, page([upstreamContact('c-1', [['t-1', 'VIP']])], 1, 50));
    const client = await importer.useCases.registerClient.execute({ slug: 'host-client', name: 'Host', apiBaseUrl: `${BASE}/v1`, apiToken: 'host-token-123456' });

    const report = await importer.useCases.syncContacts.execute(client);

    expect(report).to.include({ pages: 1, contacts: 1, tags: 1, cursorAfter: '0' });
  });
});
