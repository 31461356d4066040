import { expect } from 'chai';
import nock from 'nock';
import { BASE_PATH, ORIGIN, TOKEN, listBody, makeClient, makeSut, ticketItem, useNock } from './upstream-test-kit.js';

describe('HttpTicketSource (requests and mapping)', () => {
  useNock();

  describe('listTickets', () => {
    it('when listing tickets, then it sends the client token as a Bearer header and asks for JSON', async () => {
      const { tickets } = makeSut();
      const scope = nock(ORIGIN, { reqheaders: { authorization: `Bearer ${TOKEN}`, accept: /application\/json/ } })
        .get(`${BASE_PATH}/ticket`)
        .query(true)
        .reply(200, listBody([]));

      await tickets.listTickets(makeClient(), { updatedAtFrom: new Date('2026-11-28T10:15:00.000Z'), page: 1, limit: 100 });

      expect(scope.isDone()).to.equal(true);
    });

    it('when listing tickets, then updatedAtFrom is sent as ISO-8601 UTC with milliseconds, with page and limit', async () => {
      const { tickets } = makeSut();
      const scope = nock(ORIGIN)
        .get(`${BASE_PATH}/ticket`)
        .query({ updatedAtFrom: '2026-11-28T10:15:00.000Z', page: '3', limit: '100' })
        .reply(200, listBody([]));

      await tickets.listTickets(makeClient(), { updatedAtFrom: new Date(Date.UTC(2026, 10, 28, 10, 15, 0, 0)), page: 3, limit: 100 });

      expect(scope.isDone()).to.equal(true);
    });

    it('when updatedAtFrom has sub-second precision, then the milliseconds are kept in the query', async () => {
      const { tickets } = makeSut();
      const scope = nock(ORIGIN)
        .get(`${BASE_PATH}/ticket`)
        .query({ updatedAtFrom: '2026-11-28T12:30:05.120Z', page: '1', limit: '50' })
        .reply(200, listBody([]));

      await tickets.listTickets(makeClient(), { updatedAtFrom: new Date('2026-11-28T12:30:05.120Z'), page: 1, limit: 50 });

      expect(scope.isDone()).to.equal(true);
    });

    for (const apiBaseUrl of [`${ORIGIN}${BASE_PATH}`, `${ORIGIN}${BASE_PATH}/`, `${ORIGIN}${BASE_PATH}//`]) {
      it(`when the stored base URL is "${apiBaseUrl}", then the path is appended once, without a double slash`, async () => {
        const { tickets } = makeSut();
        const scope = nock(ORIGIN).get(`${BASE_PATH}/ticket`).query(true).reply(200, listBody([]));

        await tickets.listTickets(makeClient({ apiBaseUrl }), { updatedAtFrom: new Date(), page: 1, limit: 100 });

        expect(scope.isDone()).to.equal(true);
      });
    }

    it('when the upstream returns a full ticket, then it is mapped to the domain with dates as Dates and the whole item kept in raw', async () => {
      const { tickets } = makeSut();
      const item = ticketItem({ closedAt: '2026-11-29T08:00:00.000Z' });
      const scope = nock(ORIGIN).get(`${BASE_PATH}/ticket`).query(true).reply(200, listBody([item]));

      const {
        items: [ticket, ...rest],
      } = await tickets.listTickets(makeClient(), { updatedAtFrom: new Date(), page: 1, limit: 100 });

      expect(rest).to.have.length(0);
      expect(ticket).to.deep.equal({
        uuid: '0b6f1c1e-6c1a-4c51-9d0e-6a5f1f0e2a10',
        protocol: '2026112800123',
        subject: 'Pedido não entregue',
        status: 'open',
        channel: 'whatsapp',
        contactId: 'c-1042',
        createdAt: new Date('2026-11-20T09:00:00.000Z'),
        updatedAt: new Date('2026-11-28T12:30:05.120Z'),
        closedAt: new Date('2026-11-29T08:00:00.000Z'),
        raw: item,
      });
      expect(scope.isDone()).to.equal(true);
    });

    it('when optional ticket fields are null or absent, then they map to null', async () => {
      const { tickets } = makeSut();
      const scope = nock(ORIGIN)
        .get(`${BASE_PATH}/ticket`)
        .query(true)
        .reply(200, listBody([{ uuid: 't-1', subject: null, channel: null, contactId: null, assignee: null, updatedAt: '2026-11-28T12:30:05.120Z', closedAt: null }]));

      const {
        items: [ticket],
      } = await tickets.listTickets(makeClient(), { updatedAtFrom: new Date(), page: 1, limit: 100 });

      expect(ticket).to.include({ uuid: 't-1', protocol: null, subject: null, status: null, channel: null, contactId: null, createdAt: null, closedAt: null });
      expect(ticket!.updatedAt.toISOString()).to.equal('2026-11-28T12:30:05.120Z');
      expect(scope.isDone()).to.equal(true);
    });

    it('when a ticket carries unknown extra fields, then it is accepted and they are kept in raw', async () => {
      const { tickets } = makeSut();
      const item = ticketItem({ priority: 'high', customFields: { orderId: 'A-77', flags: [1, 2] }, slaBreached: true });
      const scope = nock(ORIGIN).get(`${BASE_PATH}/ticket`).query(true).reply(200, listBody([item]));

      const {
        items: [ticket],
      } = await tickets.listTickets(makeClient(), { updatedAtFrom: new Date(), page: 1, limit: 100 });

      expect(ticket!.raw).to.deep.equal(item);
      expect(ticket!.raw).to.include({ priority: 'high', slaBreached: true });
      expect(ticket!.raw.customFields).to.deep.equal({ orderId: 'A-77', flags: [1, 2] });
      expect(scope.isDone()).to.equal(true);
    });

    it('when ids and text fields come as numbers, then they are coerced to strings', async () => {
      const { tickets } = makeSut();
      const scope = nock(ORIGIN)
        .get(`${BASE_PATH}/ticket`)
        .query(true)
        .reply(200, listBody([ticketItem({ uuid: 1234, protocol: 2026112800123, contactId: 1042 })]));

      const {
        items: [ticket],
      } = await tickets.listTickets(makeClient(), { updatedAtFrom: new Date(), page: 1, limit: 100 });

      expect(ticket).to.include({ uuid: '1234', protocol: '2026112800123', contactId: '1042' });
      expect(scope.isDone()).to.equal(true);
    });

    it('when a status outside open/pending/closed appears, then it is passed through', async () => {
      const { tickets } = makeSut();
      const scope = nock(ORIGIN).get(`${BASE_PATH}/ticket`).query(true).reply(200, listBody([ticketItem({ status: 'escalated' })]));

      const {
        items: [ticket],
      } = await tickets.listTickets(makeClient(), { updatedAtFrom: new Date(), page: 1, limit: 100 });

      expect(ticket!.status).to.equal('escalated');
      expect(scope.isDone()).to.equal(true);
    });

    it('when a page past the end is empty, then an empty list is returned after one request', async () => {
      const { tickets, connections } = makeSut();
      const scope = nock(ORIGIN).get(`${BASE_PATH}/ticket`).query(true).reply(200, { data: [], meta: { page: 9, limit: 100, total: 3, totalPages: 1 } });

      const result = await tickets.listTickets(makeClient(), { updatedAtFrom: new Date(), page: 9, limit: 100 });

      expect(result).to.deep.equal({ items: [], total: 3 });
      expect(connections.snapshot('client-acme')).to.deep.equal({ requests: 1, retries: 0, rateLimited: 0 });
      expect(scope.isDone()).to.equal(true);
    });

    for (const [described, meta] of [
      ['no meta', undefined],
      ['a meta without total', { page: 1, limit: 100 }],
      ['a total that is not a count', { page: 1, limit: 100, total: '12' }],
      ['a negative total', { page: 1, limit: 100, total: -1 }],
    ] as const) {
      it(`when the listing has ${described}, then its tickets are still returned, with no total`, async () => {
        const { tickets } = makeSut();
        nock(ORIGIN).get(`${BASE_PATH}/ticket`).query(true).reply(200, { data: [ticketItem()], ...(meta ? { meta } : {}) });

        const result = await tickets.listTickets(makeClient(), { updatedAtFrom: new Date(), page: 1, limit: 100 });

        expect(result.items).to.have.length(1);
        expect(result.total).to.equal(null);
      });
    }

    it('when the body has no meta, then the items are still returned (meta is not relied on)', async () => {
      const { tickets } = makeSut();
      const scope = nock(ORIGIN).get(`${BASE_PATH}/ticket`).query(true).reply(200, { data: [ticketItem()] });

      const result = await tickets.listTickets(makeClient(), { updatedAtFrom: new Date(), page: 1, limit: 100 });

      expect(result.items).to.have.length(1);
      expect(scope.isDone()).to.equal(true);
    });
  });

  describe('listMessages', () => {
    const uuid = '0b6f1c1e-6c1a-4c51-9d0e-6a5f1f0e2a10';

    it('when listing messages, then it GETs ticket/<uuid>/messages with page and limit and the Bearer header', async () => {
      const { tickets } = makeSut();
      const scope = nock(ORIGIN, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
        .get(`${BASE_PATH}/ticket/${uuid}/messages`)
        .query({ page: '2', limit: '100' })
        .reply(200, listBody([]));

      await tickets.listMessages(makeClient(), uuid, { page: 2, limit: 100 });

      expect(scope.isDone()).to.equal(true);
    });

    it('when the ticket uuid holds reserved URL characters, then it is percent-encoded as one path segment', async () => {
      const { tickets } = makeSut();
      const scope = nock(ORIGIN).get(`${BASE_PATH}/ticket/a%2Fb%20c%3Fd%23e/messages`).query({ page: '1', limit: '100' }).reply(200, listBody([]));

      await tickets.listMessages(makeClient(), 'a/b c?d#e', { page: 1, limit: 100 });

      expect(scope.isDone()).to.equal(true);
    });

    it('when messages come back, then they map to the domain with the requested ticket uuid, sender name and raw item', async () => {
      const { tickets } = makeSut();
      const text = {
        id: 'm-99812',
        ticketUuid: uuid,
        direction: 'in',
        type: 'text',
        body: 'Olá, meu pedido não chegou 😕',
        mediaUrl: null,
        sender: { id: 'c-1042', name: 'João' },
        createdAt: '2026-11-28T12:29:59.004Z',
        reactions: ['👍'],
      };
      const media = { id: 99813, direction: 'out', type: 'image', body: null, mediaUrl: 'https://cdn.example/x.png', sender: null, createdAt: '2026-11-28T12:31:00.000Z' };
      const scope = nock(ORIGIN).get(`${BASE_PATH}/ticket/${uuid}/messages`).query(true).reply(200, listBody([text, media]));

      const messages = await tickets.listMessages(makeClient(), uuid, { page: 1, limit: 100 });

      expect(messages).to.deep.equal([
        {
          id: 'm-99812',
          ticketUuid: uuid,
          direction: 'in',
          type: 'text',
          body: 'Olá, meu pedido não chegou 😕',
          mediaUrl: null,
          senderName: 'João',
          createdAt: new Date('2026-11-28T12:29:59.004Z'),
          raw: text,
        },
        {
          id: '99813',
          ticketUuid: uuid,
          direction: 'out',
          type: 'image',
          body: null,
          mediaUrl: 'https://cdn.example/x.png',
          senderName: null,
          createdAt: new Date('2026-11-28T12:31:00.000Z'),
          raw: media,
        },
      ]);
      expect(scope.isDone()).to.equal(true);
    });
  });
});
