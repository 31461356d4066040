import { expect } from 'chai';
import { BackfillClientUseCase } from '../../../src/application/backfill/backfill-client.use-case.js';
import { BackfillWindow } from '../../../src/application/backfill/backfill-window.js';
import { ImportTicketsUseCase } from '../../../src/application/import-tickets/import-tickets.use-case.js';
import { UpstreamUnavailableError } from '../../../src/domain/errors.js';
import { backfillCursorKey, CURSOR_KEYS } from '../../../src/domain/sync-cursor.js';
import { aClient, at, manyMessages, manyTickets, seqId } from '../../fakes/builders.js';
import { InMemoryCursorStore } from '../../fakes/in-memory-cursor-store.js';
import { InMemoryTicketSource } from '../../fakes/in-memory-ticket-source.js';
import { InMemoryTicketStore } from '../../fakes/in-memory-ticket-store.js';

const CURSOR = CURSOR_KEYS.ticketsLastImportAt;
const CHECKPOINT = backfillCursorKey('run-1');

/** 100 tickets upstream (t-0001 at 1 s … t-0100 at 100 s), three messages each, all imported already. */
async function makeSut() {
  const client = aClient({ slug: 'acme' });
  const source = new InMemoryTicketSource();
  const store = new InMemoryTicketStore();
  const cursors = new InMemoryCursorStore();
  const importTickets = new ImportTicketsUseCase(source, store, cursors, { importStartAt: null, pageSize: 10 });
  const sut = new BackfillClientUseCase(new BackfillWindow(importTickets, cursors), cursors);
  const tickets = manyTickets(100, (i) => at(i));
  source.seedTickets(client.id, tickets);
  for (const t of tickets) source.seedMessages(client.id, manyMessages(t.uuid, 3));
  await importTickets.execute(client);
  const liveCursor = cursors.value(client.id, CURSOR);
  const liveCursorSets = () => cursors.history(client.id, CURSOR).length;
  const setsBefore = liveCursorSets();
  return { sut, client, source, store, cursors, liveCursor, liveCursorChanges: () => liveCursorSets() - setsBefore };
}

