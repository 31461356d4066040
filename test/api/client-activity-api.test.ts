import { expect } from 'chai';
import nock from 'nock';
import { insertClient, sql } from '../support/database.js';
import { useRunningApp, type RunningApp } from '../support/running-app.js';
import { page, upstreamContact, upstreamMessage, upstreamTicket } from '../support/upstream-fixtures.js';

const ACME = 'https://acme.helpdesk.example';

describe('Client activity API (GET /api/admin/client-activity) and runs paging', () => {
  const running = useRunningApp();
  let app: RunningApp;
  beforeEach(() => (app = running()));

  it('when a client was imported and synced, then its stored counts, cursors and latest run of each kind are listed with when and how long', async () => {
    await insertClient({ slug: 'acme', apiBaseUrl: `${ACME}/api/v1` });
    await insertClient({ slug: 'idle', apiBaseUrl: 'https://idle.example' });
    nock(ACME)
      .get('/api/v1/ticket')
      .query(true)
      .reply(200, page([upstreamTicket('t-1', '2026-11-28T10:00:00.000Z'), upstreamTicket('t-2', '2026-11-28T11:00:00.000Z')]))
      .get('/api/v1/ticket/t-1/messages')
      .query(true)
      .reply(200, page([upstreamMessage('m-1', 't-1'), upstreamMessage('m-2', 't-1')]))
      .get('/api/v1/ticket/t-2/messages')
      .query(true)
      .reply(200, page([upstreamMessage('m-3', 't-2')]))
      .get('/api/v1/contact')
      .query(true)
      .reply(200, page([upstreamContact('c-1', [['g-1', 'vip']])], 1, 50));
    const importRun = (await app.request('POST', '/api/jobs/import/acme')).headers.get('location')!;
    await app.jobsIdle();
    const syncRun = (await app.request('POST', '/api/admin/sync/contacts?slug=acme')).headers.get('location')!;
    await app.jobsIdle();

    const response = await app.request('GET', '/api/admin/client-activity');
    const { clients } = await response.json();

    expect(response.status).to.equal(200);
    expect(clients.map((c: { slug: string }) => c.slug)).to.deep.equal(['acme', 'idle']);
    const [acme, idle] = clients;
    expect(acme.stored).to.deep.equal({ tickets: 2, messages: 3, contacts: 1 });
    expect(acme.cursors).to.deep.equal({ 'tickets:lastImportAt': '2026-11-28T11:00:00.000Z', 'contacts:page': '0', 'contacts:pass': '1' });
    expect(Object.keys(acme.lastRuns).sort()).to.deep.equal(['contacts-sync', 'import']);
    expect(acme.lastRuns.import).to.include({ href: importRun, status: 'succeeded', error: null });
    expect(acme.lastRuns.import.stats).to.include({ tickets: 2, messages: 3, cursorBefore: null, cursorAfter: '2026-11-28T11:00:00.000Z' });
    expect(acme.lastRuns.import.durationMs).to.equal(Date.parse(acme.lastRuns.import.finishedAt) - Date.parse(acme.lastRuns.import.startedAt));
    expect(acme.lastRuns['contacts-sync']).to.include({ href: syncRun, status: 'succeeded' });
    expect(acme.lastRuns['contacts-sync'].stats).to.include({ contacts: 1 });
    expect(idle).to.deep.equal({ slug: 'idle', stored: { tickets: 0, messages: 0, contacts: 0 }, cursors: {}, lastRuns: {} });
  });

  it('when a client ran twice, then only its latest run of that kind is shown, queued included; a failure shows its error', async () => {
    await insertClient({ slug: 'acme', apiBaseUrl: `${ACME}/api/v1` });
    nock(ACME).get('/api/v1/ticket').query(true).reply(401);
    await app.request('POST', '/api/jobs/import/acme');
    await app.jobsIdle();
    const failed = (await (await app.request('GET', '/api/admin/client-activity')).json()).clients[0].lastRuns.import;
    const { rows } = await sql().query<{ id: string }>(`INSERT INTO job_runs (kind, slug) VALUES ('import', 'acme') RETURNING id`);
    await sql().query(`INSERT INTO job_run_clients (run_id, slug, stats) VALUES ($1, 'acme', '{"status":"queued","pages":0,"upstreamRequests":0,"retries":0,"rateLimited":0,"cursorBefore":null,"cursorAfter":null}')`, [rows[0]!.id]);

    const latest = (await (await app.request('GET', '/api/admin/client-activity')).json()).clients[0].lastRuns.import;

    expect(failed.status).to.equal('failed');
    expect(failed.error).to.be.a('string').and.match(/401|unauthori[sz]ed|token/i);
    expect(latest).to.include({ runId: rows[0]!.id, status: 'queued', startedAt: null, finishedAt: null, durationMs: null, error: null });
  });

  it('when a client is inactive, then it is still listed; without the right token, 401 like every admin route', async () => {
    await insertClient({ slug: 'dormant', apiBaseUrl: 'https://dormant.example', active: false });

    const listed = await (await app.request('GET', '/api/admin/client-activity')).json();
    const refused = await app.request('GET', '/api/admin/client-activity', { token: 'wrong' });

    expect(listed.clients.map((c: { slug: string }) => c.slug)).to.deep.equal(['dormant']);
    expect(refused.status).to.equal(401);
  });

  it('when runs are paged with before, then each page follows the last one without gaps or repeats, and next is null on the last', async () => {
    for (const slug of ['a', 'b', 'c', 'd', 'e']) await app.request('POST', `/api/jobs/import/${slug}`);
    await app.jobsIdle();

    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const query: string = before ? `?limit=2&before=${before}` : '?limit=2';
      const body: { jobs: { slug: string }[]; next: string | null } = await (await app.request('GET', `/api/jobs${query}`)).json();
      seen.push(...body.jobs.map((job) => job.slug));
      before = body.next;
      pages++;
    } while (before && pages < 10);
    const filtered = await (await app.request('GET', '/api/jobs?slug=c&limit=1')).json();
    const afterC = await (await app.request('GET', `/api/jobs?before=${filtered.jobs[0].id}&limit=10`)).json();
    const afterUnknown = await (await app.request('GET', '/api/jobs?before=00000000-0000-4000-8000-000000000000')).json();
    const invalid = await app.request('GET', '/api/jobs?before=yesterday');

    expect(seen).to.deep.equal(['e', 'd', 'c', 'b', 'a']);
    expect(pages).to.equal(3);
    expect(afterC.jobs.map((job: { slug: string }) => job.slug)).to.deep.equal(['b', 'a']);
    expect(afterC.next).to.equal(null);
    expect(afterUnknown).to.deep.equal({ jobs: [], next: null });
    expect(invalid.status).to.equal(400);
    expect((await invalid.json()).message).to.equal('before: must be a run id (a UUID)');
  });
});
