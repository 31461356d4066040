import { expect } from 'chai';
import nock from 'nock';
import { ORIGIN, STALLED_MS, TOKEN, anyTicketQuery, failureOf, listBody, makeClient, makeSut, onFakeTime, ticketItem, ticketList, useFakeClock, useNock } from './upstream-test-kit.js';

/** The value of one series in a Prometheus text exposition, or 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('Upstream metrics (by client slug), on fake time', () => {
  useNock();
  const fake = useFakeClock();

  it('when the upstream answers 429, 503 and then 200, then requests by status, the 429, the retry and the pause are counted under the slug', async () => {
    // The request timeout is real time (AbortSignal.timeout): one nothing here reaches.
    const { tickets, metrics } = makeSut({ timeoutMs: 60_000 });
    const scope = ticketList().reply(429, '', { 'retry-after': '1' });
    ticketList(scope).reply(503);
    ticketList(scope).reply(200, listBody([ticketItem()]));

    await onFakeTime(fake.clock, tickets.listTickets(makeClient(), anyTicketQuery));

    const text = await metrics.registry.metrics();
    expect(sample(text, 'helpdesk_importer_upstream_requests_total{client="acme",status="429"}')).to.equal(1);
    expect(sample(text, 'helpdesk_importer_upstream_requests_total{client="acme",status="503"}')).to.equal(1);
    expect(sample(text, 'helpdesk_importer_upstream_requests_total{client="acme",status="200"}')).to.equal(1);
    expect(sample(text, 'helpdesk_importer_upstream_rate_limited_total{client="acme"}')).to.equal(1);
    expect(sample(text, 'helpdesk_importer_upstream_retries_total{client="acme"}')).to.equal(1);
    expect(sample(text, 'helpdesk_importer_upstream_rate_limit_pause_seconds_total{client="acme"}')).to.equal(1);
    expect(text).to.not.include(TOKEN).and.not.include(ORIGIN);
  });

  it('when requests outrun the rate budget, then the time they waited for it is counted', async () => {
    const { tickets, metrics } = makeSut({ requestsPerMinute: 1, rateWindowMs: 200, timeoutMs: 60_000 });
    ticketList().times(2).reply(200, listBody([]));

    await onFakeTime(fake.clock, Promise.all([tickets.listTickets(makeClient(), anyTicketQuery), tickets.listTickets(makeClient(), anyTicketQuery)]));

    // The second request waits one window for the first one's permit.
    expect(sample(await metrics.registry.metrics(), 'helpdesk_importer_upstream_rate_budget_wait_seconds_total{client="acme"}')).to.equal(0.2);
  });
});

describe('Upstream metrics (by client slug), on real time (the request timeout is AbortSignal.timeout)', () => {
  useNock();

  it('when the upstream cannot be reached or stalls, then the requests are labelled network_error and timeout', async () => {
    const { tickets, metrics } = makeSut({ maxRetries: 1, timeoutMs: 50 });
    ticketList().replyWithError({ code: 'ECONNRESET' });
    // Stalled past the test's own time limit: only the 50 ms timeout can end it.
    ticketList().delay(STALLED_MS).reply(200, listBody([]));

    await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

    const text = await metrics.registry.metrics();
    expect(sample(text, 'helpdesk_importer_upstream_requests_total{client="acme",status="network_error"}')).to.equal(1);
    expect(sample(text, 'helpdesk_importer_upstream_requests_total{client="acme",status="timeout"}')).to.equal(1);
    expect(nock.pendingMocks()).to.deep.equal([]);
  });
});
