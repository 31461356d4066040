import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import nock from 'nock';
import { AppError } from '../../../src/domain/errors.js';
import { BASE_PATH, ORIGIN, TOKEN, anyTicketQuery, failureOf, listBody, makeClient, makeSut, renderingsOf, STALLED_MS, ticketList, useNock } from './upstream-test-kit.js';

describe('UpstreamConnection secrets (the client token never leaks into errors)', () => {
  useNock();

  const failures: [string, () => nock.Scope, 'tickets' | 'messages' | 'contacts'][] = [
    ['401', () => ticketList().reply(401, { error: 'invalid token', token: TOKEN }), 'tickets'],
    ['403', () => ticketList().reply(403, `forbidden for ${TOKEN}`), 'tickets'],
    ['404 on the ticket list', () => ticketList().reply(404), 'tickets'],
    ['404 on messages', () => nock(ORIGIN).get(`${BASE_PATH}/ticket/t-1/messages`).query(true).reply(404), 'messages'],
    ['400', () => ticketList().reply(400, { error: `bad request with Authorization: Bearer ${TOKEN}` }), 'tickets'],
    ['5xx forever', () => ticketList().times(4).reply(500, `upstream echoed Bearer ${TOKEN}`), 'tickets'],
    ['429 forever', () => ticketList().times(21).reply(429, '', { 'Retry-After': '0' }), 'tickets'],
    ['a bad body forever', () => ticketList().times(4).reply(200, `<html>${TOKEN}</html>`), 'tickets'],
    ['a wrong envelope forever', () => ticketList().times(4).reply(200, { items: [], echo: TOKEN }), 'tickets'],
    ['connection resets forever', () => ticketList().times(4).replyWithError({ code: 'ECONNRESET', message: `reset while sending Bearer ${TOKEN}` }), 'tickets'],
    ['a hang forever', () => ticketList().times(4).delay(STALLED_MS).reply(200, listBody([])), 'tickets'],
    ['contacts 5xx forever', () => nock(ORIGIN).get(`${BASE_PATH}/contact`).query(true).times(4).reply(503), 'contacts'],
  ];

  for (const [label, arrange, call] of failures) {
    it(`when the upstream fails with ${label}, then the thrown error is an AppError whose message, stack, JSON and inspect output do not contain the token`, async () => {
      const { tickets, contacts } = makeSut({ timeoutMs: 100 });
      const scope = arrange();

      const error = await failureOf(() =>
        call === 'tickets'
          ? tickets.listTickets(makeClient(), anyTicketQuery)
          : call === 'messages'
            ? tickets.listMessages(makeClient(), 't-1', { page: 1, limit: 100 })
            : contacts.listContacts(makeClient(), { page: 1, limit: 50 }),
      );

      expect(error).to.be.instanceOf(AppError);
      expect(error.message).to.include(call === 'messages' ? 't-1' : '"acme"');
      for (const rendering of renderingsOf(error)) expect(rendering).to.not.include(TOKEN);
      expect(scope.isDone()).to.equal(true);
    });
  }

  it('when the token contains a character a header cannot carry (beyond Latin-1), then the error does not quote the token', async () => {
    const { tickets } = makeSut();
    const token = `${TOKEN}✓`;

    const error = await failureOf(() => tickets.listTickets(makeClient({ apiToken: token }), anyTicketQuery));

    for (const rendering of renderingsOf(error)) expect(rendering).to.not.include(TOKEN);
  });

  // The admin API accepts any 1..4096-character token, so a token pasted with a line break in it
  // can be stored. Building the ky instance then throws undici's TypeError, which quotes the
  // whole header value ("Bearer <token>"), synchronously, from UpstreamConnections.for().
  it('when the token contains a line break, then the error does not quote the token', async () => {
    const { tickets } = makeSut();
    const token = `${TOKEN}\nsecond-line`;

    const error = await failureOf(() => tickets.listTickets(makeClient({ apiToken: token }), anyTicketQuery));

    for (const rendering of renderingsOf(error)) expect(rendering).to.not.include(TOKEN);
  });

  // Real sockets: nock's own redirect handling would be tested otherwise, not undici's.
  describe('redirects (real servers on 127.0.0.1, nock switched off)', () => {
    const seen: { server: string; url: string | undefined; headers: IncomingHttpHeaders }[] = [];
    let elsewhere: Server;
    let upstream: Server;
    let upstreamUrl: string;

    before(async () => {
      elsewhere = createServer((request, response) => {
        seen.push({ server: 'elsewhere', url: request.url, headers: request.headers });
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(listBody([])));
      });
      await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
      const elsewherePort = (elsewhere.address() as AddressInfo).port;
      upstream = createServer((request, response) => {
        seen.push({ server: 'upstream', url: request.url, headers: request.headers });
        // Another origin: "localhost" and another port
        response.writeHead(302, { location: `http://localhost:${elsewherePort}${request.url}` }).end();
      });
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/api/v1`;
      nock.restore();
    });

    after(async () => {
      if (!nock.isActive()) nock.activate();
      await Promise.all([upstream, elsewhere].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    });

    it('when the upstream redirects to another origin, then the token is not forwarded there', async () => {
      const { tickets } = makeSut();

      await tickets.listTickets(makeClient({ apiBaseUrl: upstreamUrl }), anyTicketQuery);

      expect(seen.map((s) => s.server)).to.deep.equal(['upstream', 'elsewhere']);
      expect(seen[0]!.headers.authorization).to.equal(`Bearer ${TOKEN}`);
      expect(seen[1]!.headers.authorization).to.equal(undefined);
      expect(JSON.stringify(seen[1]!.headers)).to.not.include(TOKEN);
    });
  });
});
