import { expect } from 'chai';
import { ImportTicketsUseCase } from '../../../src/application/import-tickets/import-tickets.use-case.js';
import { aClient, at, manyMessages, manyTickets } from '../../fakes/builders.js';
import { InMemoryCursorStore } from '../../fakes/in-memory-cursor-store.js';
import { InMemoryTicketSource } from '../../fakes/in-memory-ticket-source.js';
import { InMemoryTicketStore } from '../../fakes/in-memory-ticket-store.js';

function makeSut() {
  const client = aClient({ slug: 'acme' });
  const source = new InMemoryTicketSource();
  const store = new InMemoryTicketStore();
  const sut = new ImportTicketsUseCase(source, store, new InMemoryCursorStore(), { importStartAt: null, pageSize: 10 });
  const tickets = manyTickets(3, (i) => at(i));
  source.seedTickets(client.id, tickets);
  for (const t of tickets) source.seedMessages(client.id, manyMessages(t.uuid, 2));
  return { sut, client, source, store, tickets };
}

describe('ImportTicketsUseCase: tickets deleted upstream', () => {
  it('when a listed ticket’s messages answer 404, then the ticket is kept as listed and flagged deleted; the others are not', async () => {
    const { sut, client, source, store } = makeSut();
    source.onListMessages = ({ ticketUuid }) => {
      if (ticketUuid === 't-0002') source.deleteTicket(client.id, 't-0002');
    };

    const report = await sut.execute(client);

    expect(report.skippedTickets).to.equal(1);
    expect(store.ticket(client.id, 't-0002')).to.not.equal(undefined);
    expect(store.isDeleted(client.id, 't-0002')).to.equal(true);
    expect(store.isDeleted(client.id, 't-0001')).to.equal(false);
    expect(store.isDeleted(client.id, 't-0003')).to.equal(false);
  });

  it('when a ticket flagged deleted is listed with its messages again, even unchanged, then its messages are fetched and the flag is cleared', async () => {
    const { sut, client, source, store, tickets } = makeSut();
    // The newest, at the cursor's instant: the next import lists it again, unchanged (`updatedAtFrom` is inclusive).
    const gone = tickets[2]!;
    source.onListMessages = ({ ticketUuid }) => {
      if (ticketUuid === gone.uuid) source.deleteTicket(client.id, gone.uuid);
    };
    await sut.execute(client);
    source.onListMessages = undefined;
    source.seedTickets(client.id, [gone]);

    await sut.execute(client);

    expect(store.isDeleted(client.id, gone.uuid)).to.equal(false);
    expect(store.messages(client.id, gone.uuid)).to.have.length(2);
  });
});
