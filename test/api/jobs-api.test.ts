import { expect } from 'chai';
import nock from 'nock';
import { insertClient, sql } from '../support/database.js';
import { useRunningApp, type RunningApp } from '../support/running-app.js';
import { waitFor } from '../support/wait-for.js';

const JSON_TYPE = { 'content-type': 'application/json' };

async function runsInDb(): Promise<{ id: string; kind: string; slug: string; status: string }[]> {
  return (await sql().query('SELECT id, kind, slug, status FROM job_runs ORDER BY requested_at')).rows;
}

describe('Jobs API (the origin document contract)', () => {
  const running = useRunningApp();
  let app: RunningApp;
  beforeEach(() => (app = running()));

  describe('authentication', () => {
    for (const [name, token] of [
      ['missing', null],
      ['wrong', 'nope'],
      ['empty', ''],
      ['a prefix of the right one', 'test-admin-token'],
    ] as const) {
      it(`when the token is ${name}, then every endpoint answers 401 {"error":"unauthorized"} and starts nothing`, async () => {
        for (const [method, path] of [
          ['POST', '/api/jobs/import'],
          ['POST', '/api/jobs/import/acme'],
          ['POST', '/api/admin/sync/contacts'],
          ['GET', '/api/admin/clients'],
        ] as const) {
          const response = await app.request(method, path, { token });
          expect(response.status, `${method} ${path}`).to.equal(401);
          expect(await response.json()).to.deep.equal({ error: 'unauthorized' });
        }
        expect(await runsInDb()).to.deep.equal([]);
      });
    }
  });

  describe('POST /api/jobs/import', () => {
    it('when triggered, then it answers 202 with the exact body and a Location naming the queued run', async () => {
      const response = await app.request('POST', '/api/jobs/import');

      expect(response.status).to.equal(202);
      expect(await response.json()).to.deep.equal({ message: 'Import job started', slug: 'all' });
      const [run] = await runsInDb();
      expect(run).to.include({ kind: 'import', slug: 'all' });
      expect(response.headers.get('location')).to.equal(`/api/jobs/${run!.id}`);
    });

    it('when a body is sent anyway, then it is ignored', async () => {
      const response = await app.request('POST', '/api/jobs/import', { headers: JSON_TYPE, body: '{not json' });

      expect(response.status).to.equal(202);
    });
  });

  describe('POST /api/jobs/import/:slug', () => {
    it('when the slug is unknown, then it answers 202 with that slug and the run processes no client', async () => {
      const response = await app.request('POST', '/api/jobs/import/meu-cliente');
      await app.jobsIdle();

      expect(response.status).to.equal(202);
      expect(await response.json()).to.deep.equal({ message: 'Import job started', slug: 'meu-cliente' });
      expect(response.headers.get('x-importer-notice')).to.equal(null);
      const { rows } = await sql().query('SELECT status, stats FROM job_runs');
      expect(rows).to.deep.equal([{ status: 'succeeded', stats: {} }]);
    });

    it('when the slug is one no client could have, then it still answers 202 (the contract) and says so in a header and the request line', async () => {
      const response = await app.request('POST', '/api/jobs/import/BAD%20SLUG');
      await app.jobsIdle();

      expect(response.status).to.equal(202);
      expect(await response.json()).to.deep.equal({ message: 'Import job started', slug: 'BAD SLUG' });
      expect(response.headers.get('x-importer-notice')).to.include('no client can have this slug');
    });

    it('when the client is inactive, then the run processes no client and calls no upstream', async () => {
      await insertClient({ slug: 'dormant', apiBaseUrl: 'http://127.0.0.1:9/never', active: false });

      const response = await app.request('POST', '/api/jobs/import/dormant');
      await app.jobsIdle();

      expect(response.status).to.equal(202);
      const { rows } = await sql().query('SELECT status, stats FROM job_runs');
      expect(rows).to.deep.equal([{ status: 'succeeded', stats: {} }]);
    });

    it('when the slug is percent-encoded unicode, then it is decoded and echoed', async () => {
      const response = await app.request('POST', `/api/jobs/import/${encodeURIComponent('clínica-são-paulo')}`);

      expect(response.status).to.equal(202);
      expect(await response.json()).to.deep.equal({ message: 'Import job started', slug: 'clínica-são-paulo' });
    });

    it('when the slug holds a NUL or another control character, then it answers 400, not 500', async () => {
      for (const slug of ['%00', 'a%00b', '%0A', 'x%1F']) {
        const response = await app.request('POST', `/api/jobs/import/${slug}`);
        expect(response.status, slug).to.equal(400);
        expect((await response.json()).error).to.equal('invalid_slug');
      }
    });

    it('when the slug has surrounding spaces, then it is taken as given, not trimmed', async () => {
      const response = await app.request('POST', '/api/jobs/import/%20meu-cliente%20');

      expect(await response.json()).to.deep.equal({ message: 'Import job started', slug: ' meu-cliente ' });
    });

    it('when the slug is longer than 200 characters, then it answers 400 with a clear message', async () => {
      const response = await app.request('POST', `/api/jobs/import/${'a'.repeat(201)}`);

      expect(response.status).to.equal(400);
      expect(await response.json()).to.deep.equal({ error: 'invalid_slug', message: 'slug must be at most 200 characters' });
    });
  });

  describe('POST /api/admin/sync/contacts', () => {
    const cases: [string, string, Record<string, string> | undefined, string | undefined, string][] = [
      ['no slug anywhere', '', undefined, undefined, 'all'],
      ['clientSlug in the query', '?clientSlug=meu-cliente', undefined, undefined, 'meu-cliente'],
      ['slug in the query', '?slug=meu-cliente', undefined, undefined, 'meu-cliente'],
      ['both in the query', '?slug=other&clientSlug=meu-cliente', undefined, undefined, 'meu-cliente'],
      ['clientSlug in the body', '', JSON_TYPE, '{"clientSlug":"meu-cliente"}', 'meu-cliente'],
      ['slug in the body', '', JSON_TYPE, '{"slug":"meu-cliente"}', 'meu-cliente'],
      ['query and body', '?slug=from-query', JSON_TYPE, '{"clientSlug":"from-body"}', 'from-query'],
      ['an empty clientSlug in the query', '?clientSlug=&slug=meu-cliente', undefined, undefined, 'meu-cliente'],
      ['only empty values', '?clientSlug=', JSON_TYPE, '{"slug":""}', 'all'],
      ['an empty JSON body', '', JSON_TYPE, '', 'all'],
      ['a null slug in the body', '', JSON_TYPE, '{"slug":null}', 'all'],
    ];
    for (const [name, query, headers, body, expected] of cases) {
      it(`when given ${name}, then it answers 202 for "${expected}"`, async () => {
        const response = await app.request('POST', `/api/admin/sync/contacts${query}`, { headers, body });

        expect(response.status).to.equal(202);
        expect(await response.json()).to.deep.equal({ message: 'Contacts sync job started', slug: expected });
        const [run] = await runsInDb();
        expect(run).to.include({ kind: 'contacts-sync', slug: expected });
        expect(response.headers.get('location')).to.equal(`/api/jobs/${run!.id}`);
      });
    }

    it('when the body is not valid JSON, then it answers 400 invalid_json and starts nothing', async () => {
      const response = await app.request('POST', '/api/admin/sync/contacts', { headers: JSON_TYPE, body: '{"clientSlug":' });

      expect(response.status).to.equal(400);
      expect(await response.json()).to.deep.equal({ error: 'invalid_json', message: 'the request body is not valid JSON', fields: { body: 'is not valid JSON' } });
      expect(await runsInDb()).to.deep.equal([]);
    });

    it('when the slug is not a string, then it answers 400 naming the field', async () => {
      for (const body of ['{"clientSlug":42}', '{"slug":["a"]}', '{"clientSlug":{"x":1}}']) {
        const response = await app.request('POST', '/api/admin/sync/contacts', { headers: JSON_TYPE, body });
        expect(response.status, body).to.equal(400);
        expect((await response.json()).error).to.equal('invalid_slug');
      }
      const repeated = await app.request('POST', '/api/admin/sync/contacts?slug=a&slug=b');
      expect(repeated.status).to.equal(400);
      expect(await repeated.json()).to.deep.equal({ error: 'invalid_slug', message: 'slug must be a single string' });
    });

    it('when a slug in the query or body holds a NUL, then it answers 400, not 500', async () => {
      const inQuery = await app.request('POST', '/api/admin/sync/contacts?clientSlug=%00');
      const inBody = await app.request('POST', '/api/admin/sync/contacts', { headers: JSON_TYPE, body: '{"slug":"a\\u0000b"}' });

      expect([inQuery.status, inBody.status]).to.deep.equal([400, 400]);
    });

    it('when the JSON body is not an object, then it answers 400', async () => {
      const response = await app.request('POST', '/api/admin/sync/contacts', { headers: JSON_TYPE, body: '["meu-cliente"]' });

      expect(response.status).to.equal(400);
    });

    it('when the body exceeds 64 KB, then it answers 413', async () => {
      const body = JSON.stringify({ clientSlug: 'x', padding: 'a'.repeat(70 * 1024) });

      const response = await app.request('POST', '/api/admin/sync/contacts', { headers: JSON_TYPE, body });

      expect(response.status).to.equal(413);
      expect((await response.json()).error).to.equal('payload_too_large');
    });
  });

  describe('coalescing', () => {
    afterEach(() => nock.cleanAll());

    it('when a client is triggered 30 times while its run is active, then exactly one follow-up run is queued and all 30 point at it', async () => {
      await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.helpdesk.example/api/v1' });
      // The upstream holds its answers until the 30 triggers are answered, so the first run is
      // still running for all of them however slow the machine (a held request that times out
      // is retried and waits again).
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      nock('https://acme.helpdesk.example')
        .persist()
        .get('/api/v1/ticket')
        .query(true)
        .reply(async () => {
          await released;
          return [200, { data: [], meta: {} }];
        });
      const first = await app.request('POST', '/api/jobs/import/acme');
      await waitFor(async () => (await runsInDb())[0]?.status === 'running', 'the first run to start', { intervalMs: 10 });

      const responses = await Promise.all(Array.from({ length: 30 }, () => app.request('POST', '/api/jobs/import/acme')));
      release();
      await app.jobsIdle();

      expect(responses.every((r) => r.status === 202)).to.equal(true);
      const locations = new Set(responses.map((r) => r.headers.get('location')));
      expect(locations.size).to.equal(1);
      expect([...locations][0]).to.not.equal(first.headers.get('location'));
      const runs = await runsInDb();
      expect(runs.map((r) => r.status)).to.deep.equal(['succeeded', 'succeeded']);
    });
  });

  describe('errors', () => {
    it('when the route does not exist, then it answers 404 JSON', async () => {
      const response = await app.request('GET', '/api/nothing-here');

      expect(response.status).to.equal(404);
      expect(await response.json()).to.deep.equal({ error: 'not_found' });
    });

    it('when a caller without the token probes routes, then it gets 401, never 404 or 405', async () => {
      for (const [method, path] of [['GET', '/api/nothing-here'], ['PUT', '/api/jobs/import'], ['GET', '/']] as const) {
        const response = await app.request(method, path, { token: null });
        expect(response.status, `${method} ${path}`).to.equal(401);
      }
    });

    it('when the method is not allowed, then it answers 405 JSON', async () => {
      const response = await app.request('PUT', '/api/jobs/import');

      expect(response.status).to.equal(405);
      expect(await response.json()).to.deep.equal({ error: 'method_not_allowed' });
    });

    it('when any path is asked with a method it does not serve, then 405 with an Allow header naming the ones it does', async () => {
      const cases = [
        ['GET', '/api/jobs/import', 'POST'],
        ['DELETE', '/api/jobs/import/acme', 'POST'],
        ['GET', '/api/admin/sync/contacts', 'POST'],
        ['POST', '/api/jobs', 'HEAD, GET'],
        ['PUT', '/api/jobs/00000000-0000-4000-8000-000000000000', 'HEAD, GET, DELETE'],
        ['POST', '/api/jobs/00000000-0000-4000-8000-000000000000/clients', 'HEAD, GET'],
        ['DELETE', '/api/admin/clients', 'POST, HEAD, GET'],
        ['POST', '/api/admin/clients/acme', 'HEAD, GET, PATCH'],
        ['POST', '/api/health', 'HEAD, GET'],
        ['PUT', '/api/docs/init.js', 'HEAD, GET'],
        ['PROPFIND', '/api/jobs', 'HEAD, GET'],
      ] as const;
      for (const [method, path, allow] of cases) {
        const response = await app.request(method, path);
        expect(response.status, `${method} ${path}`).to.equal(405);
        expect(response.headers.get('allow')?.split(', ').sort(), `${method} ${path}`).to.deep.equal(allow.split(', ').sort());
        expect(await response.json()).to.deep.equal({ error: 'method_not_allowed' });
      }
    });

    it('when the database fails, then it answers 500 {"error":"internal_error"} with no internals', async () => {
      await sql().query('ALTER TABLE job_runs RENAME TO job_runs_away');
      try {
        const response = await app.request('POST', '/api/jobs/import');
        const text = await response.text();

        expect(response.status).to.equal(500);
        expect(JSON.parse(text)).to.deep.equal({ error: 'internal_error' });
      } finally {
        await sql().query('ALTER TABLE job_runs_away RENAME TO job_runs');
      }
    });
  });
});
