import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import nock from 'nock';
import { TicketGoneUpstreamError, UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../../src/domain/errors.js';
import { BASE_PATH, ORIGIN, TOKEN, anyTicketQuery, failureOf, listBody, makeClient, makeSut, STALLED_MS, onFakeTime, ticketItem, ticketList, useFakeClock, useNock } from './upstream-test-kit.js';

describe('UpstreamConnection failures and retries', () => {
  useNock();

  describe('5xx', () => {
    it('when the upstream answers 503 twice and then 200, then the page is returned and two retries are counted', async () => {
      const { tickets, connections } = makeSut();
      const scope = ticketList().times(2).reply(503, 'Service Unavailable');
      ticketList(scope).reply(200, listBody([ticketItem()]));

      const result = await tickets.listTickets(makeClient(), anyTicketQuery);

      expect(result.items).to.have.length(1);
      expect(connections.snapshot('client-acme')).to.deep.equal({ requests: 3, retries: 2, rateLimited: 0 });
      expect(scope.isDone()).to.equal(true);
    });

    for (const status of [500, 502, 504, 408]) {
      it(`when the upstream answers ${status} once, then the request is retried and succeeds`, async () => {
        const { tickets } = makeSut();
        const scope = ticketList().reply(status);
        ticketList(scope).reply(200, listBody([]));

        await tickets.listTickets(makeClient(), anyTicketQuery);

        expect(scope.isDone()).to.equal(true);
      });
    }

    it('when the upstream answers 500 forever, then UpstreamUnavailableError after maxRetries+1 attempts, naming the slug and not the token', async () => {
      const { tickets, connections } = makeSut({ maxRetries: 3 });
      const scope = ticketList().times(4).reply(500, { error: 'boom' });

      const error = await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnavailableError);
      expect(error.message).to.include('"acme"').and.include('HTTP 500').and.not.include(TOKEN);
      expect(connections.snapshot('client-acme')).to.deep.equal({ requests: 4, retries: 3, rateLimited: 0 });
      expect(scope.isDone()).to.equal(true);
      expect(nock.pendingMocks()).to.deep.equal([]);
    });

    it('when maxRetries is 0 and the upstream answers 502, then it fails after exactly one request', async () => {
      const { tickets, connections } = makeSut({ maxRetries: 0 });
      const scope = ticketList().reply(502);

      const error = await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnavailableError);
      expect(connections.snapshot('client-acme')).to.deep.equal({ requests: 1, retries: 0, rateLimited: 0 });
      expect(scope.isDone()).to.equal(true);
    });

    describe('on fake time', () => {
      const fake = useFakeClock();

      it('when retrying, then the waits between attempts grow and stay within backoffMaxMs', async () => {
        // The request timeout is real time: far beyond anything this test waits.
        const { tickets } = makeSut({ backoffBaseMs: 40, backoffMaxMs: 80, maxRetries: 3, timeoutMs: 60_000 });
        const seen: number[] = [];
        const scope = ticketList()
          .times(4)
          .reply(() => {
            seen.push(Date.now());
            return [503, ''];
          });

        await onFakeTime(fake.clock, failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery)));

        const gaps = seen.slice(1).map((at, index) => at - seen[index]!);
        // ceilings 40, 80, 80 (capped), with jitter between half the ceiling and the ceiling
        expect(gaps).to.have.length(3);
        expect(gaps[0]).to.be.within(20, 40);
        expect(gaps[1]).to.be.within(40, 80);
        expect(gaps[2]).to.be.within(40, 80);
        expect(scope.isDone()).to.equal(true);
      });
    });
  });

  describe('401 / 403', () => {
    it('when the upstream answers 401, then UpstreamUnauthorizedError immediately after one request, naming the slug and not the token', async () => {
      const { tickets, connections } = makeSut();
      const scope = ticketList().reply(401, { error: 'invalid token' });
      ticketList(scope).reply(200, listBody([])); // must NOT be consumed

      const error = await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnauthorizedError);
      expect((error as UpstreamUnauthorizedError).code).to.equal('upstream_unauthorized');
      expect(error.message).to.include('"acme"').and.not.include(TOKEN);
      expect(connections.snapshot('client-acme')).to.deep.equal({ requests: 1, retries: 0, rateLimited: 0 });
      expect(scope.pendingMocks()).to.have.length(1);
    });

    it('when the upstream answers 403, then it is treated as a rejected token, without retry', async () => {
      const { tickets, connections } = makeSut();
      const scope = ticketList().reply(403, { error: 'forbidden' });

      const error = await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnauthorizedError);
      expect(connections.snapshot('client-acme').requests).to.equal(1);
      expect(scope.isDone()).to.equal(true);
    });

    it('when listing messages answers 401, then UpstreamUnauthorizedError (not TicketGone)', async () => {
      const { tickets } = makeSut();
      const scope = nock(ORIGIN).get(`${BASE_PATH}/ticket/t-1/messages`).query(true).reply(401, { error: 'invalid token' });

      const error = await failureOf(() => tickets.listMessages(makeClient(), 't-1', { page: 1, limit: 100 }));

      expect(error).to.be.instanceOf(UpstreamUnauthorizedError);
      expect(scope.isDone()).to.equal(true);
    });
  });

  describe('404 and other 4xx', () => {
    it('when listing messages answers 404, then TicketGoneUpstreamError for that uuid, after one request', async () => {
      const { tickets, connections } = makeSut();
      const scope = nock(ORIGIN).get(`${BASE_PATH}/ticket/t-gone/messages`).query(true).reply(404, { error: 'not found' });

      const error = await failureOf(() => tickets.listMessages(makeClient(), 't-gone', { page: 1, limit: 100 }));

      expect(error).to.be.instanceOf(TicketGoneUpstreamError);
      expect((error as TicketGoneUpstreamError).ticketUuid).to.equal('t-gone');
      expect(connections.snapshot('client-acme').requests).to.equal(1);
      expect(scope.isDone()).to.equal(true);
    });

    it('when the ticket list answers 404, then UpstreamUnavailableError naming the slug and the apiBaseUrl, without retry', async () => {
      const { tickets, connections } = makeSut();
      const scope = ticketList().reply(404, '<html>Not Found</html>');

      const error = await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnavailableError);
      expect(error.message).to.include('"acme"').and.include('apiBaseUrl').and.not.include(TOKEN);
      expect(connections.snapshot('client-acme').requests).to.equal(1);
      expect(scope.isDone()).to.equal(true);
    });

    it('when the upstream answers 400, then UpstreamUnavailableError naming the status, without retry', async () => {
      const { tickets, connections } = makeSut();
      const scope = ticketList().reply(400, { error: 'bad updatedAtFrom' });

      const error = await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnavailableError);
      expect(error.message).to.include('HTTP 400').and.include('"acme"');
      expect(connections.snapshot('client-acme').requests).to.equal(1);
      expect(scope.isDone()).to.equal(true);
    });
  });

  describe('bad bodies with 200', () => {
    const badBodies: [string, string | object][] = [
      ['truncated JSON', '{"data":[{"uuid":"t-1","updatedAt":"2026-11-28T12:30:05.120Z"},{"uu'],
      ['an HTML page from a proxy', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
      ['an empty body', ''],
      ['a wrong envelope {"items":[]}', { items: [] }],
      ['"data": null', { data: null, meta: {} }],
      ['a ticket without updatedAt', listBody([ticketItem({ updatedAt: undefined })])],
      ['a ticket with an unreadable updatedAt', listBody([ticketItem({ updatedAt: 'yesterday' })])],
      ['a JSON array instead of the envelope', [ticketItem()]],
    ];

    for (const [label, body] of badBodies) {
      it(`when a 200 carries ${label} and then a good page, then it is retried and the good page is returned`, async () => {
        const { tickets, connections } = makeSut();
        const scope = ticketList().reply(200, body);
        ticketList(scope).reply(200, listBody([ticketItem()]));

        const result = await tickets.listTickets(makeClient(), anyTicketQuery);

        expect(result.items).to.have.length(1);
        expect(connections.snapshot('client-acme')).to.include({ requests: 2, retries: 1 });
        expect(scope.isDone()).to.equal(true);
      });
    }

    it('when every 200 carries {"items":[]}, then UpstreamUnavailableError after maxRetries+1 attempts', async () => {
      const { tickets, connections } = makeSut();
      const scope = ticketList().times(4).reply(200, { items: [] });

      const error = await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnavailableError);
      expect(error.message).to.include('"acme"').and.include('an unexpected body');
      expect(connections.snapshot('client-acme')).to.include({ requests: 4, retries: 3 });
      expect(scope.isDone()).to.equal(true);
    });

    it('when every page has a ticket without updatedAt, then UpstreamUnavailableError after maxRetries+1 attempts', async () => {
      const { tickets } = makeSut();
      const scope = ticketList().times(4).reply(200, listBody([ticketItem(), ticketItem({ uuid: 't-2', updatedAt: null })]));

      const error = await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnavailableError);
      expect(scope.isDone()).to.equal(true);
    });

    it('when every body is truncated JSON, then the final error says the body was not valid JSON', async () => {
      const { tickets } = makeSut();
      const scope = ticketList().times(4).reply(200, '{"data":[', { 'content-type': 'application/json' });

      const error = await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnavailableError);
      expect(error.message).to.include('not valid JSON');
      expect(scope.isDone()).to.equal(true);
    });
  });

  describe('network errors', () => {
    it('when the connection is reset once, then the request is retried and succeeds', async () => {
      const { tickets, connections } = makeSut();
      const scope = ticketList().replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      ticketList(scope).reply(200, listBody([ticketItem()]));

      const result = await tickets.listTickets(makeClient(), anyTicketQuery);

      expect(result.items).to.have.length(1);
      expect(connections.snapshot('client-acme')).to.include({ requests: 2, retries: 1 });
      expect(scope.isDone()).to.equal(true);
    });

    it('when the connection is reset every time, then UpstreamUnavailableError after maxRetries+1 attempts', async () => {
      const { tickets } = makeSut();
      const scope = ticketList().times(4).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });

      const error = await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnavailableError);
      expect(error.message).to.include('network error').and.not.include(TOKEN);
      expect(scope.isDone()).to.equal(true);
    });

    describe('against a real socket on 127.0.0.1', () => {
      let server: Server;
      let port: number;
      let connections = 0;

      before(async () => {
        // Accepts and immediately resets every connection: real undici errors, not nock's.
        server = createServer((socket) => {
          connections += 1;
          socket.resetAndDestroy();
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        port = (server.address() as AddressInfo).port;
      });

      after(async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });

      it('when the server resets every connection, then it is retried and the final error names the network error code', async () => {
        const { tickets } = makeSut({ maxRetries: 2 });
        connections = 0;

        const error = await failureOf(() => tickets.listTickets(makeClient({ apiBaseUrl: `http://127.0.0.1:${port}/api/v1` }), anyTicketQuery));

        expect(error).to.be.instanceOf(UpstreamUnavailableError);
        expect(error.message).to.match(/network error (ECONNRESET|UND_ERR_SOCKET)/);
        expect(connections).to.equal(3);
      });
    });
  });

  describe('timeouts (on real time: AbortSignal.timeout)', () => {
    // The timeout is AbortSignal.timeout, on real time: the stalled answers come long after the
    // test's own time limit, so only the timeout can end them, and the counts say what happened.
    it('when the headers stall once, then the attempt is abandoned at its timeout and the retry succeeds', async () => {
      const { tickets, connections } = makeSut({ timeoutMs: 300 });
      const scope = ticketList().delay(STALLED_MS).reply(200, listBody([]));
      ticketList(scope).reply(200, listBody([ticketItem()]));

      const result = await tickets.listTickets(makeClient(), anyTicketQuery);

      expect(result.items).to.have.length(1);
      expect(connections.snapshot('client-acme')).to.include({ requests: 2, retries: 1 });
      expect(scope.isDone()).to.equal(true);
    });

    it('when the headers arrive but the body stalls forever, then the attempt is abandoned and the retry succeeds', async () => {
      const { tickets, connections } = makeSut({ timeoutMs: 300 });
      const scope = ticketList().delayBody(STALLED_MS).reply(200, listBody([ticketItem({ uuid: 'stalled' })]));
      ticketList(scope).reply(200, listBody([ticketItem({ uuid: 'fresh' })]));

      const result = await tickets.listTickets(makeClient(), anyTicketQuery);

      expect(result.items.map((t) => t.uuid)).to.deep.equal(['fresh']);
      expect(connections.snapshot('client-acme')).to.include({ requests: 2, retries: 1 });
      expect(scope.isDone()).to.equal(true);
    });

    it('when the upstream hangs every time, then UpstreamUnavailableError after maxRetries+1 attempts of ~timeoutMs each', async () => {
      const { tickets, connections } = makeSut({ timeoutMs: 200, maxRetries: 2 });
      const scope = ticketList().times(3).delay(STALLED_MS).reply(200, listBody([]));

      const error = await failureOf(() => tickets.listTickets(makeClient(), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnavailableError);
      expect(error.message).to.include('"acme"').and.include('within 200 ms').and.not.include(TOKEN);
      expect(connections.snapshot('client-acme')).to.include({ requests: 3, retries: 2 });
      expect(scope.isDone()).to.equal(true);
    });

    it('when a reply takes less than timeoutMs, head and body together, then it is not treated as a timeout', async () => {
      // 100 + 100 ms of real delay against a timeout a loaded machine cannot reach.
      const { tickets, connections } = makeSut({ timeoutMs: 10_000 });
      const scope = ticketList().delay({ head: 100, body: 100 }).reply(200, listBody([ticketItem()]));

      const result = await tickets.listTickets(makeClient(), anyTicketQuery);

      expect(result.items).to.have.length(1);
      expect(connections.snapshot('client-acme')).to.include({ requests: 1, retries: 0 });
      expect(scope.isDone()).to.equal(true);
    });
  });
});
