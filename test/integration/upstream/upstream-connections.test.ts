import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import nock from 'nock';
import { UpstreamUnavailableError } from '../../../src/domain/errors.js';
import { BASE_PATH, ORIGIN, TOKEN, anyTicketQuery, failureOf, listBody, makeClient, makeSut, ticketItem, ticketList, useNock } from './upstream-test-kit.js';

describe('UpstreamConnections (one connection per client)', () => {
  useNock();

  it('when nothing was sent for a client, then its snapshot is all zeros', () => {
    const { connections } = makeSut();

    expect(connections.snapshot('never-used')).to.deep.equal({ requests: 0, retries: 0, rateLimited: 0 });
  });

  it('when a snapshot is taken, then later requests do not change it (it is a copy)', async () => {
    const { tickets, connections } = makeSut();
    const scope = ticketList().times(2).reply(200, listBody([]));
    await tickets.listTickets(makeClient(), anyTicketQuery);

    const snapshot = connections.snapshot('client-acme');
    await tickets.listTickets(makeClient(), anyTicketQuery);

    expect(snapshot.requests).to.equal(1);
    expect(connections.snapshot('client-acme').requests).to.equal(2);
    expect(scope.isDone()).to.equal(true);
  });

  it("when a client's token is changed, then the next request carries the new token", async () => {
    const { tickets } = makeSut();
    const oldScope = nock(ORIGIN, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(`${BASE_PATH}/ticket`)
      .query(true)
      .reply(200, listBody([]));
    const newScope = nock(ORIGIN, { reqheaders: { authorization: 'Bearer rotated-token' } })
      .get(`${BASE_PATH}/ticket`)
      .query(true)
      .reply(200, listBody([]));

    await tickets.listTickets(makeClient(), anyTicketQuery);
    await tickets.listTickets(makeClient({ apiToken: 'rotated-token' }), anyTicketQuery);

    expect(oldScope.isDone()).to.equal(true);
    expect(newScope.isDone()).to.equal(true);
  });

  it("when a client's base URL is changed, then the next request goes to the new host", async () => {
    const { tickets } = makeSut();
    const oldScope = ticketList().reply(200, listBody([]));
    const newScope = nock('https://new.helpdesk.example').get('/v2/ticket').query(true).reply(200, listBody([ticketItem()]));

    await tickets.listTickets(makeClient(), anyTicketQuery);
    const result = await tickets.listTickets(makeClient({ apiBaseUrl: 'https://new.helpdesk.example/v2' }), anyTicketQuery);

    expect(result.items).to.have.length(1);
    expect(oldScope.isDone()).to.equal(true);
    expect(newScope.isDone()).to.equal(true);
  });

  // nock's fetch passthrough drops undici's `dispatcher`, so these run with nock switched off.
  describe('TLS against a self-signed server on 127.0.0.1', () => {
    let server: Server;
    let baseUrl: string;
    let dir: string;
    let hits = 0;

    before(async function () {
      dir = mkdtempSync(join(tmpdir(), 'upstream-tls-'));
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      } catch {
        this.skip();
      }
      server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (request, response) => {
        hits += 1;
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(listBody([ticketItem({ uuid: request.headers.authorization })])));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
      nock.restore();
    });

    after(async () => {
      if (!nock.isActive()) nock.activate();
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    });

    beforeEach(() => {
      hits = 0;
    });

    it('when tlsInsecure is false, then the self-signed certificate fails at once with a clear certificate error', async () => {
      const { tickets, connections } = makeSut({ tlsInsecure: false, maxRetries: 3 });

      const error = await failureOf(() => tickets.listTickets(makeClient({ apiBaseUrl: baseUrl }), anyTicketQuery));

      expect(error).to.be.instanceOf(UpstreamUnavailableError);
      expect(error.message).to.include('"acme"').and.include('DEPTH_ZERO_SELF_SIGNED_CERT').and.include('EXTERNAL_API_TLS_INSECURE');
      expect(connections.snapshot('client-acme')).to.include({ requests: 1, retries: 0 });
      expect(hits).to.equal(0);
    });

    it('when tlsInsecure is true, then the self-signed certificate is accepted', async () => {
      const { tickets } = makeSut({ tlsInsecure: true });

      const {
        items: [ticket],
      } = await tickets.listTickets(makeClient({ apiBaseUrl: baseUrl }), anyTicketQuery);

      expect(ticket!.uuid).to.equal(`Bearer ${TOKEN}`);
      expect(hits).to.equal(1);
    });
  });
});
