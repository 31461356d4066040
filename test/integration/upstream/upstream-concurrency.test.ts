import { expect } from 'chai';
import nock, { type ReplyFnResult } from 'nock';
import { anyTicketQuery, listBody, makeClient, makeSut, STALLED_MS, onFakeTime, ticketList, useFakeClock, useNock } from './upstream-test-kit.js';

/** A nock reply that answers after `delayMs` (of fake time) and records how many requests were in flight at once. */
function slowReplies(delayMs: number) {
  const state = { inFlight: 0, maxInFlight: 0, received: 0 };
  const reply = (_uri: string, _body: unknown, callback: (error: NodeJS.ErrnoException | null, result: ReplyFnResult) => void) => {
    state.received += 1;
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    setTimeout(() => {
      state.inFlight -= 1;
      callback(null, [200, JSON.stringify(listBody([]))]);
    }, delayMs);
  };
  return { state, reply };
}

/** The request timeout is real time (AbortSignal.timeout): a timeoutMs no fake-time test reaches. */
const UNREACHED_TIMEOUT_MS = 60_000;

describe('UpstreamConnection concurrency (requests in flight per client)', () => {
  useNock();
  const fake = useFakeClock();

  it('when 8 requests are made at once with concurrency 8 and a 200 ms upstream, then they run in parallel (all done after 200 ms)', async () => {
    const { tickets } = makeSut({ concurrency: 8, timeoutMs: UNREACHED_TIMEOUT_MS });
    const { state, reply } = slowReplies(200);
    const scope = ticketList().times(8).reply(reply);
    const start = Date.now();

    await onFakeTime(fake.clock, Promise.all(Array.from({ length: 8 }, (_, i) => tickets.listTickets(makeClient(), { ...anyTicketQuery, page: i + 1 }))));

    expect(Date.now() - start).to.equal(200);
    expect(state.maxInFlight).to.equal(8);
    expect(scope.isDone()).to.equal(true);
  });

  it('when 12 requests are made at once with concurrency 4, then never more than 4 are in flight and they run in 3 waves', async () => {
    const { tickets } = makeSut({ concurrency: 4, timeoutMs: UNREACHED_TIMEOUT_MS });
    const { state, reply } = slowReplies(150);
    const scope = ticketList().times(12).reply(reply);
    const start = Date.now();

    await onFakeTime(fake.clock, Promise.all(Array.from({ length: 12 }, (_, i) => tickets.listTickets(makeClient(), { ...anyTicketQuery, page: i + 1 }))));

    expect(state.received).to.equal(12);
    expect(state.maxInFlight).to.equal(4);
    expect(Date.now() - start).to.equal(3 * 150);
    expect(scope.isDone()).to.equal(true);
  });

  it('when 20 requests are made at once with the default concurrency 8, then never more than 8 are in flight', async () => {
    const { tickets } = makeSut({ concurrency: 8, timeoutMs: UNREACHED_TIMEOUT_MS });
    const { state, reply } = slowReplies(100);
    const scope = ticketList().times(20).reply(reply);

    await onFakeTime(fake.clock, Promise.all(Array.from({ length: 20 }, (_, i) => tickets.listTickets(makeClient(), { ...anyTicketQuery, page: i + 1 }))));

    expect(state.maxInFlight).to.equal(8);
    expect(scope.isDone()).to.equal(true);
  });

  it('when two clients are busy, then each has its own in-flight bound', async () => {
    const { tickets } = makeSut({ concurrency: 2, timeoutMs: UNREACHED_TIMEOUT_MS });
    const acme = slowReplies(150);
    const globex = slowReplies(150);
    const acmeScope = ticketList().times(2).reply(acme.reply);
    const globexScope = ticketList(nock('https://globex.helpdesk.example')).times(2).reply(globex.reply);
    const start = Date.now();

    const all = Promise.all([
      tickets.listTickets(makeClient(), anyTicketQuery),
      tickets.listTickets(makeClient(), anyTicketQuery),
      tickets.listTickets(makeClient({ id: 'client-globex', slug: 'globex', apiBaseUrl: 'https://globex.helpdesk.example/api/v1' }), anyTicketQuery),
      tickets.listTickets(makeClient({ id: 'client-globex', slug: 'globex', apiBaseUrl: 'https://globex.helpdesk.example/api/v1' }), anyTicketQuery),
    ]);
    await onFakeTime(fake.clock, all);

    // One wave of 150 ms: a shared bound of 2 would have needed two.
    expect(Date.now() - start).to.equal(150);
    expect(acme.state.maxInFlight + globex.state.maxInFlight).to.equal(4);
    expect(acmeScope.isDone()).to.equal(true);
    expect(globexScope.isDone()).to.equal(true);
  });

});

describe('UpstreamConnection concurrency, on real time (the request timeout is AbortSignal.timeout)', () => {
  useNock();

  it('when a request times out, then its in-flight slot is freed for the next one', async () => {
    const { tickets, connections } = makeSut({ concurrency: 1, timeoutMs: 200 });
    // The first answer stalls past the test's time limit: the calls can only finish if its timeout frees the one slot.
    const scope = ticketList().delay(STALLED_MS).reply(200, listBody([]));
    ticketList(scope).times(2).reply(200, listBody([]));

    await Promise.all([tickets.listTickets(makeClient(), anyTicketQuery), tickets.listTickets(makeClient(), anyTicketQuery)]);

    expect(connections.snapshot('client-acme')).to.include({ requests: 3, retries: 1 });
    expect(scope.isDone()).to.equal(true);
  });
});
