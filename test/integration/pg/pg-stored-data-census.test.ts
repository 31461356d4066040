import { expect } from 'chai';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../../src/application/tokens.js';
import type { StoredDataCensus } from '../../../src/domain/ports/stored-data-census.port.js';
import type { TicketStore } from '../../../src/domain/ports/ticket-store.port.js';
import { closeContainer } from '../../../src/infrastructure/container.js';
import { at, manyMessages, manyTickets } from '../../fakes/builders.js';
import { insertClient, sql, truncateAll } from '../../support/database.js';
import { makeTestContainer } from '../../support/test-container.js';

describe('PgStoredDataCensus', () => {
  let container: DependencyContainer;
  let census: StoredDataCensus;
  let clientId: string;

  beforeEach(async () => {
    await truncateAll();
    ({ container } = makeTestContainer());
    census = container.resolve<StoredDataCensus>(TOKENS.StoredDataCensus);
    clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    const other = await insertClient({ slug: 'globex', apiBaseUrl: 'https://globex.example' });
    const store = container.resolve<TicketStore>(TOKENS.TicketStore);
    // t-0001 … t-0100 at 1 s … 100 s, t-00k with k mod 10 messages; t-0050 flagged deleted upstream.
    await store.save(clientId, manyTickets(100, (i) => at(i)).map((ticket, k) => ({ ticket, messages: manyMessages(ticket.uuid, (k + 1) % 10) })));
    await store.flagDeleted(clientId, ['t-0050']);
    await store.save(other, manyTickets(30, (i) => at(i)).map((ticket) => ({ ticket, messages: [] })));
  });
  afterEach(() => closeContainer(container));

  const window = (from: number, to: number, except: string[] = []) => ({ from: at(from), to: at(to), except });

  it('when tickets are counted in a window, then both ends count, tickets flagged deleted or left out do not, and other clients never', async () => {
    expect(await census.countTickets(clientId, window(1, 100))).to.equal(99);
    expect(await census.countTickets(clientId, window(10, 20))).to.equal(11);
    expect(await census.countTickets(clientId, window(10, 20, ['t-0010', 't-0099']))).to.equal(10);
  });

  it('when asked for the ticket at a rank, then ranks follow updatedAt, skip what is not counted, and end with null', async () => {
    expect((await census.ticketUpdatedAtAt(clientId, window(1, 100), 0))!.toISOString()).to.equal(at(1).toISOString());
    expect((await census.ticketUpdatedAtAt(clientId, window(1, 100), 49))!.toISOString()).to.equal(at(51).toISOString());
    expect(await census.ticketUpdatedAtAt(clientId, window(1, 100), 99)).to.equal(null);
  });

  it('when a sample is taken, then it is spread evenly over the window with each ticket’s stored message count, and never larger than the window', async () => {
    const sample = await census.sampleTickets(clientId, window(1, 40), 4);

    expect(sample.map((t) => t.uuid)).to.deep.equal(['t-0006', 't-0016', 't-0026', 't-0036']);
    expect(sample.map((t) => t.messageCount)).to.deep.equal([6, 6, 6, 6]);
    expect(await census.sampleTickets(clientId, window(1, 3), 20)).to.have.length(3);
    expect(await census.sampleTickets(clientId, window(1, 3), 0)).to.deep.equal([]);
  });

  it('when live contacts are counted, then those with deleted_at are not', async () => {
    await sql().query(`INSERT INTO contacts (client_id, external_id, raw, deleted_at) VALUES ($1, 'c-1', '{}', NULL), ($1, 'c-2', '{}', now())`, [clientId]);

    expect(await census.countLiveContacts(clientId)).to.equal(1);
  });
});