describe('BackfillClientUseCase', () => {
  it('when rows of a window went missing or were altered in the database, then it re-imports every ticket of the window with all its messages, and only those', async () => {
    const { sut, client, source, store } = await makeSut();
    store.lose(client.id, [seqId('t', 30)], [`${seqId('t', 31)}/m-0001`]);
    store.seed(client.id, { ...source.ticket(client.id, seqId('t', 32))!, subject: 'edited by hand' }, [{ ...source.messagesOf(client.id, seqId('t', 32))[1]!, body: 'edited by hand' }]);
    store.lose(client.id, [seqId('t', 80)]);
    const messageRequestsBefore = source.messageRequests().length;

    const report = await sut.execute(client, { runId: 'run-1', params: { from: at(25).toISOString(), to: at(40).toISOString() } });

    expect(store.ticket(client.id, seqId('t', 30))).to.not.equal(undefined);
    expect(store.messages(client.id, seqId('t', 31)).map((m) => m.id)).to.deep.equal(source.messagesOf(client.id, seqId('t', 31)).map((m) => m.id));
    expect(store.ticket(client.id, seqId('t', 32))!.subject).to.equal(source.ticket(client.id, seqId('t', 32))!.subject);
    expect(store.messages(client.id, seqId('t', 32))[1]!.body).to.equal(source.messagesOf(client.id, seqId('t', 32))[1]!.body);
    // Outside the window, nothing is touched.
    expect(store.ticket(client.id, seqId('t', 80))).to.equal(undefined);
    // Every ticket of the window, changed or not, had all its messages fetched from the first page.
    const fetched = source.messageRequests().slice(messageRequestsBefore);
    expect(new Set(fetched.map((r) => r.ticketUuid)).size).to.equal(16);
    expect(fetched.every((r) => r.query.page === 1)).to.equal(true);
    expect(report.tickets).to.equal(16);
  });

  it('when it runs, then it never moves tickets:lastImportAt, and forgets its own checkpoint once done', async () => {
    const { sut, client, cursors, liveCursor, liveCursorChanges } = await makeSut();

    await sut.execute(client, { runId: 'run-1', params: { from: at(1).toISOString() } });

    expect(liveCursorChanges()).to.equal(0);
    expect(cursors.value(client.id, CURSOR)).to.equal(liveCursor);
    expect(cursors.history(client.id, CHECKPOINT).length).to.be.greaterThan(0);
    expect(cursors.value(client.id, CHECKPOINT)).to.equal(null);
  });

  it('when `to` is not given, then the window ends at the client’s cursor: tickets updated after it are left to the import', async () => {
    const { sut, client, source, store, cursors } = await makeSut();
    source.updateTicket(client.id, seqId('t', 5), { updatedAt: at(500), subject: 'changed after the cursor' });

    await sut.execute(client, { runId: 'run-1', params: { from: at(90).toISOString() } });

    expect(store.ticket(client.id, seqId('t', 5))!.subject).to.not.equal('changed after the cursor');
    expect(cursors.value(client.id, CURSOR)).to.equal(at(100).toISOString());
  });

  it('when a backfill is interrupted halfway (a crash, a shutdown), then run again it resumes at its own checkpoint and completes the window', async () => {
    const { sut, client, source, store, cursors, liveCursorChanges } = await makeSut();
    const window = { from: at(1).toISOString(), to: at(100).toISOString() };
    store.lose(client.id, manyTickets(100, (i) => at(i)).map((t) => t.uuid));
    const shutdown = new AbortController();
    let listings = 0;
    source.onListTickets = () => {
      if (++listings === 5) shutdown.abort(new Error('shutting down'));
    };

    const interrupted = await sut.execute(client, { runId: 'run-1', params: window }, undefined, shutdown.signal).then(
      () => null,
      (error: unknown) => error,
    );

    expect(interrupted).to.be.instanceOf(Error);
    const checkpoint = cursors.value(client.id, CHECKPOINT);
    expect(checkpoint).to.not.equal(null);
    expect(store.tickets(client.id).length).to.be.within(1, 99);
    source.onListTickets = undefined;
    const listingsBefore = source.ticketRequests().length;

    await sut.execute(client, { runId: 'run-1', params: window });

    const walk = source.ticketRequests().slice(listingsBefore).filter((r) => r.query.limit > 1);
    expect(walk[0]!.query.updatedAtFrom.toISOString()).to.equal(checkpoint);
    expect(store.tickets(client.id)).to.have.length(100);
    for (const t of store.tickets(client.id)) expect(store.messages(client.id, t.uuid)).to.have.length(3);
    expect(liveCursorChanges()).to.equal(0);
    expect(cursors.value(client.id, CHECKPOINT)).to.equal(null);
  });

  it('when a backfill fails (the upstream down), then its checkpoint is forgotten: the failed run is never resumed', async () => {
    const { sut, client, source, cursors } = await makeSut();
    let listings = 0;
    source.onListTickets = () => {
      if (++listings === 5) throw new UpstreamUnavailableError('upstream kept failing');
    };

    const failed = await sut.execute(client, { runId: 'run-1', params: { from: at(1).toISOString() } }).catch((error: unknown) => error);

    expect(failed).to.be.instanceOf(UpstreamUnavailableError);
    expect(cursors.history(client.id, CHECKPOINT).length).to.be.greaterThan(0);
    expect(cursors.value(client.id, CHECKPOINT)).to.equal(null);
  });

  it('when it runs over a window that ends before the latest tickets, then its progress estimate counts only the window', async () => {
    const { sut, client } = await makeSut();
    const reports: (number | null)[] = [];

    await sut.execute(client, { runId: 'run-1', params: { from: at(21).toISOString(), to: at(40).toISOString() } }, async (report) => {
      reports.push(report.expectedTickets);
    });

    expect(reports[0]).to.equal(20);
  });

  it('when the window ends before it starts (no `to`, and a cursor before `from`), then nothing is requested', async () => {
    const { sut, client, source } = await makeSut();
    const requestsBefore = source.requests.length;

    const report = await sut.execute(client, { runId: 'run-1', params: { from: at(1_000).toISOString() } });

    expect(source.requests.length).to.equal(requestsBefore);
    expect(report.tickets).to.equal(0);
  });
});
