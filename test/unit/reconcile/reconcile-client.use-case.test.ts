import { expect } from 'chai';
import { BackfillWindow } from '../../../src/application/backfill/backfill-window.js';
import { ImportTicketsUseCase } from '../../../src/application/import-tickets/import-tickets.use-case.js';
import { CheckClientData } from '../../../src/application/reconcile/check-client-data.js';
import { ReconcileClientUseCase } from '../../../src/application/reconcile/reconcile-client.use-case.js';
import { SettleContactDeletions } from '../../../src/application/sync-contacts/settle-contact-deletions.js';
import { SyncContactsUseCase } from '../../../src/application/sync-contacts/sync-contacts.use-case.js';
import { DEFAULT_CONTACTS_SETTINGS } from '../../../src/application/settings.js';
import { CURSOR_KEYS } from '../../../src/domain/sync-cursor.js';
import { aClient, at, manyContacts, manyMessages, manyTickets, seqId } from '../../fakes/builders.js';
import { InMemoryContactSource } from '../../fakes/in-memory-contact-source.js';
import { InMemoryContactStore } from '../../fakes/in-memory-contact-store.js';
import { InMemoryCursorStore } from '../../fakes/in-memory-cursor-store.js';
import { InMemoryStoredDataCensus } from '../../fakes/in-memory-stored-data-census.js';
import { InMemoryTicketSource } from '../../fakes/in-memory-ticket-source.js';
import { InMemoryTicketStore } from '../../fakes/in-memory-ticket-store.js';
import { recordingLogger } from '../../support/recording-logger.js';

const PAGE_SIZE = 100;
const CURSOR = CURSOR_KEYS.ticketsLastImportAt;

/**
 * A client with `tickets` tickets upstream (two messages each, one second apart) and 60
 * contacts, all imported already: the database starts equal to the upstream.
 */
async function makeSut({ tickets = 1000, sampleSize = 20 } = {}) {
  const client = aClient({ slug: 'acme' });
  const ticketSource = new InMemoryTicketSource();
  const ticketStore = new InMemoryTicketStore();
  const contactSource = new InMemoryContactSource();
  const contactStore = new InMemoryContactStore();
  const cursors = new InMemoryCursorStore();
  const importSettings = { importStartAt: null, pageSize: PAGE_SIZE };
  const importTickets = new ImportTicketsUseCase(ticketSource, ticketStore, cursors, importSettings);
  const syncContacts = new SyncContactsUseCase(contactSource, contactStore, cursors, new SettleContactDeletions(contactSource, contactStore, DEFAULT_CONTACTS_SETTINGS, recordingLogger()));
  const check = new CheckClientData(ticketSource, contactSource, cursors, new InMemoryStoredDataCensus(ticketStore, contactStore), importSettings, { sampleSize });
  const sut = new ReconcileClientUseCase(importTickets, syncContacts, check, new BackfillWindow(importTickets, cursors), ticketStore, cursors);

  const list = manyTickets(tickets, (i) => at(i));
  ticketSource.seedTickets(client.id, list);
  for (const t of list) ticketSource.seedMessages(client.id, manyMessages(t.uuid, 2));
  contactSource.seedContacts(client.id, manyContacts(60));
  await importTickets.execute(client);
  await syncContacts.execute(client);
  const savesBefore = ticketStore.saves.length;

  /** Every upstream request made since the data was imported. */
  const requestsSoFar = () => ticketSource.requests.length + ticketSource.messageCountRequests.length + contactSource.requests.length;
  const baseline = requestsSoFar();
  const listingsBaseline = ticketSource.ticketRequests().length;
  return {
    sut,
    client,
    ticketSource,
    ticketStore,
    contactSource,
    contactStore,
    cursors,
    savesSinceSetUp: () => ticketStore.saves.length - savesBefore,
    requestsSinceSetUp: () => requestsSoFar() - baseline,
    ticketListingsSinceSetUp: () => ticketSource.ticketRequests().length - listingsBaseline,
  };
}

const uuids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => seqId('t', from + k));

