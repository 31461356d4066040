import { expect } from 'chai';
import { sql, truncateAll } from '../support/database.js';
import { startApp, type RunningApp } from '../support/running-app.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const acme = { slug: 'acme', name: 'Acme', apiBaseUrl: 'https://acme.helpdesk.example/api/v1', apiToken: 'acme-secret-token-wxyz' };

describe('Clients admin API', () => {
  let app: RunningApp;

  beforeEach(async () => {
    await truncateAll();
    app = await startApp();
  });
  afterEach(() => app.close());

  const post = (body: unknown) => app.request('POST', '/api/admin/clients', { headers: JSON_TYPE, body: JSON.stringify(body) });

  it('when a client is registered, then it answers 201 with the client and a masked token', async () => {
    const response = await post(acme);
    const body = await response.json();

    expect(response.status).to.equal(201);
    expect(response.headers.get('location')).to.equal('/api/admin/clients/acme');
    expect(body).to.include({ slug: 'acme', name: 'Acme', active: true, apiBaseUrl: acme.apiBaseUrl, apiToken: '••••wxyz' });
    expect(body.id).to.match(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(body)).to.not.include('acme-secret-token');
  });

  it('when clients are listed or fetched, then the token never appears', async () => {
    await post(acme);

    const list = await (await app.request('GET', '/api/admin/clients')).text();
    const one = await app.request('GET', '/api/admin/clients/acme');

    expect(JSON.parse(list).clients.map((c: { slug: string }) => c.slug)).to.deep.equal(['acme']);
    expect(list).to.not.include('acme-secret-token');
    expect(one.status).to.equal(200);
    expect((await one.json()).apiToken).to.equal('••••wxyz');
  });

  it('when the slug is taken, then it answers 409', async () => {
    await post(acme);

    const response = await post({ ...acme, name: 'Again' });

    expect(response.status).to.equal(409);
    expect(await response.json()).to.deep.equal({ error: 'conflict', message: 'a client with slug "acme" already exists' });
  });

  it('when fields are invalid, then it answers 400 naming each field', async () => {
    const response = await post({ slug: 'Not A Slug', name: '', apiBaseUrl: 'ftp://x', apiToken: 42, extra: true });
    const body = await response.json();

    expect(response.status).to.equal(400);
    expect(body.error).to.equal('validation_failed');
    expect(Object.keys(body.fields).sort()).to.deep.equal(['apiBaseUrl', 'apiToken', 'extra', 'name', 'slug']);
    expect(body.message).to.include('slug');
  });

  it('when required fields are missing, then it answers 400 naming them', async () => {
    const response = await post({});
    const body = await response.json();

    expect(response.status).to.equal(400);
    expect(Object.keys(body.fields).sort()).to.deep.equal(['apiBaseUrl', 'apiToken', 'name', 'slug']);
  });

  it('when a client is patched, then only the given fields change and the slug stays', async () => {
    await post(acme);

    const response = await app.request('PATCH', '/api/admin/clients/acme', { headers: JSON_TYPE, body: JSON.stringify({ active: false, apiToken: 'new-secret-token-1234' }) });
    const body = await response.json();

    expect(response.status).to.equal(200);
    expect(body).to.include({ slug: 'acme', name: 'Acme', active: false, apiToken: '••••1234' });
  });

  it('when a client is registered without a rate plan, then requestsPerMinute shows null (the service default)', async () => {
    const created = await (await post(acme)).json();
    const fetched = await (await app.request('GET', '/api/admin/clients/acme')).json();

    expect(created.requestsPerMinute).to.equal(null);
    expect(fetched.requestsPerMinute).to.equal(null);
  });

  it('when a client is registered with requestsPerMinute, then it is stored, shown, changed by PATCH and reset with null', async () => {
    const created = await (await post({ ...acme, requestsPerMinute: 120 })).json();
    const patch = (body: unknown) => app.request('PATCH', '/api/admin/clients/acme', { headers: JSON_TYPE, body: JSON.stringify(body) });

    const raised = await (await patch({ requestsPerMinute: 700 })).json();
    const listed = (await (await app.request('GET', '/api/admin/clients')).json()).clients[0];
    const reset = await (await patch({ requestsPerMinute: null })).json();
    const { rows } = await sql().query('SELECT requests_per_minute FROM clients WHERE slug = $1', ['acme']);

    expect(created.requestsPerMinute).to.equal(120);
    expect(raised).to.include({ requestsPerMinute: 700, name: 'Acme', active: true });
    expect(listed.requestsPerMinute).to.equal(700);
    expect(reset.requestsPerMinute).to.equal(null);
    expect(rows[0].requests_per_minute).to.equal(null);
  });

  it('when requestsPerMinute is not a positive whole number up to 100000, then it answers 400 naming that field', async () => {
    const bad = [0, -5, 1.5, 100_001, '60', true];
    const statuses: number[] = [];
    const fields: string[][] = [];
    for (const requestsPerMinute of bad) {
      const response = await post({ ...acme, requestsPerMinute });
      statuses.push(response.status);
      fields.push(Object.keys((await response.json()).fields ?? {}));
    }
    await post(acme);
    const patched = await app.request('PATCH', '/api/admin/clients/acme', { headers: JSON_TYPE, body: JSON.stringify({ requestsPerMinute: 0 }) });
    const patchedBody = await patched.json();

    expect(statuses).to.deep.equal(bad.map(() => 400));
    expect(fields).to.deep.equal(bad.map(() => ['requestsPerMinute']));
    expect(patched.status).to.equal(400);
    expect(patchedBody.fields.requestsPerMinute).to.include('whole number from 1 to 100000');
    expect((await (await app.request('GET', '/api/admin/clients/acme')).json()).requestsPerMinute).to.equal(null);
  });

  it('when requests_per_minute is set with plain SQL, then the API shows it, and a value of 0 is refused by the database', async () => {
    await post(acme);

    await sql().query('UPDATE clients SET requests_per_minute = 120 WHERE slug = $1', ['acme']);
    const shown = await (await app.request('GET', '/api/admin/clients/acme')).json();
    const refused = await sql()
      .query('UPDATE clients SET requests_per_minute = 0 WHERE slug = $1', ['acme'])
      .then(() => null, (error: { code?: string }) => error.code);

    expect(shown.requestsPerMinute).to.equal(120);
    expect(refused).to.equal('23514');
  });

  it('when an unknown client is fetched or patched, then it answers 404', async () => {
    const get = await app.request('GET', '/api/admin/clients/nobody');
    const patch = await app.request('PATCH', '/api/admin/clients/nobody', { headers: JSON_TYPE, body: '{"active":false}' });

    expect(get.status).to.equal(404);
    expect((await get.json()).error).to.equal('not_found');
    expect(patch.status).to.equal(404);
  });

  it('when a patch tries to change the slug or sends a wrong type, then it answers 400', async () => {
    await post(acme);

    const renamed = await app.request('PATCH', '/api/admin/clients/acme', { headers: JSON_TYPE, body: '{"slug":"other"}' });
    const wrongType = await app.request('PATCH', '/api/admin/clients/acme', { headers: JSON_TYPE, body: '{"active":"yes"}' });

    expect(renamed.status).to.equal(400);
    expect((await renamed.json()).fields).to.deep.equal({ slug: 'is not a known field' });
    expect(wrongType.status).to.equal(400);
    expect((await wrongType.json()).fields).to.have.property('active');
  });

  it('when text fields hold control characters or the URL carries credentials, then it answers 400, not 500', async () => {
    const response = await post({ ...acme, name: 'A\u0000B', apiBaseUrl: 'https://user:secret@acme.example/api' });
    const body = await response.json();

    expect(response.status).to.equal(400);
    expect(Object.keys(body.fields).sort()).to.deep.equal(['apiBaseUrl', 'name']);
    expect(JSON.stringify(body)).to.not.include('secret');
  });

  it('when the base URL is no URL at all, then it answers 400 naming it, not 500, on create and on change', async () => {
    const created = await post({ ...acme, apiBaseUrl: 'not a url' });
    await post(acme);
    const changed = await app.request('PATCH', '/api/admin/clients/acme', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiBaseUrl: 'http//missing-colon' }) });

    expect(created.status).to.equal(400);
    expect((await created.json()).fields).to.deep.equal({ apiBaseUrl: 'must be an http(s) URL' });
    expect(changed.status).to.equal(400);
    expect((await changed.json()).fields).to.deep.equal({ apiBaseUrl: 'must be an http(s) URL' });
  });

  it('when a slug no client could have is fetched, then it answers 404, not 500', async () => {
    for (const slug of ['%00', 'UPPER', 'a'.repeat(300)]) {
      const response = await app.request('GET', `/api/admin/clients/${slug}`);
      expect(response.status, slug).to.equal(404);
    }
  });

  it('when the body is broken JSON, then it answers 400 invalid_json', async () => {
    const response = await app.request('POST', '/api/admin/clients', { headers: JSON_TYPE, body: '{"slug":' });

    expect(response.status).to.equal(400);
    expect((await response.json()).error).to.equal('invalid_json');
  });
});
