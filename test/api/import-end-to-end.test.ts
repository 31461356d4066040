import { expect } from 'chai';
import nock from 'nock';
import { insertClient, sql } from '../support/database.js';
import { ADMIN_TOKEN, useRunningApp, type RunningApp } from '../support/running-app.js';
import { page, upstreamContact, upstreamMessage, upstreamTicket } from '../support/upstream-fixtures.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const ACME = 'https://acme.helpdesk.example';
const GLOBEX = 'https://globex.helpdesk.example';

describe('Import and contacts sync end to end (HTTP API → nock upstream → PostgreSQL)', () => {
  const running = useRunningApp();
  let app: RunningApp;
  beforeEach(() => (app = running()));

  async function register(slug: string, baseUrl: string, apiToken: string): Promise<void> {
    const response = await app.request('POST', '/api/admin/clients', {
      headers: JSON_TYPE,
      body: JSON.stringify({ slug, name: slug, apiBaseUrl: `${baseUrl}/api/v1/`, apiToken }),
    });
    expect(response.status).to.equal(201);
  }

  it('when an import is triggered for all clients, then every ticket and message lands scoped by client and the cursor is the newest updatedAt', async () => {
    await register('acme', ACME, 'acme-token-123456');
    await register('globex', GLOBEX, 'globex-token-123456');
    const acme = nock(ACME, { reqheaders: { authorization: 'Bearer acme-token-123456' } })
      .get('/api/v1/ticket')
      .query({ updatedAtFrom: '1970-01-01T00:00:00.000Z', page: '1', limit: '100' })
      .reply(200, page([upstreamTicket('t-1', '2026-11-28T10:00:00.000Z', { brandNewField: 'kept' }), upstreamTicket('t-2', '2026-11-28T11:00:00.000Z')]))
      .get('/api/v1/ticket/t-1/messages')
      .query({ page: '1', limit: '100' })
      .reply(200, page([upstreamMessage('m-1', 't-1'), upstreamMessage('m-2', 't-1')]))
      .get('/api/v1/ticket/t-2/messages')
      .query({ page: '1', limit: '100' })
      .reply(404, { error: 'not found' });
    const globex = nock(GLOBEX, { reqheaders: { authorization: 'Bearer globex-token-123456' } })
      .get('/api/v1/ticket')
      .query(true)
      .reply(200, page([upstreamTicket('t-1', '2026-11-27T09:00:00.000Z')]))
      .get('/api/v1/ticket/t-1/messages')
      .query(true)
      .reply(200, page([upstreamMessage('m-1', 't-1')]));

    const response = await app.request('POST', '/api/jobs/import');
    await app.jobsIdle();

    expect(response.status).to.equal(202);
    expect(acme.isDone() && globex.isDone()).to.equal(true);
    const counts = await sql().query(`
      SELECT c.slug, (SELECT count(*)::int FROM tickets t WHERE t.client_id = c.id) AS tickets,
             (SELECT count(*)::int FROM messages m WHERE m.client_id = c.id) AS messages,
             (SELECT value FROM sync_cursors s WHERE s.client_id = c.id AND s.key = 'tickets:lastImportAt') AS cursor
      FROM clients c ORDER BY c.slug`);
    expect(counts.rows).to.deep.equal([
      { slug: 'acme', tickets: 2, messages: 2, cursor: '2026-11-28T11:00:00.000Z' },
      { slug: 'globex', tickets: 1, messages: 1, cursor: '2026-11-27T09:00:00.000Z' },
    ]);
    const raw = await sql().query(`SELECT raw FROM tickets WHERE external_uuid = 't-1' AND raw ? 'brandNewField'`);
    expect(raw.rows).to.have.length(1);
    const run = (await sql().query('SELECT status, stats FROM job_runs')).rows[0];
    expect(run.status).to.equal('succeeded');
    expect(run.stats.acme).to.include({ status: 'succeeded', tickets: 2, messages: 2, skippedTickets: 1, upstreamRequests: 3, cursorAfter: '2026-11-28T11:00:00.000Z' });
  });

  it('when upstream text holds NUL characters or oddly typed optional fields, then the ticket is stored anyway', async () => {
    await register('acme', ACME, 'acme-token-123456');
    nock(ACME)
      .get('/api/v1/ticket')
      .query(true)
      .reply(200, page([upstreamTicket('t-1', '2026-11-28T10:00:00.000Z', { subject: 'olá\u0000mundo', channel: { id: 7 }, closedAt: 'soon' })]))
      .get('/api/v1/ticket/t-1/messages')
      .query(true)
      .reply(200, page([{ ...upstreamMessage('m-1', 't-1'), body: 'a\u0000b', sender: 'not an object' }]));

    await app.request('POST', '/api/jobs/import/acme');
    await app.jobsIdle();

    const ticket = (await sql().query('SELECT subject, channel, closed_at, raw FROM tickets')).rows[0];
    expect(ticket).to.deep.include({ subject: 'olá\uFFFDmundo', channel: null, closed_at: null });
    expect(ticket.raw.channel).to.deep.equal({ id: 7 });
    const message = (await sql().query('SELECT body, sender_name FROM messages')).rows[0];
    expect(message).to.deep.equal({ body: 'a\uFFFDb', sender_name: null });
  });

  it('when nothing changed upstream since the last import, then the rerun makes exactly one upstream request', async () => {
    await register('acme', ACME, 'acme-token-123456');
    nock(ACME).get('/api/v1/ticket').query(true).reply(200, page([upstreamTicket('t-1', '2026-11-28T10:00:00.000Z')]));
    nock(ACME).get('/api/v1/ticket/t-1/messages').query(true).reply(200, page([upstreamMessage('m-1', 't-1')]));
    await app.request('POST', '/api/jobs/import/acme');
    await app.jobsIdle();
    const rerun = nock(ACME)
      .get('/api/v1/ticket')
      .query({ updatedAtFrom: '2026-11-28T10:00:00.000Z', page: '1', limit: '100' })
      .reply(200, page([upstreamTicket('t-1', '2026-11-28T10:00:00.000Z')]));

    await app.request('POST', '/api/jobs/import/acme');
    await app.jobsIdle();

    expect(rerun.isDone()).to.equal(true);
    const runs = (await sql().query('SELECT stats FROM job_runs ORDER BY requested_at')).rows;
    expect(runs[1].stats.acme.upstreamRequests).to.equal(1);
    expect((await sql().query('SELECT count(*)::int AS n FROM messages')).rows[0].n).to.equal(1);
  });

  it('when one client token is revoked, then its run fails naming the client while the other completes, and no token leaks', async () => {
    await register('acme', ACME, 'acme-revoked-token-999');
    await register('globex', GLOBEX, 'globex-token-123456');
    nock(ACME).get('/api/v1/ticket').query(true).reply(401, { error: 'invalid token' });
    nock(GLOBEX).get('/api/v1/ticket').query(true).reply(200, page([]));

    const response = await app.request('POST', '/api/jobs/import');
    await app.jobsIdle();

    const run = (await sql().query('SELECT status, stats, error FROM job_runs')).rows[0];
    expect(run.status).to.equal('failed');
    expect(run.stats.acme.status).to.equal('failed');
    expect(run.stats.acme.error).to.include('"acme"');
    expect(run.stats.globex.status).to.equal('succeeded');
    const everything = JSON.stringify(run) + JSON.stringify(app.logger.lines) + (await response.text());
    for (const secret of ['acme-revoked-token-999', 'globex-token-123456', ADMIN_TOKEN]) expect(everything).to.not.include(secret);
  });

  it('when contacts are synced, then contacts and exact tag sets land, unseen contacts are marked deleted and the page cursor resets', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: `${ACME}/api/v1` });
    const firstPage = Array.from({ length: 50 }, (_, i) => upstreamContact(`c-${String(i).padStart(3, '0')}`, [['t-1', 'VIP']]));
    nock(ACME)
      .get('/api/v1/contact')
      .query({ page: '1', limit: '50' })
      .reply(200, page(firstPage, 1, 50))
      .get('/api/v1/contact')
      .query({ page: '2', limit: '50' })
      .reply(200, page([upstreamContact('c-900', [['t-1', 'VIP'], ['t-2', 'Atraso']])], 2, 50));
    await app.request('POST', '/api/admin/sync/contacts?clientSlug=acme');
    await app.jobsIdle();
    // Second pass: c-000 is gone upstream and c-900 lost a tag.
    nock(ACME)
      .get('/api/v1/contact')
      .query({ page: '1', limit: '50' })
      .reply(200, page([...firstPage.slice(1), upstreamContact('c-900', [['t-2', 'Atraso']])], 1, 50))
      .get('/api/v1/contact')
      .query({ page: '2', limit: '50' })
      .reply(200, page([], 2, 50));

    await app.request('POST', '/api/admin/sync/contacts', { headers: JSON_TYPE, body: '{"slug":"acme"}' });
    await app.jobsIdle();

    const contacts = await sql().query('SELECT count(*)::int AS n, count(deleted_at)::int AS deleted FROM contacts WHERE client_id = $1', [clientId]);
    expect(contacts.rows[0]).to.deep.equal({ n: 51, deleted: 1 });
    const deleted = await sql().query('SELECT external_id FROM contacts WHERE deleted_at IS NOT NULL');
    expect(deleted.rows).to.deep.equal([{ external_id: 'c-000' }]);
    const tags = await sql().query(`SELECT t.name FROM contact_tags ct JOIN contacts c ON c.id = ct.contact_id JOIN tags t ON t.id = ct.tag_id WHERE c.external_id = 'c-900'`);
    expect(tags.rows).to.deep.equal([{ name: 'Atraso' }]);
    const cursor = await sql().query(`SELECT value FROM sync_cursors WHERE client_id = $1 AND key = 'contacts:page'`, [clientId]);
    expect(cursor.rows).to.deep.equal([{ value: '0' }]);
  });

  it('when the upstream keeps failing mid-pass, then the run fails and the contacts cursor keeps the last stored page', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: `${ACME}/api/v1` });
    const fullPage = Array.from({ length: 50 }, (_, i) => upstreamContact(`c-${i}`, []));
    nock(ACME).get('/api/v1/contact').query({ page: '1', limit: '50' }).reply(200, page(fullPage, 1, 50));
    nock(ACME).get('/api/v1/contact').query({ page: '2', limit: '50' }).times(3).reply(503, 'Service Unavailable');

    await app.request('POST', '/api/admin/sync/contacts?slug=acme');
    await app.jobsIdle();

    const run = (await sql().query('SELECT status, error FROM job_runs')).rows[0];
    expect(run.status).to.equal('failed');
    expect(run.error).to.include('acme');
    const cursor = await sql().query(`SELECT value FROM sync_cursors WHERE client_id = $1 AND key = 'contacts:page'`, [clientId]);
    expect(cursor.rows).to.deep.equal([{ value: '1' }]);
  });
});
