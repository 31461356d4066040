import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { ADMIN_TOKEN, useRunningApp, type RunningApp } from '../support/running-app.js';

const JSON_TYPE = { 'content-type': 'application/json' };

interface Case {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  token?: string | null;
}

/** Sends a request with raw control over headers (duplicates included), without fetch's checks. */
function rawRequest(url: string, method: string, path: string, headers: [string, string][], body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    // A header given twice is sent as two lines.
    const merged: Record<string, string | string[]> = {};
    for (const [name, value] of headers) {
      const existing = merged[name];
      merged[name] = existing === undefined ? value : [...[existing].flat(), value];
    }
    const req = httpRequest(`${url}${path}`, { method, headers: merged }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

describe('Bad input catalogue: malformed requests get a clear JSON answer, never a 5xx', () => {
  const running = useRunningApp();
  let app: RunningApp;
  beforeEach(() => (app = running()));

  const cases: Case[] = [
    { name: 'GET on a trigger', method: 'GET', path: '/api/jobs/import' },
    { name: 'PUT on a trigger', method: 'PUT', path: '/api/jobs/import/acme' },
    { name: 'DELETE on the contacts sync', method: 'DELETE', path: '/api/admin/sync/contacts' },
    { name: 'PATCH on the client list', method: 'PATCH', path: '/api/admin/clients', headers: JSON_TYPE, body: '{}' },
    { name: 'an unknown route', method: 'POST', path: '/api/jobs/export' },
    { name: 'a method the router does not know (PROPFIND)', method: 'PROPFIND', path: '/api/jobs' },
    { name: 'a route outside /api', method: 'GET', path: '/' },
    { name: 'a trailing slash', method: 'POST', path: '/api/jobs/import/' },
    { name: 'a NUL in the slug', method: 'POST', path: '/api/jobs/import/%00' },
    { name: 'a newline in the slug', method: 'POST', path: '/api/jobs/import/a%0Ab' },
    { name: 'a 201-character slug', method: 'POST', path: `/api/jobs/import/${'x'.repeat(201)}` },
    { name: 'a 5,000-character slug', method: 'POST', path: `/api/jobs/import/${'x'.repeat(5000)}` },
    { name: 'a broken percent-encoding', method: 'POST', path: '/api/jobs/import/%E0%A4%A' },
    { name: 'a unicode slug', method: 'POST', path: `/api/jobs/import/${encodeURIComponent('açaí-🍧')}` },
    { name: 'an encoded slash', method: 'POST', path: '/api/jobs/import/a%2Fb' },
    { name: 'dot segments', method: 'POST', path: '/api/jobs/import/..%2F..%2Fetc' },
    { name: 'a repeated clientSlug', method: 'POST', path: '/api/admin/sync/contacts?clientSlug=a&clientSlug=b' },
    { name: 'a bracketed query', method: 'POST', path: '/api/admin/sync/contacts?clientSlug[x]=1' },
    { name: 'a NUL in the query', method: 'POST', path: '/api/admin/sync/contacts?slug=%00' },
    { name: 'truncated JSON', method: 'POST', path: '/api/admin/sync/contacts', headers: JSON_TYPE, body: '{"clientSlug":"a' },
    { name: 'a JSON string body', method: 'POST', path: '/api/admin/sync/contacts', headers: JSON_TYPE, body: '"acme"' },
    { name: 'a JSON array body', method: 'POST', path: '/api/admin/sync/contacts', headers: JSON_TYPE, body: '[1,2]' },
    { name: 'JSON null', method: 'POST', path: '/api/admin/sync/contacts', headers: JSON_TYPE, body: 'null' },
    { name: 'a numeric slug', method: 'POST', path: '/api/admin/sync/contacts', headers: JSON_TYPE, body: '{"slug":7}' },
    { name: 'an object slug', method: 'POST', path: '/api/admin/sync/contacts', headers: JSON_TYPE, body: '{"clientSlug":{"$ne":null}}' },
    { name: 'a NUL in a JSON slug', method: 'POST', path: '/api/admin/sync/contacts', headers: JSON_TYPE, body: '{"slug":"a\\u0000"}' },
    { name: 'a 70 KB body', method: 'POST', path: '/api/admin/sync/contacts', headers: JSON_TYPE, body: JSON.stringify({ pad: 'x'.repeat(70_000) }) },
    { name: 'a form body', method: 'POST', path: '/api/admin/sync/contacts', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'clientSlug=acme' },
    { name: 'a text body', method: 'POST', path: '/api/admin/clients', headers: { 'content-type': 'text/plain' }, body: 'hello' },
    { name: 'a charset the parser refuses', method: 'POST', path: '/api/admin/clients', headers: { 'content-type': 'application/json; charset=klingon' }, body: '{}' },
    { name: 'deeply nested JSON', method: 'POST', path: '/api/admin/clients', headers: JSON_TYPE, body: `${'['.repeat(5000)}${']'.repeat(5000)}` },
    { name: 'a client with every field wrong', method: 'POST', path: '/api/admin/clients', headers: JSON_TYPE, body: '{"slug":1,"name":[],"apiBaseUrl":"javascript:alert(1)","apiToken":"with space","active":"yes"}' },
    { name: 'a client with a huge name', method: 'POST', path: '/api/admin/clients', headers: JSON_TYPE, body: JSON.stringify({ slug: 'ok', name: 'n'.repeat(5000), apiBaseUrl: 'https://a.example', apiToken: 't' }) },
    { name: 'a patch of an unknown client', method: 'PATCH', path: '/api/admin/clients/nobody', headers: JSON_TYPE, body: '{"active":false}' },
    { name: 'a patch with prototype pollution', method: 'PATCH', path: '/api/admin/clients/nobody', headers: JSON_TYPE, body: '{"__proto__":{"admin":true}}' },
    { name: 'an invalid job id', method: 'GET', path: '/api/jobs/123' },
    { name: 'a SQL-looking job id', method: 'GET', path: "/api/jobs/'%20OR%201=1--" },
    { name: 'cancelling an invalid id', method: 'DELETE', path: '/api/jobs/not-a-uuid' },
    { name: 'an unknown job', method: 'GET', path: '/api/jobs/00000000-0000-4000-8000-000000000000' },
    { name: 'a negative list limit', method: 'GET', path: '/api/jobs?limit=-1' },
    { name: 'a list limit of 10^9', method: 'GET', path: '/api/jobs?limit=1000000000' },
    { name: 'a fractional list limit', method: 'GET', path: '/api/jobs?limit=2.5' },
    { name: 'an unknown list filter', method: 'GET', path: '/api/jobs?status=exploded' },
    { name: 'no token', method: 'POST', path: '/api/jobs/import', token: null },
    { name: 'a token with spaces', method: 'POST', path: '/api/jobs/import', token: ` ${ADMIN_TOKEN} ` },
    { name: 'a 10,000-character token', method: 'POST', path: '/api/jobs/import', token: 'a'.repeat(10_000) },
  ];

  for (const c of cases) {
    it(`when sent ${c.name}, then it answers a clear JSON error or the contract's answer`, async () => {
      const headers: [string, string][] = Object.entries(c.headers ?? {});
      const token = c.token === undefined ? ADMIN_TOKEN : c.token;
      if (token !== null) headers.push(['x-admin-token', token]);

      const response = await rawRequest(app.url, c.method, c.path, headers, c.body);

      expect(response.status, response.body).to.be.below(500);
      expect(response.body).to.not.match(/\bat .+\.(ts|js):\d+/);
      if (response.status !== 202) expect(JSON.parse(response.body)).to.have.property('error').that.is.a('string');
    });
  }

  it('when x-admin-token is sent twice, then it is not accepted', async () => {
    const response = await rawRequest(app.url, 'POST', '/api/jobs/import', [
      ['x-admin-token', ADMIN_TOKEN],
      ['x-admin-token', ADMIN_TOKEN],
    ]);

    expect(response.status).to.equal(401);
  });

  it('when any response goes out, then it carries the security headers', async () => {
    for (const [path, token] of [['/api/jobs', ADMIN_TOKEN], ['/api/jobs', null], ['/nowhere', ADMIN_TOKEN]] as const) {
      const response = await app.request('GET', path, { token });
      expect(response.headers.get('x-content-type-options'), path).to.equal('nosniff');
      expect(response.headers.get('x-frame-options')).to.equal('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).to.be.a('string');
      expect(response.headers.get('x-powered-by')).to.equal(null);
    }
  });

  it('when one address keeps guessing the token, then it gets 429s while the right token still works', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await app.request('POST', '/api/jobs/import', { token: `guess-${i}` })).status);
    const rightToken = await app.request('GET', '/api/jobs');

    expect(statuses.slice(0, 30).every((s) => s === 401)).to.equal(true);
    expect(statuses.slice(30).every((s) => s === 429)).to.equal(true);
    expect(rightToken.status).to.equal(200);
  });

  it('when a body is not JSON where a body is accepted, then 415', async () => {
    const response = await app.request('POST', '/api/admin/clients', { headers: { 'content-type': 'text/plain' }, body: 'slug=acme' });

    expect(response.status).to.equal(415);
    expect(await response.json()).to.deep.equal({ error: 'unsupported_media_type', message: 'send the body as application/json' });
  });
});
