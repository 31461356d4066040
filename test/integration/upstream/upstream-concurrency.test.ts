import { expect } from 'chai';
import nock, { type ReplyFnResult } from 'nock';
import { anyTicketQuery, elapsedSince, listBody, makeClient, makeSut, ticketList, useNock } from './upstream-test-kit.js';

/** A nock reply that answers after `delayMs` and records how many requests were in flight at once. */
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

describe('UpstreamConnection concurrency (requests in flight per client)', () => {
  useNock();

  it('when 8 requests are made at once with concurrency 8 and a 200 ms upstream, then they run in parallel (well under 8 x 200 ms)', async () => {
    const { tickets } = makeSut({ concurrency: 8 });
    const { state, reply } = slowReplies(200);
    const scope = ticketList().times(8).reply(reply);
    const start = Date.now();

    await Promise.all(Array.from({ length: 8 }, (_, i) => tickets.listTickets(makeClient(), { ...anyTicketQuery, page: i + 1 })));

    expect(elapsedSince(start)).to.be.below(600);
    expect(state.maxInFlight).to.equal(8);
    expect(scope.isDone()).to.equal(true);
  });

  it('when 12 requests are made at once with concurrency 4, then never more than 4 are in flight and they run in 3 waves', async () => {
    const { tickets } = makeSut({ concurrency: 4 });
    const { state, reply } = slowReplies(150);
    const scope = ticketList().times(12).reply(reply);
    const start = Date.now();

    await Promise.all(Array.from({ length: 12 }, (_, i) => tickets.listTickets(makeClient(), { ...anyTicketQuery, page: i + 1 })));

    expect(state.received).to.equal(12);
    expect(state.maxInFlight).to.equal(4);
    expect(elapsedSince(start)).to.be.within(3 * 150 - 10, 3 * 150 + 300);
    expect(scope.isDone()).to.equal(true);
  });

  it('when 20 requests are made at once with the default concurrency 8, then never more than 8 are in flight', async () => {
    const { tickets } = makeSut({ concurrency: 8 });
    const { state, reply } = slowReplies(100);
    const scope = ticketList().times(20).reply(reply);

    await Promise.all(Array.from({ length: 20 }, (_, i) => tickets.listTickets(makeClient(), { ...anyTicketQuery, page: i + 1 })));

    expect(state.maxInFlight).to.equal(8);
    expect(scope.isDone()).to.equal(true);
  });

  it('when two clients are busy, then each has its own in-flight bound', async () => {
    const { tickets } = makeSut({ concurrency: 2 });
    const acme = slowReplies(150);
    const globex = slowReplies(150);
    const acmeScope = ticketList().times(2).reply(acme.reply);
    const globexScope = ticketList(nock('https://globex.helpdesk.example')).times(2).reply(globex.reply);
    const start = Date.now();

    await Promise.all([
      tickets.listTickets(makeClient(), anyTicketQuery),
      tickets.listTickets(makeClient(), anyTicketQuery),
      tickets.listTickets(makeClient({ id: 'client-globex', slug: 'globex', apiBaseUrl: 'https://globex.helpdesk.example/api/v1' }), anyTicketQuery),
      tickets.listTickets(makeClient({ id: 'client-globex', slug: 'globex', apiBaseUrl: 'https://globex.helpdesk.example/api/v1' }), anyTicketQuery),
    ]);

    expect(elapsedSince(start)).to.be.below(290);
    expect(acmeScope.isDone()).to.equal(true);
    expect(globexScope.isDone()).to.equal(true);
  });

  it('when a request times out, then its in-flight slot is freed for the next one', async () => {
    const { tickets } = makeSut({ concurrency: 1, timeoutMs: 200 });
    const scope = ticketList().delay(1500).reply(200, listBody([]));
    ticketList(scope).times(2).reply(200, listBody([]));
    const start = Date.now();

    await Promise.all([tickets.listTickets(makeClient(), anyTicketQuery), tickets.listTickets(makeClient(), anyTicketQuery)]);

    expect(elapsedSince(start)).to.be.below(700);
    expect(scope.isDone()).to.equal(true);
  });
});
