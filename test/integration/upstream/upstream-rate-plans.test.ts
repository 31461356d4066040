import { expect } from 'chai';
import nock from 'nock';
import { generateDataset } from '../../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../../tools/upstream-simulator/simulator.js';
import { BASE_PATH, ORIGIN, anyTicketQuery, listBody, makeClient, makeSut, ticketList, useNock } from './upstream-test-kit.js';

const TICKET = '0b6f1c1e-6c1a-4c51-9d0e-6a5f1f0e2a10';

/** Waits for a condition the test can observe, never for a time. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe("UpstreamConnections and each client's rate plan", () => {
  describe('a changed plan (nock)', () => {
    useNock();

    it('when a client has no plan of its own, then the service default applies; with one, its own', async () => {
      const { tickets, connections } = makeSut({ requestsPerMinute: 1 });
      let hits = 0;
      const scope = ticketList().times(3).reply(() => ((hits += 1), [200, listBody([])]));
      const own = makeClient({ id: 'client-own', requestsPerMinute: 2 });
      const controller = new AbortController();

      await tickets.listTickets(makeClient(), anyTicketQuery);
      const waitingDefault = tickets.listTickets(makeClient(), anyTicketQuery, controller.signal).catch((e: unknown) => e);
      await Promise.all([tickets.listTickets(own, anyTicketQuery), tickets.listTickets(own, anyTicketQuery)]);
      controller.abort(new Error('done'));

      expect((await waitingDefault as Error).message).to.equal('done');
      expect(hits).to.equal(3);
      expect(connections.snapshot('client-own').requests).to.equal(2);
      expect(scope.isDone()).to.equal(true);
    });

    it('when the plan is raised, then requests waiting for a permit go at once on the same connection', async () => {
      const { tickets, connections } = makeSut();
      let hits = 0;
      nock(ORIGIN).get(`${BASE_PATH}/ticket/${TICKET}/messages`).query(true).times(4).reply(() => ((hits += 1), [200, listBody([])]));
      const controller = new AbortController();
      const reason = new Error('enough');
      const page = { page: 1, limit: 100 };

      const ask = (rpm: number) => tickets.listMessages(makeClient({ requestsPerMinute: rpm }), TICKET, page, controller.signal);
      await Promise.all([ask(2), ask(2)]);
      const third = ask(2);
      await Promise.all([third, ask(4)]);
      const fifth = ask(4).catch((e: unknown) => e);
      controller.abort(reason);

      expect(await fifth).to.equal(reason);
      expect(hits).to.equal(4);
      expect(connections.snapshot('client-acme').requests, 'one connection kept its counters').to.equal(4);
    });

    it('when the plan is lowered, then the requests already in the window still count: none goes until fewer than the new plan remain', async () => {
      const { tickets, connections } = makeSut();
      let hits = 0;
      nock(ORIGIN).get(`${BASE_PATH}/ticket/${TICKET}/messages`).query(true).times(3).reply(() => ((hits += 1), [200, listBody([])]));
      const controller = new AbortController();
      const reason = new Error('enough');
      const page = { page: 1, limit: 100 };
      const ask = (rpm: number) => tickets.listMessages(makeClient({ requestsPerMinute: rpm }), TICKET, page, controller.signal);

      await Promise.all([ask(4), ask(4)]);
      let answered = 0;
      // Lowered to 2 with 2 in the window: neither may go. Had the window been forgotten, both would.
      const third = ask(2).then(() => (answered += 1));
      const fourth = ask(2).then(() => (answered += 1)).catch((e: unknown) => e);
      connections.for(makeClient({ requestsPerMinute: 3 }));
      await until(() => answered === 1);
      controller.abort(reason);

      await third;
      expect(await fourth).to.equal(reason);
      expect(hits).to.equal(3);
    });
  });

  describe('two clients with their own plans against the upstream simulator', () => {
    const WINDOW = 1_500;
    let simulator: UpstreamSimulator;
    let baseUrl: string;

    before(() => nock.enableNetConnect());
    beforeEach(async () => {
      // The upstream's own per-token limits, and no shared one: a client over its plan would get 429s.
      simulator = new UpstreamSimulator({ rateWindowMs: WINDOW });
      baseUrl = await simulator.listen();
      simulator.addAccount('small-plan-token', 'small', generateDataset(1, { tickets: 5, messagesPerTicket: 1, contacts: 40 }), { requestsPerMinute: 3 });
      simulator.addAccount('large-plan-token', 'large', generateDataset(2, { tickets: 5, messagesPerTicket: 1, contacts: 40 }), { requestsPerMinute: 8 });
    });
    afterEach(() => simulator.close());

    it('when both page contacts at once, then each spends its own full budget per window and the upstream answers no 429', async function () {
      this.timeout(30_000);
      const { contacts } = makeSut({ rateWindowMs: WINDOW, requestsPerMinute: 1, concurrency: 8 });
      const small = makeClient({ id: 'client-small', slug: 'small', apiBaseUrl: baseUrl, apiToken: 'small-plan-token', requestsPerMinute: 3 });
      const large = makeClient({ id: 'client-large', slug: 'large', apiBaseUrl: baseUrl, apiToken: 'large-plan-token', requestsPerMinute: 8 });
      const pages = (client: typeof small, count: number) => Array.from({ length: count }, (_, i) => contacts.listContacts(client, { page: (i % 4) + 1, limit: 10 }));

      const results = await Promise.all([...pages(small, 6), ...pages(large, 16)]);

      expect(results).to.have.length(22);
      expect(simulator.requests.filter((r) => r.status === 429)).to.deep.equal([]);
      expect(simulator.requests.filter((r) => r.token === 'small-plan-token')).to.have.length(6);
      expect(simulator.requests.filter((r) => r.token === 'large-plan-token')).to.have.length(16);
      expect(simulator.busiestWindow('small-plan-token', WINDOW)).to.equal(3);
      expect(simulator.busiestWindow('large-plan-token', WINDOW)).to.equal(8);
    });
  });
});
