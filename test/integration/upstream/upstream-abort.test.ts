import { getEventListeners } from 'node:events';
import { expect } from 'chai';
import nock from 'nock';
import { BASE_PATH, ORIGIN, anyTicketQuery, listBody, makeClient, makeSut, ticketList, useNock } from './upstream-test-kit.js';

const TICKET = '0b6f1c1e-6c1a-4c51-9d0e-6a5f1f0e2a10';
const page = { page: 1, limit: 100 };

/** Waits for a condition the test can observe (what the adapter counted), never for a time. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** A promise and the function that settles it: the tests wait on what the upstream saw, never on the clock. */
function signalled(): { seen: Promise<void>; see: () => void } {
  let see!: () => void;
  return { seen: new Promise<void>((resolve) => (see = resolve)), see };
}

describe('UpstreamConnection abort (a client run that ends stops its requests at once)', () => {
  useNock();

  it('when 30 message requests queue behind a budget of 2 and the signal aborts, then all still waiting reject at once with its reason and never go out', async () => {
    const { tickets, connections } = makeSut({ requestsPerMinute: 2 });
    const controller = new AbortController();
    const reason = new Error('the run of client acme ended');
    let hits = 0;
    let answered = 0;
    const scope = nock(ORIGIN)
      .get(`${BASE_PATH}/ticket/${TICKET}/messages`)
      .query(true)
      .times(2)
      .reply(() => {
        hits += 1;
        return [200, listBody([])];
      });

    const calls = Array.from({ length: 30 }, () => tickets.listMessages(makeClient(), TICKET, page, controller.signal).then((m) => ((answered += 1), m)));
    const outcomes = Promise.allSettled(calls);
    await until(() => answered === 2);
    controller.abort(reason);
    const settled = await outcomes;

    const rejected = settled.filter((s) => s.status === 'rejected');
    expect(settled.filter((s) => s.status === 'fulfilled')).to.have.length(2);
    expect(rejected).to.have.length(28);
    expect(rejected.every((s) => (s as PromiseRejectedResult).reason === reason)).to.equal(true);
    expect(hits).to.equal(2);
    expect(connections.snapshot('client-acme').requests).to.equal(2);
    expect(scope.isDone()).to.equal(true);
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
  });

  it('when the signal aborts while a request is in flight, then that request is aborted and the call rejects with the reason, without a retry', async () => {
    const { tickets, connections } = makeSut({ timeoutMs: 15_000 });
    const controller = new AbortController();
    const reason = new Error('stop requested');
    const arrived = signalled();
    const scope = ticketList().delay(10_000).reply(200, listBody([]));
    scope.on('request', () => arrived.see());

    const call = tickets.listTickets(makeClient(), anyTicketQuery, controller.signal).catch((e: unknown) => e);
    await arrived.seen;
    controller.abort(reason);

    expect(await call).to.equal(reason);
    expect(connections.snapshot('client-acme')).to.deep.equal({ requests: 1, retries: 0, rateLimited: 0 });
  });

  it('when the signal aborts during a retry backoff, then the call rejects at once and the retry never goes out', async () => {
    const { contacts, connections } = makeSut({ backoffBaseMs: 60_000, backoffMaxMs: 60_000 });
    const controller = new AbortController();
    const reason = new Error('client failed');
    const scope = nock(ORIGIN).get(`${BASE_PATH}/contact`).query(true).reply(503, { error: 'unavailable' });

    const call = contacts.listContacts(makeClient(), page, controller.signal).catch((e: unknown) => e);
    await until(() => connections.snapshot('client-acme').retries === 1);
    controller.abort(reason);

    expect(await call).to.equal(reason);
    expect(connections.snapshot('client-acme')).to.deep.equal({ requests: 1, retries: 1, rateLimited: 0 });
    expect(scope.isDone()).to.equal(true);
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
  });

  it('when the signal aborts during a 429 pause, then the paused call and the ones queued behind the pause reject at once; nothing more goes out', async () => {
    const { tickets, connections } = makeSut();
    const controller = new AbortController();
    const reason = new Error('client stopped');
    const scope = ticketList().reply(429, { error: 'rate limited' }, { 'Retry-After': '600' });

    const first = tickets.listTickets(makeClient(), anyTicketQuery, controller.signal).catch((e: unknown) => e);
    await until(() => connections.snapshot('client-acme').rateLimited === 1);
    const queued = Array.from({ length: 3 }, () => tickets.listTickets(makeClient(), anyTicketQuery, controller.signal).catch((e: unknown) => e));
    controller.abort(reason);

    expect(await first).to.equal(reason);
    expect(await Promise.all(queued)).to.deep.equal([reason, reason, reason]);
    expect(connections.snapshot('client-acme')).to.deep.equal({ requests: 1, retries: 0, rateLimited: 1 });
    expect(scope.isDone()).to.equal(true);
  });

  it('when the signal is aborted before the call, then it rejects with the reason and sends nothing', async () => {
    const { tickets, connections } = makeSut();
    const reason = new Error('already over');

    const error = await tickets.listTickets(makeClient(), anyTicketQuery, AbortSignal.abort(reason)).catch((e: unknown) => e);

    expect(error).to.equal(reason);
    expect(connections.snapshot('client-acme').requests).to.equal(0);
  });

  it('when calls with a signal succeed, then they leave at most one abort listener on it, however many there were', async () => {
    const { tickets } = makeSut({ requestsPerMinute: 3, concurrency: 2 });
    const controller = new AbortController();
    const scope = ticketList().times(3).reply(200, listBody([]));

    await Promise.all(Array.from({ length: 3 }, () => tickets.listTickets(makeClient(), anyTicketQuery, controller.signal)));

    expect(getEventListeners(controller.signal, 'abort')).to.have.length.at.most(1);
    expect(scope.isDone()).to.equal(true);
  });
});
