import { expect } from 'chai';
import nock from 'nock';
import { insertClient, sql } from '../support/database.js';
import { useRunningApp, type RunningApp } from '../support/running-app.js';
import { page, upstreamTicket } from '../support/upstream-fixtures.js';

const ACME = 'https://acme.helpdesk.example';

describe('Job runs API (status, history, cancel)', () => {
  const running = useRunningApp();
  let app: RunningApp;
  beforeEach(() => (app = running()));

  it('when a trigger finished, then GET on its Location shows the run with per-client stats', async () => {
    await insertClient({ slug: 'acme', apiBaseUrl: `${ACME}/api/v1` });
    nock(ACME).get('/api/v1/ticket').query(true).reply(200, page([upstreamTicket('t-1', '2026-11-28T10:00:00.000Z')]));
    nock(ACME).get('/api/v1/ticket/t-1/messages').query(true).reply(200, page([]));
    const location = (await app.request('POST', '/api/jobs/import/acme')).headers.get('location')!;
    await app.jobsIdle();

    const response = await app.request('GET', location);
    const body = await response.json();

    expect(response.status).to.equal(200);
    expect(Object.keys(body).sort()).to.deep.equal(['cancelRequestedAt', 'clients', 'error', 'finishedAt', 'id', 'kind', 'params', 'requestedAt', 'slug', 'startedAt', 'stats', 'status', 'summary', 'trigger']);
    expect(body.clients).to.deep.equal({ href: `${location}/clients`, complete: true });
    expect(body.summary).to.deep.include({ clients: 1, byStatus: { queued: 0, running: 0, succeeded: 1, failed: 0, cancelled: 0 } });
    expect(body.summary.totals).to.include({ tickets: 1, messages: 0, upstreamRequests: 2 });
    expect(body).to.include({ kind: 'import', slug: 'acme', status: 'succeeded', trigger: 'manual', error: null, cancelRequestedAt: null });
    expect(body.params).to.deep.equal({});
    expect(location).to.equal(`/api/jobs/${body.id}`);
    expect(body.stats.acme).to.include({ status: 'succeeded', pages: 1, tickets: 1, messages: 0, upstreamRequests: 2, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: '2026-11-28T10:00:00.000Z' });
    expect(Date.parse(body.stats.acme.finishedAt)).to.be.at.least(Date.parse(body.stats.acme.startedAt));
  });

  it('when the id is unknown, then 404 {"error":"not_found"}; when malformed, then 400', async () => {
    const unknown = await app.request('GET', '/api/jobs/00000000-0000-4000-8000-000000000000');
    const malformed = await app.request('GET', '/api/jobs/not-a-uuid');

    expect(unknown.status).to.equal(404);
    expect((await unknown.json()).error).to.equal('not_found');
    expect(malformed.status).to.equal(400);
    expect(await malformed.json()).to.deep.equal({ error: 'invalid_job_id', message: 'job id must be a UUID' });
  });

  it('when runs are listed, then newest first, filtered by kind, slug and status, 20 by default and at most 100', async () => {
    for (const slug of ['a', 'b', 'c']) await app.request('POST', `/api/jobs/import/${slug}`);
    await app.request('POST', '/api/admin/sync/contacts?slug=a');
    await app.jobsIdle();

    const all = await (await app.request('GET', '/api/jobs')).json();
    const imports = await (await app.request('GET', '/api/jobs?kind=import&limit=2')).json();
    const ofA = await (await app.request('GET', '/api/jobs?slug=a&status=succeeded')).json();

    expect(all.jobs.map((j: { kind: string; slug: string }) => `${j.kind}:${j.slug}`)).to.deep.equal(['contacts-sync:a', 'import:c', 'import:b', 'import:a']);
    expect(imports.jobs.map((j: { slug: string }) => j.slug)).to.deep.equal(['c', 'b']);
    expect(ofA.jobs).to.have.length(2);
  });

  it('when list parameters are invalid, then 400 naming the parameter', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'kind=export', 'status=done', 'color=red']) {
      const response = await app.request('GET', `/api/jobs?${query}`);
      expect(response.status, query).to.equal(400);
      expect((await response.json()).message, query).to.include(query.split('=')[0]);
    }
  });

  it('when a queued run is cancelled, then it never starts; cancelling it again is 409', async () => {
    const { rows } = await sql().query(`INSERT INTO job_runs (kind, slug) VALUES ('import', 'acme') RETURNING id`);

    const cancelled = await app.request('DELETE', `/api/jobs/${rows[0].id}`);
    const again = await app.request('DELETE', `/api/jobs/${rows[0].id}`);

    expect(cancelled.status).to.equal(200);
    expect(await cancelled.json()).to.include({ status: 'cancelled' });
    expect(again.status).to.equal(409);
    expect((await again.json()).error).to.equal('conflict');
  });

  it('when a running run is cancelled, then it stops at its next checkpoint with a consistent cursor', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: `${ACME}/api/v1` });
    const full = Array.from({ length: 100 }, (_, i) => upstreamTicket(`t-${String(i).padStart(3, '0')}`, `2026-11-28T10:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`));
    full.sort((x, y) => x.updatedAt.localeCompare(y.updatedAt));
    let location = '';
    nock(ACME)
      .get('/api/v1/ticket')
      .query(true)
      .reply(200, async () => {
        // The cancel lands while the first page is being processed.
        await app.request('DELETE', location);
        return page(full);
      });
    nock(ACME).get(/\/api\/v1\/ticket\/.*\/messages/).query(true).times(100).optionally().reply(200, page([]));
    nock(ACME).get('/api/v1/ticket').query(true).optionally().reply(200, page([]));
    location = (await app.request('POST', '/api/jobs/import/acme')).headers.get('location')!;
    await app.jobsIdle();

    const run = await (await app.request('GET', location)).json();
    expect(run.status).to.equal('cancelled');
    expect(run.stats.acme).to.include({ status: 'cancelled' });
    const cursor = await sql().query(`SELECT value FROM sync_cursors WHERE client_id = $1`, [clientId]);
    const newest = await sql().query(`SELECT max(upstream_updated_at) AS newest FROM tickets`);
    expect(cursor.rows[0].value).to.equal(newest.rows[0].newest.toISOString());
  });

  it('when a finished or unknown run is cancelled, then 409 or 404', async () => {
    await app.request('POST', '/api/jobs/import/nobody');
    await app.jobsIdle();
    const [run] = (await sql().query('SELECT id FROM job_runs')).rows;

    const finished = await app.request('DELETE', `/api/jobs/${run.id}`);
    const unknown = await app.request('DELETE', '/api/jobs/00000000-0000-4000-8000-000000000000');

    expect(finished.status).to.equal(409);
    expect(unknown.status).to.equal(404);
  });

  it('when the token is missing, then the status, list and cancel endpoints answer 401', async () => {
    for (const [method, path] of [['GET', '/api/jobs'], ['GET', '/api/jobs/00000000-0000-4000-8000-000000000000'], ['DELETE', '/api/jobs/00000000-0000-4000-8000-000000000000']] as const) {
      const response = await app.request(method, path, { token: null });
      expect(response.status, `${method} ${path}`).to.equal(401);
    }
  });
});