describe('ReconcileClientUseCase', () => {
  it('when the database holds everything the upstream has, then there is no drift, the counts agree, and it stores nothing', async () => {
    const { sut, client, savesSinceSetUp, requestsSinceSetUp } = await makeSut();

    const report = await sut.execute(client, { runId: 'run-1', repair: false });

    expect(report.drift).to.equal(false);
    expect(report.tickets).to.deep.equal({ upstream: 1000, stored: 1000, missing: 0, goneUpstream: 0, window: null });
    expect(report.messages).to.deep.equal({ sampled: 20, mismatched: 0 });
    expect(report.contacts).to.deep.equal({ upstream: 60, stored: 60 });
    expect(savesSinceSetUp()).to.equal(0);
    // The import (one listing), the tail past the cursor, the count, the survey's 15 probes (16 stretches), the tail counted again, 20 message counts, the contacts.
    expect(requestsSinceSetUp()).to.equal(1 + 1 + 1 + 15 + 1 + 20 + 1);
    expect(report.missingRows).to.deep.equal({ tickets: 0, messages: 0, contacts: 0 });
  });

  it('when tickets were deleted from the database behind its back, then it counts them missing and bisects to a window of about a page that holds them', async () => {
    const { sut, client, ticketStore, ticketListingsSinceSetUp } = await makeSut();
    ticketStore.lose(client.id, uuids(611, 615));

    const report = await sut.execute(client, { runId: 'run-1', repair: false });

    expect(report.drift).to.equal(true);
    const tickets = report.tickets as { upstream: number; stored: number; missing: number; window: { from: string; to: string } };
    expect({ upstream: tickets.upstream, stored: tickets.stored, missing: tickets.missing }).to.deep.equal({ upstream: 1000, stored: 995, missing: 5 });
    // The stretch holding them was listed in full: the window spans just the missing tickets.
    expect(tickets.window).to.deep.equal({ from: at(611).toISOString(), to: at(615).toISOString() });
    // The import, the tail, the count, the survey's 15 probes (its sixteenths hold about 62 tickets), the stretch listed, the tail again.
    expect(ticketListingsSinceSetUp()).to.equal(1 + 1 + 1 + 15 + 1 + 1);
    expect(report.missingRows.tickets).to.equal(5);
    // Counting stores nothing: the lost tickets are still lost.
    expect(ticketStore.ticket(client.id, seqId('t', 613))).to.equal(undefined);
  });

  it('when tickets are missing in three stretches far apart, then each gets a window of its own of about a page, and the window covers them all', async () => {
    const { sut, client, ticketStore } = await makeSut();
    for (const start of [101, 501, 901]) ticketStore.lose(client.id, uuids(start, start + 4));

    const report = await sut.execute(client, { runId: 'run-1', repair: false });

    const tickets = report.tickets as { missing: number; window: { from: string; to: string }; windows: { from: string; to: string }[] };
    expect(tickets.missing).to.equal(15);
    expect(tickets.windows).to.have.length(3);
    for (const [k, start] of [101, 501, 901].entries()) {
      const [from, to] = [Date.parse(tickets.windows[k]!.from), Date.parse(tickets.windows[k]!.to)];
      expect(from).to.be.at.most(at(start).getTime());
      expect(to).to.be.at.least(at(start + 4).getTime());
      expect((to - from) / 1000).to.be.at.most(PAGE_SIZE + 5);
    }
    expect(tickets.window).to.deep.equal({ from: tickets.windows[0]!.from, to: tickets.windows[2]!.to });
  });

  it('when the missing tickets are the very first ones, then the window starts at the beginning of the counted window and still holds them', async () => {
    const { sut, client, ticketStore } = await makeSut({ tickets: 300 });
    ticketStore.lose(client.id, uuids(1, 3));

    const report = await sut.execute(client, { runId: 'run-1', repair: false });

    const tickets = report.tickets as { missing: number; window: { from: string; to: string } };
    expect(tickets.missing).to.equal(3);
    expect(Date.parse(tickets.window.from)).to.be.at.most(at(1).getTime());
    expect(Date.parse(tickets.window.to)).to.be.at.least(at(3).getTime());
  });

  it('when tickets moved past the cursor while it counts, then they are not counted missing and a ticket really missing is still found', async () => {
    const { sut, client, ticketSource, ticketStore } = await makeSut({ tickets: 500 });
    ticketStore.lose(client.id, [seqId('t', 321)]);
    let listings = 0;
    ticketSource.onListTickets = () => {
      // After the reconcile's import (1) and the tail past the cursor (2): three stored tickets are updated upstream.
      if (++listings === 3) for (const n of [10, 200, 450]) ticketSource.updateTicket(client.id, seqId('t', n), { updatedAt: at(10_000 + n) });
    };

    const report = await sut.execute(client, { runId: 'run-1', repair: false });

    const tickets = report.tickets as { upstream: number; stored: number; missing: number; window: { from: string; to: string } };
    expect(tickets.missing).to.equal(1);
    expect({ upstream: tickets.upstream, stored: tickets.stored }).to.deep.equal({ upstream: 500 - 3, stored: 500 - 3 - 1 });
    expect(Date.parse(tickets.window.from)).to.be.at.most(at(321).getTime());
    expect(Date.parse(tickets.window.to)).to.be.at.least(at(321).getTime());
  });

  it('when tickets move past the cursor in the middle of the bisection, then the tail counted again sees it, all is counted again, and the missing ticket is still found', async () => {
    const { sut, client, ticketSource, ticketStore } = await makeSut({ tickets: 3000 });
    ticketStore.lose(client.id, [seqId('t', 1234)]);
    let listings = 0;
    ticketSource.onListTickets = () => {
      // Among the survey's probes: two stored tickets are updated upstream, moving past the cursor.
      if (++listings === 10) for (const n of [700, 2500]) ticketSource.updateTicket(client.id, seqId('t', n), { updatedAt: at(90_000 + n) });
    };

    const report = await sut.execute(client, { runId: 'run-1', repair: false });

    expect(report.tickets).to.deep.equal({ upstream: 2998, stored: 2997, missing: 1, goneUpstream: 0, window: { from: at(1234).toISOString(), to: at(1234).toISOString() } });
  });

  it('when tickets were updated upstream since the last import, then its own import brings them first and they are not counted missing', async () => {
    const { sut, client, ticketSource, cursors } = await makeSut({ tickets: 200 });
    for (const n of [5, 50, 150]) ticketSource.updateTicket(client.id, seqId('t', n), { updatedAt: at(5_000 + n) });

    const report = await sut.execute(client, { runId: 'run-1', repair: false });

    expect(report.drift).to.equal(false);
    expect(report.tickets).to.deep.equal({ upstream: 200, stored: 200, missing: 0, goneUpstream: 0, window: null });
    expect(cursors.value(client.id, CURSOR)).to.equal(at(5_150).toISOString());
  });

  it('when a sampled ticket lost messages and contacts are missing, then it says so; with repair, it re-imports them, syncs the contacts, and the check after finds everything', async () => {
    const { sut, client, ticketStore, contactStore, cursors } = await makeSut({ tickets: 400 });
    const cursorBefore = cursors.value(client.id, CURSOR);
    ticketStore.lose(client.id, uuids(101, 104));
    // t-0010 is the first of 20 picks spread over 396 tickets: rank floor(0.5 * 396 / 20) = 9.
    ticketStore.lose(client.id, [], [`${seqId('t', 10)}/m-0002`]);
    contactStore.seed(client.id, manyContacts(1, 61)[0]!, { seenInPass: 1 });

    const found = await sut.execute(client, { runId: 'run-1', repair: false });
    expect(found.drift).to.equal(true);
    expect(found.messages).to.deep.equal({ sampled: 20, mismatched: 1 });
    expect(found.contacts).to.deep.equal({ upstream: 60, stored: 61 });
    expect(found.missingRows).to.deep.equal({ tickets: 4, messages: 1, contacts: 0 });

    const repaired = await sut.execute(client, { runId: 'run-2', repair: true });

    expect(repaired.repair!.complete).to.equal(true);
    expect(Date.parse(repaired.repair!.window!.from)).to.be.at.most(at(10).getTime());
    expect(Date.parse(repaired.repair!.window!.to)).to.be.at.least(at(104).getTime());
    for (const uuid of uuids(101, 104)) expect(ticketStore.messages(client.id, uuid)).to.have.length(2);
    expect(ticketStore.messages(client.id, seqId('t', 10))).to.have.length(2);
    expect(contactStore.deletedIds(client.id)).to.deep.equal([seqId('c', 61)]);
    expect(repaired.missingRows).to.deep.equal({ tickets: 0, messages: 0, contacts: 0 });
    // The repair's re-imports have checkpoints of their own, forgotten once done; the import cursor never went back.
    expect(cursors.value(client.id, CURSOR)).to.equal(cursorBefore);
    expect(cursors.sets.filter((s) => s.key.startsWith('reconcile:')).length).to.be.greaterThan(0);
    expect(cursors.sets.filter((s) => s.key.startsWith('reconcile:')).every((s) => cursors.value(client.id, s.key) === null)).to.equal(true);
  });

  it('when a sampled ticket was deleted upstream, then its messages answering 404 count as a mismatch, and a repair flags it deleted', async () => {
    const { sut, client, ticketSource, ticketStore } = await makeSut({ tickets: 40, sampleSize: 40 });
    ticketSource.deleteTicket(client.id, seqId('t', 7));

    const found = await sut.execute(client, { runId: 'run-1', repair: false });
    expect(found.messages).to.deep.equal({ sampled: 40, mismatched: 1 });
    expect(ticketStore.isDeleted(client.id, seqId('t', 7))).to.equal(false);

    const repaired = await sut.execute(client, { runId: 'run-2', repair: true });

    expect(ticketStore.isDeleted(client.id, seqId('t', 7))).to.equal(true);
    expect(repaired.repair!.complete).to.equal(true);
  });

  it('when a ticket was deleted upstream (never flagged) and another lost from the database, so that the counts agree, then both are found, and a repair restores one, flags the other and is complete', async () => {
    const { sut, client, ticketSource, ticketStore } = await makeSut({ tickets: 400, sampleSize: 0 });
    ticketSource.deleteTicket(client.id, seqId('t', 20));
    ticketStore.lose(client.id, [seqId('t', 300)]);

    const found = await sut.execute(client, { runId: 'run-1', repair: false });
    expect(found.drift).to.equal(true);
    expect(found.tickets).to.deep.equal({ upstream: 399, stored: 399, missing: 1, goneUpstream: 1, window: { from: at(300).toISOString(), to: at(300).toISOString() } });

    const repaired = await sut.execute(client, { runId: 'run-2', repair: true });

    expect(repaired.repair).to.deep.equal({ window: { from: at(300).toISOString(), to: at(300).toISOString() }, complete: true });
    expect(ticketStore.messages(client.id, seqId('t', 300))).to.have.length(2);
    expect(ticketStore.isDeleted(client.id, seqId('t', 20))).to.equal(true);
    expect(repaired.rowsStored).to.deep.equal({ tickets: 1, messages: 2, contacts: 0, deletedTickets: 1, deletedContacts: 0 });
  });

  it('when a ticket deleted upstream sits next to a missing one, then the missing one is not netted out: a repair restores both missing tickets', async () => {
    const { sut, client, ticketSource, ticketStore } = await makeSut({ tickets: 400, sampleSize: 0 });
    ticketSource.deleteTicket(client.id, seqId('t', 20));
    ticketStore.lose(client.id, [seqId('t', 10), seqId('t', 300)]);

    const repaired = await sut.execute(client, { runId: 'run-1', repair: true });

    expect(repaired.tickets).to.include({ upstream: 399, stored: 398, missing: 2, goneUpstream: 1 });
    expect(repaired.repair!.complete).to.equal(true);
    for (const n of [10, 300]) expect(ticketStore.messages(client.id, seqId('t', n))).to.have.length(2);
    expect(repaired.missingRows).to.deep.equal({ tickets: 0, messages: 0, contacts: 0 });
  });

  it('when a large client has a ticket deleted upstream and another lost in a different sixteenth of its window, then the survey finds both', async () => {
    const { sut, client, ticketSource, ticketStore } = await makeSut({ tickets: 3000, sampleSize: 0 });
    ticketSource.deleteTicket(client.id, seqId('t', 700));
    ticketStore.lose(client.id, [seqId('t', 2500)]);

    const found = await sut.execute(client, { runId: 'run-1', repair: false });

    expect(found.tickets).to.include({ upstream: 2999, stored: 2999, missing: 1, goneUpstream: 1 });
    expect((found.tickets as { window: unknown }).window).to.deep.equal({ from: at(2500).toISOString(), to: at(2500).toISOString() });
  });

  it('when IMPORT_START_AT is later than the cursor, then there is no window to count and no negative count', async () => {
    const { client, ticketSource, contactSource, ticketStore, contactStore, cursors } = await makeSut({ tickets: 30 });
    const importSettings = { importStartAt: at(5_000), pageSize: PAGE_SIZE };
    const check = new CheckClientData(ticketSource, contactSource, cursors, new InMemoryStoredDataCensus(ticketStore, contactStore), importSettings, { sampleSize: 20 });

    const found = await check.execute(client);

    expect(found.findings.tickets).to.deep.equal({ upstream: 0, stored: 0, missing: 0, goneUpstream: 0, window: null });
    expect(found.findings.drift).to.equal(false);
  });

  it('when IMPORT_START_AT cuts the window, then only the tickets from it on are counted', async () => {
    const { client, ticketSource, contactSource, ticketStore, contactStore, cursors } = await makeSut({ tickets: 300 });
    ticketStore.lose(client.id, [seqId('t', 50), seqId('t', 250)]);
    const importSettings = { importStartAt: at(101), pageSize: PAGE_SIZE };
    const check = new CheckClientData(ticketSource, contactSource, cursors, new InMemoryStoredDataCensus(ticketStore, contactStore), importSettings, { sampleSize: 0 });

    const found = await check.execute(client);

    expect(found.findings.tickets).to.deep.equal({ upstream: 200, stored: 199, missing: 1, goneUpstream: 0, window: { from: at(250).toISOString(), to: at(250).toISOString() } });
  });

  it('when a repair is cancelled at a checkpoint, then the checkpoints of its re-imports are forgotten', async () => {
    const { sut, client, ticketStore, cursors } = await makeSut({ tickets: 300 });
    ticketStore.lose(client.id, uuids(101, 104));

    const cancelled = await sut
      .execute(client, { runId: 'run-1', repair: true }, async (progress) => {
        // The first checkpoint after a re-imported ticket was written (and its window's checkpoint set).
        if ((progress.rowsStored?.tickets ?? 0) > 0) throw new Error('cancelled at a checkpoint');
      })
      .catch((error: unknown) => error);

    expect(cancelled).to.be.instanceOf(Error);
    expect(cursors.sets.some((s) => s.key.startsWith('reconcile:run-1:'))).to.equal(true);
    expect(cursors.sets.filter((s) => s.key.startsWith('reconcile:')).every((s) => cursors.value(client.id, s.key) === null)).to.equal(true);
  });

  it('when there is no drift, then a repair does nothing more than the check', async () => {
    const { sut, client, savesSinceSetUp } = await makeSut({ tickets: 50 });

    const report = await sut.execute(client, { runId: 'run-1', repair: true });

    expect(report.drift).to.equal(false);
    expect(report.repair).to.equal(undefined);
    expect(savesSinceSetUp()).to.equal(0);
  });

  it('when it repairs, then its progress tells each step in order: the import, every probe of the check, each window re-imported, every probe of the check after', async () => {
    const { sut, client, ticketStore } = await makeSut({ tickets: 1000, sampleSize: 0 });
    ticketStore.lose(client.id, [...uuids(100, 102), ...uuids(800, 801)]);
    const steps: { phase: string; done: number; total: number | null }[] = [];

    const report = await sut.execute(client, { runId: 'run-1', repair: true }, async (progress) => {
      if (progress.step) steps.push({ ...progress.step });
    });

    const phases = steps.map((s) => s.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).to.deep.equal(['import', 'check', 'repair', 'recheck']);
    const of = (phase: string) => steps.filter((s) => s.phase === phase);
    // The survey's 15 probes, each told, out of the probe budget; never going back.
    expect(of('check').map((s) => s.done)).to.deep.equal(Array.from({ length: 16 }, (_, k) => k));
    expect(of('check').every((s) => s.total === 64)).to.equal(true);
    expect(of('recheck').at(-1)).to.deep.equal({ phase: 'recheck', done: 15, total: 64 });
    // Two separate stretches: two windows, each told once re-imported.
    const repair = of('repair');
    expect(repair.every((s) => s.total === 2)).to.equal(true);
    expect(repair[0]!.done).to.equal(0);
    expect(repair.at(-1)!.done).to.equal(2);
    expect(repair.map((s) => s.done)).to.deep.equal([...repair.map((s) => s.done)].sort((a, b) => a - b));
    expect(report.step).to.deep.equal({ phase: 'recheck', done: 15, total: 64 });
    expect(report.repair!.complete).to.equal(true);
  });

  it('when it checks, then each sampled ticket’s message count moves its progress too, of at most the probe budget plus the sample', async () => {
    const { sut, client } = await makeSut({ tickets: 1000, sampleSize: 20 });
    const checks: { done: number; total: number | null }[] = [];

    const report = await sut.execute(client, { runId: 'run-1', repair: false }, async (progress) => {
      if (progress.step?.phase === 'check') checks.push({ done: progress.step.done, total: progress.step.total });
    });

    // The survey's 15 probes, then the 20 message counts: one step each.
    expect(checks.map((c) => c.done)).to.deep.equal(Array.from({ length: 36 }, (_, k) => k));
    expect(checks.every((c) => c.total === 64 + 20)).to.equal(true);
    expect(report.step).to.deep.equal({ phase: 'check', done: 35, total: 84 });
  });
});
