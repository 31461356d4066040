import { expect } from 'chai';
import { sql } from '../support/database.js';
import { useRunningApp, type RunningApp } from '../support/running-app.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const body = (value: unknown) => ({ headers: JSON_TYPE, body: JSON.stringify(value) });

describe('Reconcile and backfill triggers (HTTP contract)', () => {
  const running = useRunningApp();
  let app: RunningApp;
  beforeEach(() => (app = running()));

  it('when a reconcile is triggered for all clients or one, then it answers 202 with the run’s Location, a run of kind reconcile', async () => {
    const all = await app.request('POST', '/api/jobs/reconcile');
    const one = await app.request('POST', '/api/jobs/reconcile/meu-cliente?repair=true');

    expect(all.status).to.equal(202);
    expect(await all.json()).to.deep.equal({ message: 'Reconcile job started', slug: 'all' });
    expect(one.status).to.equal(202);
    expect(await one.json()).to.deep.equal({ message: 'Reconcile job started', slug: 'meu-cliente' });
    await app.jobsIdle();
    const run = await (await app.request('GET', one.headers.get('location')!)).json();
    expect(run).to.include({ kind: 'reconcile', slug: 'meu-cliente', status: 'succeeded' });
    expect(run.params).to.deep.equal({ repair: true });
    // An unknown slug: nothing processed.
    expect(run.summary).to.equal(null);
  });

  it('when a backfill is triggered, then it answers 202 and the run keeps its window, in UTC', async () => {
    const response = await app.request('POST', '/api/jobs/backfill/meu-cliente', body({ from: '2026-11-01T00:00:00-03:00', to: '2026-11-08T00:00:00Z' }));

    expect(response.status).to.equal(202);
    expect(await response.json()).to.deep.equal({ message: 'Backfill job started', slug: 'meu-cliente' });
    const { rows } = await sql().query(`SELECT kind, params FROM job_runs WHERE id = $1`, [response.headers.get('location')!.split('/').pop()]);
    expect(rows).to.deep.equal([{ kind: 'backfill', params: { from: '2026-11-01T03:00:00.000Z', to: '2026-11-08T00:00:00.000Z' } }]);
  });

  it('when triggers ask for different windows, or for repair and not, then they are separate runs', async () => {
    const week = await app.request('POST', '/api/jobs/backfill/acme', body({ from: '2026-11-01T00:00:00.000Z' }));
    const month = await app.request('POST', '/api/jobs/backfill/acme', body({ from: '2026-10-01T00:00:00.000Z' }));
    const check = await app.request('POST', '/api/jobs/reconcile/acme');
    const repair = await app.request('POST', '/api/jobs/reconcile/acme', body({ repair: true }));

    expect(month.headers.get('location')).to.not.equal(week.headers.get('location'));
    expect(repair.headers.get('location')).to.not.equal(check.headers.get('location'));
  });

  for (const [when, sent, fields] of [
    ['without a body', undefined, { from: 'must be an ISO-8601 timestamp such as 2026-11-01T00:00:00.000Z' }],
    ['with from not a date', { from: 'last week' }, { from: 'must be an ISO-8601 timestamp such as 2026-11-01T00:00:00.000Z' }],
    ['with to before from', { from: '2026-11-08T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' }, { to: 'must not be before from' }],
    ['with a field it does not know', { from: '2026-11-01T00:00:00.000Z', form: 'x' }, { form: 'is not a known field' }],
    ['with a JSON array', ['2026-11-01T00:00:00.000Z'], { body: 'Invalid input: expected object, received array' }],
    ['with from valid and to not a date', { from: '2026-11-08T00:00:00.000Z', to: 'y' }, { to: 'must be an ISO-8601 timestamp such as 2026-11-01T00:00:00.000Z' }],
    ['with from not a date and to valid', { from: 'x', to: '2026-11-01T00:00:00.000Z' }, { from: 'must be an ISO-8601 timestamp such as 2026-11-01T00:00:00.000Z' }],
  ] as const) {
    it(`when a backfill is asked ${when}, then 400 validation_failed names the field, and no run is queued`, async () => {
      const response = await app.request('POST', '/api/jobs/backfill/acme', sent === undefined ? {} : body(sent));

      expect(response.status).to.equal(400);
      const answer = await response.json();
      expect(answer.error).to.equal('validation_failed');
      expect(answer.fields).to.deep.equal(fields);
      expect((await sql().query('SELECT count(*)::int AS n FROM job_runs')).rows[0].n).to.equal(0);
    });
  }

  it('when repair is neither true nor false, then 400 validation_failed names it', async () => {
    const inQuery = await app.request('POST', '/api/jobs/reconcile?repair=yes');
    const inBody = await app.request('POST', '/api/jobs/reconcile/acme', body({ repair: 'yes' }));

    expect(inQuery.status).to.equal(400);
    expect((await inQuery.json()).fields).to.have.keys('repair');
    expect(inBody.status).to.equal(400);
    expect((await inBody.json()).fields).to.have.keys('repair');
  });

  it('when a backfill is asked for "all", then 400 validation_failed names the slug: a backfill is for one client', async () => {
    const response = await app.request('POST', '/api/jobs/backfill/all', body({ from: '2026-11-01T00:00:00.000Z' }));

    expect(response.status).to.equal(400);
    expect(Object.keys((await response.json()).fields)).to.deep.equal(['slug']);
    expect((await sql().query('SELECT count(*)::int AS n FROM job_runs')).rows[0].n).to.equal(0);
  });

  it('when ?repair and the body disagree, then 400 validation_failed names repair and nothing is queued', async () => {
    const response = await app.request('POST', '/api/jobs/reconcile/acme?repair=false', body({ repair: true }));

    expect(response.status).to.equal(400);
    expect((await response.json()).fields).to.have.keys('repair');
    expect((await sql().query('SELECT count(*)::int AS n FROM job_runs')).rows[0].n).to.equal(0);
  });

  it('when a backfill body is not JSON, then 400 invalid_json names the body as the field at fault', async () => {
    const response = await app.request('POST', '/api/jobs/backfill/acme', { headers: JSON_TYPE, body: '{"from":' });

    expect(response.status).to.equal(400);
    expect(await response.json()).to.deep.equal({ error: 'invalid_json', message: 'the request body is not valid JSON', fields: { body: 'is not valid JSON' } });
    expect((await sql().query('SELECT count(*)::int AS n FROM job_runs')).rows[0].n).to.equal(0);
  });
});
