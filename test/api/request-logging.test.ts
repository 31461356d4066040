import { expect } from 'chai';
import nock from 'nock';
import { sql } from '../support/database.js';
import { ADMIN_TOKEN, useRunningApp, type RunningApp } from '../support/running-app.js';
import { page, upstreamMessage, upstreamTicket } from '../support/upstream-fixtures.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const ACME = 'https://acme.helpdesk.example';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Structured logs (request id, job id, client slug, redaction)', () => {
  const running = useRunningApp();
  let app: RunningApp;
  beforeEach(() => (app = running()));

  const requestLines = () => app.logger.lines.filter((line) => line.message === 'request completed');

  it('when any request is answered, then it carries an X-Request-Id and one log line with that id, method, URL and status', async () => {
    const response = await app.request('GET', '/api/jobs?limit=1');

    const requestId = response.headers.get('x-request-id');
    expect(requestId).to.match(UUID);
    expect(requestLines().map((line) => line.fields)).to.deep.include.members([
      { requestId, req: { method: 'GET', url: '/api/jobs?limit=1', remoteAddress: '127.0.0.1' }, res: { statusCode: 200 }, responseTime: requestLines()[0]!.fields.responseTime },
    ]);
  });

  it('when a proxy forwards a request id, then it is kept; a malformed one is replaced', async () => {
    const kept = await app.request('GET', '/api/jobs', { headers: { 'x-request-id': 'edge-4f1c.77:a' } });
    const replaced = await app.request('GET', '/api/jobs', { headers: { 'x-request-id': 'bad id\twith spaces' } });

    expect(kept.headers.get('x-request-id')).to.equal('edge-4f1c.77:a');
    expect(replaced.headers.get('x-request-id')).to.match(UUID);
    expect(requestLines().map((line) => line.fields.requestId)).to.deep.equal(['edge-4f1c.77:a', replaced.headers.get('x-request-id')]);
  });

  it('when a trigger queues a job, then its request line names the job id', async () => {
    const response = await app.request('POST', '/api/jobs/import/nobody');
    await app.jobsIdle();

    const jobId = response.headers.get('location')!.split('/').pop();
    expect(requestLines()[0]!.fields).to.include({ jobId, coalesced: false });
  });

  it('when a client is imported, then its job lines carry the job id and client slug, and no token appears anywhere', async () => {
    await app.request('POST', '/api/admin/clients', {
      headers: JSON_TYPE,
      body: JSON.stringify({ slug: 'acme', name: 'Acme', apiBaseUrl: `${ACME}/api/v1/`, apiToken: 'acme-secret-token-4242' }),
    });
    nock(ACME)
      .get('/api/v1/ticket')
      .query(true)
      .reply(200, page([upstreamTicket('t-1', '2026-11-28T10:00:00.000Z')]))
      .get('/api/v1/ticket/t-1/messages')
      .query(true)
      .reply(200, page([upstreamMessage('m-1', 't-1')]));
    await app.request('POST', '/api/jobs/import/acme', { token: 'wrong-token-guess' });

    const response = await app.request('POST', '/api/jobs/import/acme');
    await app.jobsIdle();

    const jobId = response.headers.get('location')!.split('/').pop();
    const finished = app.logger.lines.find((line) => line.message === 'client run finished');
    expect(finished?.fields).to.include({ jobId, kind: 'import', client: 'acme', tickets: 1, messages: 1 });
    expect(app.logger.lines.find((line) => line.message === 'client run started')?.fields).to.include({ jobId, client: 'acme' });
    const everything = JSON.stringify(app.logger.lines);
    for (const secret of ['acme-secret-token-4242', ADMIN_TOKEN, 'wrong-token-guess']) expect(everything).to.not.include(secret);
  });

  it('when a request fails unexpectedly, then its failure and its request line (at error level) carry the same request id', async () => {
    await sql().query('ALTER TABLE job_runs RENAME TO job_runs_away');
    try {
      const response = await app.request('POST', '/api/jobs/import');
      expect(response.status).to.equal(500);

      const requestId = response.headers.get('x-request-id');
      const failure = app.logger.lines.find((line) => line.message === 'request failed');
      const requestLine = app.logger.lines.find((line) => line.message === 'request errored');
      expect(failure).to.deep.include({ level: 'error' });
      expect(failure!.fields).to.include({ requestId });
      expect(requestLine).to.deep.include({ level: 'error' });
      expect(requestLine!.fields).to.deep.include({ requestId, res: { statusCode: 500 } });
    } finally {
      await sql().query('ALTER TABLE job_runs_away RENAME TO job_runs');
    }
  });

  it('when the probes are called, then they write no request line (orchestrators poll them every few seconds)', async () => {
    await app.request('GET', '/api/health', { token: null });
    await app.request('GET', '/api/ready', { token: null });

    expect(requestLines()).to.deep.equal([]);
  });
});
