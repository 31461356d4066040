import { expect } from 'chai';
import nock from 'nock';
import { insertClient } from '../support/database.js';
import { useRunningApp, type RunningApp } from '../support/running-app.js';
import { page, upstreamMessage, upstreamTicket } from '../support/upstream-fixtures.js';
import { waitFor } from '../support/wait-for.js';

const ACME = 'https://acme.helpdesk.example';
const ZETA = 'https://zeta.helpdesk.example';
const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

/** The value of one series in a Prometheus text exposition; a missing series fails the test. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no series ${series} in:\n${text.split('\n').filter((l) => l.startsWith('helpdesk_importer_') && !l.includes('_bucket')).join('\n')}`);
  return Number(line.slice(series.length + 1));
}

/** The value of a series that counts from zero: absent until its first increment. */
function counted(text: string, series: string): number {
  return text.split('\n').some((l) => l.startsWith(`${series} `)) ? sample(text, series) : 0;
}

describe('Prometheus metrics (GET /metrics)', () => {
  describe('without METRICS_TOKEN', () => {
    const running = useRunningApp({ upstream: { pageSize: 2 }, workerConcurrency: 1 });
    let app: RunningApp;
    beforeEach(() => (app = running()));
    const scrape = async () => {
      const response = await app.request('GET', '/metrics', { token: null });
      expect(response.status).to.equal(200);
      return response.text();
    };

    it('when scraped without any token, then it answers the Prometheus text format with every importer metric', async () => {
      const response = await app.request('GET', '/metrics', { token: null });

      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
      const text = await response.text();
      for (const name of ['upstream_requests_total', 'rows_stored_total', 'job_run_duration_seconds', 'job_runs', 'queue_depth', 'upstream_rate_limited_total', 'upstream_retries_total', 'upstream_rate_budget_wait_seconds_total', 'upstream_rate_limit_pause_seconds_total']) {
        expect(text).to.include(`# TYPE helpdesk_importer_${name} `);
      }
    });

    it('when an import runs, then the metrics move while it runs and settle when it ends, labelled by slug only', async () => {
      await insertClient({ slug: 'acme', apiBaseUrl: `${ACME}/api/v1`, apiToken: 'acme-secret-token-4242' });
      // A second client waits for the only worker slot while acme is stalled: the queue is one deep.
      await insertClient({ slug: 'zeta', apiBaseUrl: `${ZETA}/api/v1`, apiToken: 'zeta-secret-token-4242' });
      nock(ZETA).get('/api/v1/ticket').query(true).reply(200, page([], 1, 2));
      let releaseSecondPage!: () => void;
      const secondPageReleased = new Promise<void>((resolve) => (releaseSecondPage = resolve));
      const ticketPages = [
        page([upstreamTicket('t-1', '2026-11-28T10:00:00.000Z'), upstreamTicket('t-2', '2026-11-28T11:00:00.000Z')], 1, 2),
        page([upstreamTicket('t-3', '2026-11-28T12:00:00.000Z')], 1, 2),
      ];
      let ticketCalls = 0;
      nock(ACME)
        .persist()
        .get('/api/v1/ticket')
        .query(true)
        .reply((_uri, _body, callback) => {
          const call = ticketCalls++;
          const answer = () => callback(null, [200, ticketPages[call] ?? page([], 1, 2)]);
          if (call === 1) void secondPageReleased.then(answer);
          else answer();
        })
        .get(/\/api\/v1\/ticket\/t-\d\/messages/)
        .query(true)
        .reply((uri) => [200, page([upstreamMessage(`m-${uri.split('/')[4]}`, uri.split('/')[4]!)], 1, 2)]);
      const before = await scrape();

      await app.request('POST', '/api/jobs/import');
      const during = await waitFor(async () => {
        const text = await scrape();
        return counted(text, 'helpdesk_importer_rows_stored_total{table="tickets"}') >= 2 ? text : null;
      }, 'the first page to be stored');
      releaseSecondPage();
      await app.jobsIdle();
      const after = await scrape();

      expect(before).to.include('# TYPE helpdesk_importer_job_runs gauge').and.not.include('helpdesk_importer_job_runs{');
      expect(sample(before, 'helpdesk_importer_queue_depth{queue="job-run-client"}')).to.equal(0);
      expect(sample(during, 'helpdesk_importer_job_runs{kind="import",status="running"}')).to.equal(1);
      expect(sample(during, 'helpdesk_importer_queue_depth{queue="job-run-client"}')).to.equal(1);
      expect(sample(during, 'helpdesk_importer_upstream_requests_total{client="acme",status="200"}')).to.be.at.least(3);
      expect(sample(after, 'helpdesk_importer_rows_stored_total{table="tickets"}')).to.equal(3);
      expect(sample(after, 'helpdesk_importer_rows_stored_total{table="messages"}')).to.equal(3);
      expect(sample(after, 'helpdesk_importer_upstream_requests_total{client="acme",status="200"}')).to.be.greaterThan(
        sample(during, 'helpdesk_importer_upstream_requests_total{client="acme",status="200"}'),
      );
      expect(after).to.not.include('helpdesk_importer_job_runs{kind="import",status="running"}');
      expect(sample(after, 'helpdesk_importer_job_runs{kind="import",status="succeeded"}')).to.equal(1);
      expect(sample(after, 'helpdesk_importer_upstream_requests_total{client="zeta",status="200"}')).to.equal(1);
      expect(sample(after, 'helpdesk_importer_job_run_duration_seconds_count{kind="import",status="succeeded"}')).to.equal(1);
      expect(sample(after, 'helpdesk_importer_queue_depth{queue="job-run-client"}')).to.equal(0);
      for (const secret of ['acme-secret-token-4242', 'zeta-secret-token-4242', ACME, ZETA]) expect(after).to.not.include(secret);
    });
  });

  describe('with METRICS_TOKEN', () => {
    const running = useRunningApp({ metricsToken: METRICS_TOKEN });

    it('when scraped without the bearer token or with a wrong one, then 401; with it, 200', async () => {
      const app = running();
      const none = await app.request('GET', '/metrics', { token: null });
      const wrong = await app.request('GET', '/metrics', { token: null, headers: { authorization: 'Bearer not-the-metrics-token' } });
      const adminTokenInstead = await app.request('GET', '/metrics');
      const right = await app.request('GET', '/metrics', { token: null, headers: { authorization: `Bearer ${METRICS_TOKEN}` } });

      expect([none.status, wrong.status, adminTokenInstead.status, right.status]).to.deep.equal([401, 401, 401, 200]);
      expect(await none.json()).to.deep.equal({ error: 'unauthorized' });
      expect(await right.text()).to.include('helpdesk_importer_upstream_requests_total');
    });
  });
});
