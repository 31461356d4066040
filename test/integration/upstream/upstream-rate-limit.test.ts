import { expect } from 'chai';
import nock from 'nock';
import { UpstreamUnavailableError } from '../../../src/domain/errors.js';
import type { UpstreamConfig } from '../../../src/infrastructure/config.js';
import { BASE_PATH, ORIGIN, TOKEN, advance, anyTicketQuery, failureOf, listBody, makeClient, makeSut as makeRealTimeSut, onFakeTime, ticketItem, ticketList, useFakeClock, useNock } from './upstream-test-kit.js';

/** On fake time; the request timeout is AbortSignal.timeout (real time): one nothing here reaches. */
function makeSut(overrides: Partial<UpstreamConfig> = {}) {
  return makeRealTimeSut({ timeoutMs: 60_000, ...overrides });
}

/** The largest number of timestamps inside any window [t, t + windowMs) that starts at one of them. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0; first < sorted.length; first++) {
    let count = 0;
    for (let other = first; other < sorted.length && sorted[other]! < sorted[first]! + windowMs; other++) count++;
    busiest = Math.max(busiest, count);
  }
  return busiest;
}

describe('UpstreamConnection rate limiting (on fake time)', () => {
  useNock();
  const fake = useFakeClock();

  describe('429 from the upstream', () => {
    it('when the upstream answers 429 with Retry-After: 1, then it waits 1 s, retries the same request and succeeds', async () => {
      const { tickets, connections } = makeSut();
      const seen: { at: number; query: string }[] = [];
      const scope = nock(ORIGIN)
        .get(`${BASE_PATH}/ticket`)
        .query(true)
        .reply(function () {
          seen.push({ at: Date.now(), query: this.req.path });
          return [429, { error: 'rate limited' }, { 'Retry-After': '1' }];
        })
        .get(`${BASE_PATH}/ticket`)
        .query(true)
        .reply(function () {
          seen.push({ at: Date.now(), query: this.req.path });
          return [200, listBody([ticketItem()])];
        });

      const result = await onFakeTime(fake.clock, tickets.listTickets(makeClient(), { updatedAtFrom: new Date('2026-11-28T10:15:00.000Z'), page: 7, limit: 100 }));

      expect(result.items).to.have.length(1);
      expect(seen).to.have.length(2);
      expect(seen[1]!.at - seen[0]!.at).to.equal(1000);
      expect(seen[1]!.query).to.equal(seen[0]!.query);
      expect(connections.snapshot('client-acme')).to.deep.equal({ requests: 2, retries: 0, rateLimited: 1 });
      expect(scope.isDone()).to.equal(true);
    });

    it('when the upstream answers 429 with Retry-After as an HTTP date, then it waits until that date before retrying', async () => {
      const { tickets, connections } = makeSut();
      const seen: number[] = [];
      let retryAt = 0;
      const scope = ticketList()
        .reply(() => {
          seen.push(Date.now());
          // HTTP dates have whole seconds: the next whole second plus one is always >= 1 s away.
          retryAt = Math.ceil(Date.now() / 1000) * 1000 + 1000;
          return [429, '', { 'Retry-After': new Date(retryAt).toUTCString() }];
        })
        .get(`${BASE_PATH}/ticket`)
        .query(true)
        .reply(() => {
          seen.push(Date.now());
          return [200, listBody([])];
        });

      await onFakeTime(fake.clock, tickets.listTickets(makeClient(), anyTicketQuery));

      // The clock starts at .250 of a second: the wait (1750 ms) ends on the date itself.
      expect(seen).to.have.length(2);
      expect(seen[1]!).to.equal(retryAt);
      expect(seen[1]! - seen[0]!).to.equal(1750);
      expect(connections.snapshot('client-acme').rateLimited).to.equal(1);
      expect(scope.isDone()).to.equal(true);
    });

    it('when a 429 is waited out, then the client pauses every request until Retry-After has passed, without holding an in-flight slot', async () => {
      const { tickets } = makeSut({ concurrency: 1 });
      const scope = nock(ORIGIN)
        .get(`${BASE_PATH}/ticket`)
        .query((q) => q.page === '1')
        .reply(429, '', { 'Retry-After': '1' })
        .get(`${BASE_PATH}/ticket`)
        .query((q) => q.page === '1')
        .reply(200, listBody([]))
        .get(`${BASE_PATH}/ticket`)
        .query((q) => q.page === '2')
        .reply(200, listBody([]));
      const start = Date.now();

      const first = tickets.listTickets(makeClient(), { ...anyTicketQuery, page: 1 }).then(() => Date.now() - start);
      await advance(fake.clock, 50);
      const second = tickets.listTickets(makeClient(), { ...anyTicketQuery, page: 2 }).then(() => Date.now() - start);
      const [firstDone, secondDone] = await onFakeTime(fake.clock, Promise.all([first, second]));

      // Every request with this token would meet the same 429: the second one waits too, then
      // both go through on the single in-flight slot, as soon as the pause is over.
      expect(firstDone).to.equal(1000);
      expect(secondDone).to.equal(1000);
      expect(scope.isDone()).to.equal(true);
    });

    it('when 429 comes without Retry-After, then it is retried after a backoff and counted as rate limited, not as a retry', async () => {
      const { tickets, connections } = makeSut();
      const scope = ticketList().times(2).reply(429, { error: 'rate limited' });
      ticketList(scope).reply(200, listBody([]));

      await onFakeTime(fake.clock, tickets.listTickets(makeClient(), anyTicketQuery));

      expect(connections.snapshot('client-acme')).to.deep.equal({ requests: 3, retries: 0, rateLimited: 2 });
      expect(scope.isDone()).to.equal(true);
    });

    it('when several 429s precede a 5xx, then the 5xx is still retried (429s do not use up the retry budget)', async () => {
      const { tickets } = makeSut({ maxRetries: 1 });
      const scope = ticketList().times(3).reply(429, '', { 'Retry-After': '0' });
      ticketList(scope).reply(503);
      ticketList(scope).reply(200, listBody([ticketItem()]));

      const result = await onFakeTime(fake.clock, tickets.listTickets(makeClient(), anyTicketQuery));

      expect(result.items).to.have.length(1);
      expect(scope.isDone()).to.equal(true);
    });

    it('when the upstream answers 429 forever, then it gives up with UpstreamUnavailableError naming the slug and not the token', async () => {
      const { tickets, connections } = makeSut();
      const scope = ticketList().times(21).reply(429, '', { 'Retry-After': '0' });

      const error = await onFakeTime(fake.clock, failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery)));

      expect(error).to.be.instanceOf(UpstreamUnavailableError);
      expect(error.message).to.include('"acme"').and.include('429').and.not.include(TOKEN);
      expect(connections.snapshot('client-acme')).to.include({ requests: 21, rateLimited: 21 });
      expect(scope.isDone()).to.equal(true);
    });
  });

  describe('the client-side throttle (strict sliding window)', () => {
    /** Fires 15 list requests at once with a limit of 5 per 500 ms; returns when nock received each (fake ms from the start), and the total time. */
    async function burstOf15(): Promise<{ receivedAt: number[]; elapsed: number; scope: nock.Scope }> {
      const { tickets } = makeSut({ requestsPerMinute: 5, rateWindowMs: 500 });
      const receivedAt: number[] = [];
      const start = Date.now();
      const scope = ticketList()
        .times(15)
        .reply(() => {
          receivedAt.push(Date.now() - start);
          return [200, listBody([])];
        });
      await onFakeTime(fake.clock, Promise.all(Array.from({ length: 15 }, (_, page) => tickets.listTickets(makeClient(), { ...anyTicketQuery, page: page + 1 }))));
      return { receivedAt, elapsed: Date.now() - start, scope };
    }

    it('when 15 requests are fired at once with a limit of 5 per 500 ms, then they go out 5 at a time, one window apart, and take 1000 ms', async () => {
      const { receivedAt, elapsed, scope } = await burstOf15();

      expect(receivedAt).to.deep.equal([0, 0, 0, 0, 0, 500, 500, 500, 500, 500, 1000, 1000, 1000, 1000, 1000]);
      expect(elapsed).to.equal(1000);
      expect(scope.isDone()).to.equal(true);
    });

    // The upstream counts a request when it arrives; a permit returns only rateWindowMs after its
    // request has finished, so timer lateness and latency cannot bunch arrivals past the limit.
    it('when 15 requests are fired at once with a limit of 5 per 500 ms, then the upstream never sees more than 5 in any 500 ms window', async () => {
      const { receivedAt, scope } = await burstOf15();

      expect(receivedAt).to.have.length(15);
      expect(busiestWindow(receivedAt, 500), `arrivals (ms): ${receivedAt.join(', ')}`).to.be.at.most(5);
      expect(scope.isDone()).to.equal(true);
    });

    it('when the event loop stalls for 150 ms just before a slot opens, then later requests still keep 500 ms away from the ones they follow', async () => {
      const { tickets } = makeSut({ requestsPerMinute: 5, rateWindowMs: 500 });
      const receivedAt: number[] = [];
      const start = Date.now();
      const scope = ticketList()
        .times(11)
        .reply(() => {
          receivedAt.push(Date.now() - start);
          return [200, listBody([])];
        });

      const all = Promise.all(Array.from({ length: 11 }, (_, page) => tickets.listTickets(makeClient(), { ...anyTicketQuery, page: page + 1 })));
      // A busy importer (a large page parsed, a batch written) blocks the loop now and then: at
      // 420 ms, 150 ms pass at once, and the timers due meanwhile (the permits back at 500) fire late.
      await advance(fake.clock, 420);
      fake.clock.jump(150);
      await onFakeTime(fake.clock, all);

      expect(receivedAt).to.deep.equal([0, 0, 0, 0, 0, 570, 570, 570, 570, 570, 1070]);
      expect(busiestWindow(receivedAt, 500), `arrivals (ms): ${receivedAt.join(', ')}`).to.be.at.most(5);
      expect(scope.isDone()).to.equal(true);
    });

    it('when the first 5 requests of a window are sent, then they are not delayed', async () => {
      const { tickets } = makeSut({ requestsPerMinute: 5, rateWindowMs: 500 });
      const scope = ticketList().times(5).reply(200, listBody([]));
      const start = Date.now();

      await onFakeTime(fake.clock, Promise.all(Array.from({ length: 5 }, () => tickets.listTickets(makeClient(), anyTicketQuery))));

      expect(Date.now() - start).to.equal(0);
      expect(scope.isDone()).to.equal(true);
    });

    it('when two clients each send 5 requests with a limit of 5 per 500 ms, then they do not share a budget and all finish within the first window', async () => {
      const { tickets } = makeSut({ requestsPerMinute: 5, rateWindowMs: 500 });
      const acme = makeClient();
      const globex = makeClient({ id: 'client-globex', slug: 'globex', apiBaseUrl: 'https://globex.helpdesk.example/api/v1', apiToken: 'tok-globex' });
      const acmeScope = nock(ORIGIN, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
        .get(`${BASE_PATH}/ticket`)
        .query(true)
        .times(5)
        .reply(200, listBody([]));
      const globexScope = nock('https://globex.helpdesk.example', { reqheaders: { authorization: 'Bearer tok-globex' } })
        .get(`${BASE_PATH}/ticket`)
        .query(true)
        .times(5)
        .reply(200, listBody([]));
      const start = Date.now();

      await onFakeTime(
        fake.clock,
        Promise.all([...Array.from({ length: 5 }, () => tickets.listTickets(acme, anyTicketQuery)), ...Array.from({ length: 5 }, () => tickets.listTickets(globex, anyTicketQuery))]),
      );

      expect(Date.now() - start).to.equal(0);
      expect(acmeScope.isDone()).to.equal(true);
      expect(globexScope.isDone()).to.equal(true);
    });

    it('when the throttle has been used, then the budget spans calls: the 6th request in the window waits for it', async () => {
      const { tickets } = makeSut({ requestsPerMinute: 5, rateWindowMs: 500 });
      const receivedAt: number[] = [];
      const start = Date.now();
      const scope = ticketList()
        .times(6)
        .reply(() => {
          receivedAt.push(Date.now() - start);
          return [200, listBody([])];
        });

      for (let i = 0; i < 6; i++) await onFakeTime(fake.clock, tickets.listTickets(makeClient(), anyTicketQuery));

      expect(receivedAt).to.deep.equal([0, 0, 0, 0, 0, 500]);
      expect(scope.isDone()).to.equal(true);
    });

    it('when retries happen, then they go through the throttle too', async () => {
      const { tickets } = makeSut({ requestsPerMinute: 2, rateWindowMs: 300, maxRetries: 3 });
      const receivedAt: number[] = [];
      const start = Date.now();
      const scope = ticketList()
        .times(3)
        .reply(() => {
          receivedAt.push(Date.now() - start);
          return [503, ''];
        });
      ticketList(scope).reply(() => {
        receivedAt.push(Date.now() - start);
        return [200, listBody([])];
      });

      await onFakeTime(fake.clock, tickets.listTickets(makeClient(), anyTicketQuery));

      // The third and fourth attempts wait for the permits of the first and second (back 300 ms after them).
      expect(receivedAt).to.have.length(4);
      expect(busiestWindow(receivedAt, 300), `arrivals (ms): ${receivedAt.join(', ')}`).to.be.at.most(2);
      expect(receivedAt[2]! - receivedAt[0]!).to.equal(300);
      expect(receivedAt[3]! - receivedAt[1]!).to.be.at.least(300);
      expect(scope.isDone()).to.equal(true);
    });
  });
});
