import { expect } from 'chai';
import nock from 'nock';
import { UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../../src/domain/errors.js';
import { BASE_PATH, ORIGIN, TOKEN, failureOf, listBody, makeClient, makeSut, useNock } from './upstream-test-kit.js';

describe('HttpContactSource', () => {
  useNock();

  it('when listing contacts, then it GETs contact with page and limit=50 and the Bearer header', async () => {
    const { contacts } = makeSut();
    const scope = nock(ORIGIN, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(`${BASE_PATH}/contact`)
      .query({ page: '4', limit: '50' })
      .reply(200, listBody([], 50));

    await contacts.listContacts(makeClient({ apiBaseUrl: `${ORIGIN}${BASE_PATH}/` }), { page: 4, limit: 50 });

    expect(scope.isDone()).to.equal(true);
  });

  it('when contacts come back, then they map to the domain with their tags, nulls and raw item', async () => {
    const { contacts } = makeSut();
    const full = {
      id: 'c-1042',
      name: 'João da Silva',
      phone: '+5511999990000',
      email: 'joao@example.com',
      tags: [
        { id: 't-3', name: 'VIP' },
        { id: 9, name: 'Atraso', color: '#f00' },
      ],
      createdAt: '2026-01-02T08:00:00.000Z',
      updatedAt: '2026-11-27T18:00:00.000Z',
      loyaltyTier: 'gold',
    };
    const sparse = { id: 1043, name: null, phone: null, email: null, tags: null };
    const scope = nock(ORIGIN).get(`${BASE_PATH}/contact`).query(true).reply(200, listBody([full, sparse], 50));

    const result = await contacts.listContacts(makeClient(), { page: 1, limit: 50 });

    expect(result.total).to.equal(2);
    expect(result.items).to.deep.equal([
      {
        id: 'c-1042',
        name: 'João da Silva',
        phone: '+5511999990000',
        email: 'joao@example.com',
        tags: [
          { id: 't-3', name: 'VIP' },
          { id: '9', name: 'Atraso' },
        ],
        createdAt: new Date('2026-01-02T08:00:00.000Z'),
        updatedAt: new Date('2026-11-27T18:00:00.000Z'),
        raw: full,
      },
      { id: '1043', name: null, phone: null, email: null, tags: [], createdAt: null, updatedAt: null, raw: sparse },
    ]);
    expect(scope.isDone()).to.equal(true);
  });

  it('when the contact list answers 401, then UpstreamUnauthorizedError is thrown after one request', async () => {
    const { contacts, connections } = makeSut();
    const scope = nock(ORIGIN).get(`${BASE_PATH}/contact`).query(true).reply(401, { error: 'invalid token' });

    const error = await failureOf(() => contacts.listContacts(makeClient(), { page: 1, limit: 50 }));

    expect(error).to.be.instanceOf(UpstreamUnauthorizedError);
    expect(connections.snapshot('client-acme').requests).to.equal(1);
    expect(scope.isDone()).to.equal(true);
  });

  it('when the contact list answers 404, then UpstreamUnavailableError points at the base URL', async () => {
    const { contacts } = makeSut();
    const scope = nock(ORIGIN).get(`${BASE_PATH}/contact`).query(true).reply(404);

    const error = await failureOf(() => contacts.listContacts(makeClient(), { page: 1, limit: 50 }));

    expect(error).to.be.instanceOf(UpstreamUnavailableError);
    expect(error.message).to.include('acme').and.include('apiBaseUrl');
    expect(scope.isDone()).to.equal(true);
  });

  it('when a contact lacks its id, then the page is retried as a bad body and then fails', async () => {
    const { contacts, connections } = makeSut();
    const scope = nock(ORIGIN).get(`${BASE_PATH}/contact`).query(true).times(4).reply(200, listBody([{ name: 'no id' }], 50));

    const error = await failureOf(() => contacts.listContacts(makeClient(), { page: 1, limit: 50 }));

    expect(error).to.be.instanceOf(UpstreamUnavailableError);
    expect(connections.snapshot('client-acme')).to.include({ requests: 4, retries: 3 });
    expect(scope.isDone()).to.equal(true);
  });
});
