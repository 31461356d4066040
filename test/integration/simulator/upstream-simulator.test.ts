import { expect } from 'chai';
import { generateDataset } from '../../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../../tools/upstream-simulator/simulator.js';

describe('Upstream simulator (smoke: it honours docs/upstream-api.md)', () => {
  let simulator: UpstreamSimulator;
  let baseUrl: string;
  const get = async (path: string, token = 'tok') => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, headers: response.headers, body: (await response.json()) as { data: Record<string, string>[]; meta: Record<string, number> } };
  };

  beforeEach(async () => {
    simulator = new UpstreamSimulator({ requestsPerMinute: 20, rateWindowMs: 500 });
    baseUrl = await simulator.listen();
    simulator.addAccount('tok', 'acme', generateDataset(1, { tickets: 30, messagesPerTicket: 3, contacts: 12, sameInstantGroup: 5 }));
  });
  afterEach(() => simulator.close());

  it('when tickets are listed, then they are sorted by updatedAt then uuid, filtered inclusively and paged in the envelope', async () => {
    const all = await get('/ticket?page=1&limit=100');
    const from = all.body.data[10]!.updatedAt!;
    const since = await get(`/ticket?updatedAtFrom=${encodeURIComponent(from)}&page=2&limit=5`);

    const keys = all.body.data.map((t) => `${t.updatedAt}|${t.uuid}`);
    expect(keys).to.deep.equal([...keys].sort());
    expect(all.body.meta).to.deep.include({ page: 1, limit: 100, total: 30 });
    expect(since.body.data).to.have.length(5);
    expect(since.body.data.every((t) => t.updatedAt! >= from)).to.equal(true);
    expect(since.body.data[0]!.uuid).to.equal(all.body.data.filter((t) => t.updatedAt! >= from)[5]!.uuid);
  });

  it('when a ticket is deleted, then its messages answer 404; an unknown token gets 401; a page past the end is empty', async () => {
    const { body } = await get('/ticket?limit=1');
    const uuid = body.data[0]!.uuid!;
    const messages = await get(`/ticket/${uuid}/messages?limit=100`);
    simulator.deleteTicket('tok', uuid);

    expect(messages.body.data).to.have.length(3);
    expect((await get(`/ticket/${uuid}/messages`)).status).to.equal(404);
    expect((await get('/ticket', 'wrong')).status).to.equal(401);
    expect((await get('/contact?page=9&limit=50')).body.data).to.deep.equal([]);
  });

  it('when a token goes over its window, then it gets 429 with Retry-After, and the log records the limit was held', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await get('/contact?limit=50')).status);

    expect(statuses.filter((s) => s === 429)).to.have.length(5);
    expect((await get('/contact')).headers.get('retry-after')).to.match(/^\d+$/);
    expect(simulator.busiestWindow('tok', 500)).to.equal(20);
  });

  it('when contact pages are set to come back empty, then that many /contact answers are 200 with no contacts, and the next ones list them again, deletions and additions included', async () => {
    simulator.answerEmptyContactPages('tok', 1);
    simulator.deleteContact('tok', 'c-000003');
    simulator.addContact('tok', { id: 'c-000003a', name: null, phone: null, email: null, tags: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });

    const glitched = await get('/contact?page=1&limit=50');
    const listed = await get('/contact?page=1&limit=50');

    expect(glitched.status).to.equal(200);
    expect(glitched.body).to.deep.equal({ data: [], meta: { page: 1, limit: 50, total: 0, totalPages: 0 } });
    expect(listed.body.data.map((c) => c.id)).to.include('c-000003a').and.not.include('c-000003');
    expect(listed.body.meta.total).to.equal(12);
  });
});
