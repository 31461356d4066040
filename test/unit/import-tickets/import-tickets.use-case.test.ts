import { expect } from 'chai';
import { ImportTicketsUseCase, type ImportTicketsReport } from '../../../src/application/import-tickets/import-tickets.use-case.js';
import type { ImportSettings } from '../../../src/application/settings.js';
import { UpstreamUnavailableError } from '../../../src/domain/errors.js';
import { CURSOR_KEYS } from '../../../src/domain/sync-cursor.js';
import type { Ticket } from '../../../src/domain/tickets/ticket.js';
import { aClient, aTicket, at, manyMessages, manyTickets } from '../../fakes/builders.js';
import { InMemoryCursorStore } from '../../fakes/in-memory-cursor-store.js';
import { InMemoryTicketSource } from '../../fakes/in-memory-ticket-source.js';
import { InMemoryTicketStore } from '../../fakes/in-memory-ticket-store.js';
import { settle } from '../../support/settle.js';

const CURSOR = CURSOR_KEYS.ticketsLastImportAt;

function makeSut(settings: Partial<ImportSettings> = {}) {
  const client = aClient({ slug: 'acme' });
  const source = new InMemoryTicketSource();
  const store = new InMemoryTicketStore();
  const cursors = new InMemoryCursorStore();
  const sut = new ImportTicketsUseCase(source, store, cursors, { importStartAt: null, pageSize: 10, ...settings });
  /** Seeds tickets upstream, each with `messagesEach` messages. */
  const upstream = (tickets: Ticket[], messagesEach = 0) => {
    source.seedTickets(client.id, tickets);
    for (const t of tickets) source.seedMessages(client.id, manyMessages(t.uuid, messagesEach));
  };
  return { sut, client, source, store, cursors, upstream };
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

describe('ImportTicketsUseCase', () => {
  describe('clocks', () => {
    for (const [name, skewMs] of [['ten minutes ahead of', 10 * 60_000], ['ten minutes behind', -10 * 60_000]] as const) {
      it(`when the upstream's clock is ${name} ours, then nothing is missed: cursors come from upstream data only`, async () => {
        const { sut, client, source, store, cursors, upstream } = makeSut({ pageSize: 10 });
        const upstreamNow = () => new Date(Date.now() + skewMs);
        upstream(manyTickets(15, (i) => new Date(upstreamNow().getTime() - (20 - i) * 1000)));
        await sut.execute(client);
        const cursorAfterFirst = cursors.value(client.id, CURSOR);
        const newestListed = source.ticket(client.id, 't-0015')!.updatedAt.toISOString();
        // Updated "now" by the upstream's clock, which is nowhere near ours.
        source.updateTicket(client.id, 't-0003', { updatedAt: upstreamNow() });

        await sut.execute(client);

        expect(cursorAfterFirst).to.equal(newestListed);
        expect(store.ticket(client.id, 't-0003')!.updatedAt.getTime()).to.equal(source.ticket(client.id, 't-0003')!.updatedAt.getTime());
        expect(cursors.value(client.id, CURSOR)).to.equal(source.ticket(client.id, 't-0003')!.updatedAt.toISOString());
      });
    }
  });

  describe('where the scan starts', () => {
    it('when no cursor is stored and IMPORT_START_AT is set, then the scan starts at IMPORT_START_AT', async () => {
      const { sut, client, source, store, upstream } = makeSut({ importStartAt: at(3) });
      upstream(manyTickets(5, (i) => at(i)));

      const report = await sut.execute(client);

      expect(source.ticketRequests()[0]!.query.updatedAtFrom).to.deep.equal(at(3));
      expect(store.tickets(client.id).map((t) => t.uuid).sort()).to.deep.equal(['t-0003', 't-0004', 't-0005']);
      expect(report.cursorBefore).to.equal(null);
    });

    it('when no cursor is stored and IMPORT_START_AT is not set, then the scan starts at the beginning of time', async () => {
      const { sut, client, source, store, upstream } = makeSut({ importStartAt: null });
      upstream([aTicket({ uuid: 'old', updatedAt: new Date('1999-12-31T23:59:59.999Z') })]);

      await sut.execute(client);

      expect(source.ticketRequests()[0]!.query.updatedAtFrom).to.deep.equal(new Date(0));
      expect(store.ticket(client.id, 'old')).to.not.equal(undefined);
    });

    it('when a cursor is stored, then it wins over IMPORT_START_AT', async () => {
      const { sut, client, source, cursors, upstream } = makeSut({ importStartAt: at(1) });
      upstream(manyTickets(5, (i) => at(i)));
      cursors.seed(client.id, CURSOR, at(4).toISOString());

      const report = await sut.execute(client);

      expect(source.ticketRequests()[0]!.query.updatedAtFrom).to.deep.equal(at(4));
      expect(report.cursorBefore).to.equal(at(4).toISOString());
    });

    it('when a cursor is stored, then the tickets at the cursor instant are listed again (inclusive) but not stored again', async () => {
      const { sut, client, store, cursors, upstream } = makeSut();
      const tickets = manyTickets(5, (i) => at(i));
      upstream(tickets);
      for (const t of tickets.slice(0, 4)) store.seed(client.id, t);
      cursors.seed(client.id, CURSOR, at(4).toISOString());

      const report = await sut.execute(client);

      expect(store.savedUuids(client.id)).to.deep.equal(['t-0005']);
      expect(report.tickets).to.equal(1);
    });
  });

  describe('keyset paging', () => {
    it('when 260 tickets share one updatedAt, then each is imported exactly once and the scan ends', async () => {
      const { sut, client, source, store, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream([...manyTickets(260, () => at(50), 'same'), ...manyTickets(5, (i) => at(50 + i), 'later')]);

      const report = await sut.execute(client);

      const saved = store.savedUuids(client.id);
      expect(saved).to.have.length(265);
      expect(new Set(saved).size).to.equal(265);
      expect(store.tickets(client.id)).to.have.length(265);
      // Bounded by a small multiple of the 27 pages the listing holds: no loop, no rescan per page.
      expect(source.ticketRequests().length).to.be.at.most(3 * 27);
      expect(cursors.value(client.id, CURSOR)).to.equal(at(55).toISOString());
      expect(report.tickets).to.equal(265);
    });

    it('when 260 tickets share the instant of the stored cursor, then a rerun lists them without storing any again and stops', async () => {
      const { sut, client, source, store, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(260, () => at(50)));
      await sut.execute(client);
      const savedBefore = store.savedUuids(client.id).length;
      const requestsBefore = source.requests.length;

      const report = await sut.execute(client);

      const rerun = source.requests.slice(requestsBefore);
      expect(rerun.every((r) => r.kind === 'tickets')).to.equal(true);
      expect(new Set(rerun.flatMap((r) => r.answered ?? [])).size).to.equal(260);
      expect(rerun.length).to.be.within(27, 3 * 27);
      expect(store.savedUuids(client.id).length).to.equal(savedBefore);
      expect(report.tickets).to.equal(0);
    });

    it('when a ticket already listed is updated mid-scan, then no ticket is skipped and it ends stored in its final version', async () => {
      const { sut, client, source, store, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(30, (i) => at(i)), 2);
      // Page 1 (t-0001..t-0010) has been listed; t-0003 now moves to the end of the order. A
      // bare page-number walk would ask page 2 of the original query next and get
      // t-0012..t-0021: t-0011 would never be seen.
      source.onListTickets = ({ call }) => {
        if (call === 2) {
          source.updateTicket(client.id, 't-0003', { updatedAt: at(100), subject: 'final' });
          source.seedMessages(client.id, manyMessages('t-0003', 1, 0, 3));
        }
      };

      const report = await sut.execute(client);

      const naivePage2 = await source.listTickets(client, { updatedAtFrom: new Date(0), page: 2, limit: 10 });
      expect(naivePage2.items.map((t) => t.uuid)).to.not.include('t-0011');
      const stored = store.tickets(client.id);
      expect(stored).to.have.length(30);
      for (const t of stored) expect(t.updatedAt, t.uuid).to.deep.equal(source.ticket(client.id, t.uuid)!.updatedAt);
      expect(store.ticket(client.id, 't-0003')!.subject).to.equal('final');
      expect(store.messages(client.id, 't-0003')).to.have.length(3);
      const finalSaves = store.saves.flatMap((s) => s.entries).filter((e) => e.ticket.uuid === 't-0003' && e.ticket.updatedAt.getTime() === at(100).getTime());
      expect(finalSaves).to.have.length(1);
      const others = [...countBy(store.savedUuids(client.id)).entries()].filter(([uuid]) => uuid !== 't-0003');
      expect(others.every(([, n]) => n === 1)).to.equal(true);
      expect(report.cursorAfter).to.equal(at(100).toISOString());
    });

    it('when a ticket not yet listed is updated mid-scan, then it is imported exactly once, in its final version', async () => {
      const { sut, client, source, store, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(30, (i) => at(i)));
      source.onListTickets = ({ call }) => {
        if (call === 2) source.updateTicket(client.id, 't-0025', { updatedAt: at(100), status: 'closed' });
      };

      await sut.execute(client);

      const saves = store.saves.flatMap((s) => s.entries).filter((e) => e.ticket.uuid === 't-0025');
      expect(saves).to.have.length(1);
      expect(saves[0]!.ticket.updatedAt).to.deep.equal(at(100));
      expect(saves[0]!.ticket.status).to.equal('closed');
      expect(new Set(store.savedUuids(client.id)).size).to.equal(30);
    });
    it('when a ticket already listed is updated while a group sharing one updatedAt is walked page by page, then no ticket of the group is skipped', async () => {
      const { sut, client, source, store, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(30, () => at(5)));
      // Once 20 tickets of the group have been listed, t-0002 (listed on the group's first page)
      // is updated and leaves the group: every later offset of the group shifts left by one.
      let updated = false;
      source.onListTickets = () => {
        if (!updated && source.listedUuids().size >= 20) {
          updated = true;
          source.updateTicket(client.id, 't-0002', { updatedAt: at(9) });
        }
      };

      await sut.execute(client);

      expect(updated).to.equal(true);
      const missing = manyTickets(30, () => at(5)).map((t) => t.uuid).filter((uuid) => !store.ticket(client.id, uuid));
      expect(missing, 'tickets never stored although the cursor moved past their updatedAt').to.deep.equal([]);
      expect(cursors.value(client.id, CURSOR)).to.equal(at(9).toISOString());
    });

    it('when a group ticket is updated during the second walk of the group, then the ticket right after the group is not skipped', async () => {
      const { sut, client, source, store, upstream } = makeSut({ pageSize: 2 });
      upstream([
        aTicket({ uuid: 'g1', updatedAt: at(10) }),
        aTicket({ uuid: 'g2', updatedAt: at(10) }),
        aTicket({ uuid: 'x', updatedAt: at(11) }),
        aTicket({ uuid: 'y', updatedAt: at(13) }),
        aTicket({ uuid: 'z', updatedAt: at(13) }),
      ]);
      // Requests: group page 1, page 2 (group ends), walk again page 1 ... then g1 leaves the group,
      // shifting x onto the page already read.
      source.onListTickets = ({ call }) => {
        if (call === 5) source.updateTicket(client.id, 'g1', { updatedAt: at(20) });
      };

      await sut.execute(client);

      expect(store.tickets(client.id).map((t) => t.uuid).sort()).to.deep.equal(['g1', 'g2', 'x', 'y', 'z']);
      expect(store.ticket(client.id, 'g1')!.updatedAt.toISOString()).to.equal(at(20).toISOString());
    });
  });

  describe('messages', () => {
    it('when the messages of a listed ticket answer 404, then the ticket is stored with no messages, counted as skipped, and the run goes on', async () => {
      const { sut, client, source, store, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(15, (i) => at(i)), 2);
      source.onListMessages = ({ ticketUuid }) => {
        if (ticketUuid === 't-0004') source.deleteTicket(client.id, 't-0004');
      };

      const report = await sut.execute(client);

      expect(store.ticket(client.id, 't-0004')).to.not.equal(undefined);
      expect(store.messages(client.id, 't-0004')).to.deep.equal([]);
      expect(report.skippedTickets).to.equal(1);
      expect(store.tickets(client.id)).to.have.length(15);
      expect(store.messages(client.id, 't-0015')).to.have.length(2);
      expect(report.messages).to.equal(14 * 2);
      expect(report.cursorAfter).to.equal(at(15).toISOString());
    });

    it('when some listed tickets are already stored unchanged, then messages are fetched only for the new and changed ones', async () => {
      const { sut, client, source, store, upstream } = makeSut();
      upstream([aTicket({ uuid: 'same', updatedAt: at(1) }), aTicket({ uuid: 'changed', updatedAt: at(2) }), aTicket({ uuid: 'new', updatedAt: at(3) })], 1);
      store.seed(client.id, aTicket({ uuid: 'same', updatedAt: at(1) }), manyMessages('same', 1));
      store.seed(client.id, aTicket({ uuid: 'changed', updatedAt: at(0) }), []);

      const report = await sut.execute(client);

      expect(source.messageRequests().map((r) => r.ticketUuid).sort()).to.deep.equal(['changed', 'new']);
      expect(store.savedUuids(client.id).sort()).to.deep.equal(['changed', 'new']);
      expect(report.tickets).to.equal(2);
    });

    it('when a stored ticket is updated, then its messages are fetched from the page holding its first unstored message', async () => {
      const { sut, client, source, store, upstream } = makeSut({ pageSize: 10 });
      upstream([aTicket({ uuid: 'busy', updatedAt: at(9) })], 27);
      store.seed(client.id, aTicket({ uuid: 'busy', updatedAt: at(1) }), manyMessages('busy', 23));

      await sut.execute(client);

      expect(source.messageRequests().map((r) => r.query)).to.deep.equal([{ page: 3, limit: 10 }]);
      expect(store.messages(client.id, 'busy')).to.have.length(27);
    });

    it('when a stored ticket holds exactly full pages of messages, then the refetch starts at the next page', async () => {
      const { sut, client, source, store, upstream } = makeSut({ pageSize: 10 });
      upstream([aTicket({ uuid: 'busy', updatedAt: at(9) })], 25);
      store.seed(client.id, aTicket({ uuid: 'busy', updatedAt: at(1) }), manyMessages('busy', 20));

      await sut.execute(client);

      expect(source.messageRequests().map((r) => r.query.page)).to.deep.equal([3]);
      expect(store.messages(client.id, 'busy')).to.have.length(25);
    });

    it('when a new ticket has several pages of messages, then every page is fetched until a short one', async () => {
      const { sut, client, source, store, upstream } = makeSut({ pageSize: 10 });
      upstream([aTicket({ uuid: 'chatty', updatedAt: at(1) })], 20);

      const report = await sut.execute(client);

      expect(source.messageRequests().map((r) => r.query.page)).to.deep.equal([1, 2, 3]);
      expect(store.messages(client.id, 'chatty')).to.have.length(20);
      expect(report.messages).to.equal(20);
    });
  });

  describe('checkpoints', () => {
    it('when the upstream fails on a page, then the messages still pending are abandoned, the cursor covers what was stored, and a rerun completes with nothing stored twice', async () => {
      const { sut, client, source, store, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(35, (i) => at(i)), 1);
      // Listings: from start (t1..t10), from t10 (t10..t19), from t19 (held, then failed). The second page's messages are held too.
      source.hold = (r) => (r.kind === 'tickets' && r.query.updatedAtFrom >= at(19)) || (r.kind === 'messages' && r.ticketUuid >= 't-0011');
      const run = sut.execute(client);
      await source.whenHeld(10);
      for (const uuid of ['t-0011', 't-0012', 't-0013', 't-0014', 't-0015']) source.heldMessages(uuid).release();
      await settle();
      const listing = source.held.find((h) => h.request.kind === 'tickets')!;
      const requestsBefore = source.requests.length;

      listing.fail(new UpstreamUnavailableError('upstream kept failing'));
      const failure = await run.then(() => null, (error: unknown) => error);

      expect(failure).to.be.instanceOf(UpstreamUnavailableError);
      expect(source.requests.length).to.equal(requestsBefore);
      expect(source.held).to.deep.equal([]);
      expect(source.messageRequests().filter((r) => r.outcome === 'aborted').map((r) => r.ticketUuid)).to.deep.equal(['t-0016', 't-0017', 't-0018', 't-0019']);
      expect(cursors.value(client.id, CURSOR)).to.equal(at(15).toISOString());
      const storedBeforeRerun = store.tickets(client.id).map((t) => t.uuid).sort();
      expect(storedBeforeRerun).to.deep.equal(manyTickets(15, (i) => at(i)).map((t) => t.uuid));

      source.hold = undefined;
      const report = await sut.execute(client);

      expect(report.cursorBefore).to.equal(at(15).toISOString());
      expect(store.tickets(client.id)).to.have.length(35);
      expect([...countBy(store.savedUuids(client.id)).values()].every((n) => n === 1)).to.equal(true);
      expect(store.messages(client.id, 't-0019')).to.have.length(1);
      expect(cursors.value(client.id, CURSOR)).to.equal(at(35).toISOString());
    });

    it('when the upstream fails inside a group sharing one updatedAt, then the cursor stays at that instant and a rerun stores the rest of the group once', async () => {
      const { sut, client, source, store, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream([...manyTickets(35, () => at(5), 'same'), aTicket({ uuid: 'later', updatedAt: at(6) })]);
      source.onListTickets = ({ query }) => {
        if (query.page === 3) throw new UpstreamUnavailableError('upstream kept failing');
      };
      const failure = await sut.execute(client).then(() => null, (error: unknown) => error);
      const storedAfterFailure = store.tickets(client.id).length;

      source.onListTickets = undefined;
      await sut.execute(client);

      expect(failure).to.be.instanceOf(UpstreamUnavailableError);
      expect(storedAfterFailure).to.be.within(1, 35);
      expect(store.tickets(client.id)).to.have.length(36);
      expect([...countBy(store.savedUuids(client.id)).values()].every((n) => n === 1)).to.equal(true);
      expect(cursors.history(client.id, CURSOR)).to.deep.equal([at(5), at(6)].map((d) => d.toISOString()));
    });

    it('when a store write fails, then the cursor stays over the tickets stored before it and a rerun completes with nothing stored twice', async () => {
      const { sut, client, store, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(35, (i) => at(i)), 1);
      store.onSave = ({ call }) => {
        if (call === 2) throw new Error('database went away');
      };

      const failure = await sut.execute(client).then(() => null, (error: unknown) => error);

      expect(failure).to.be.instanceOf(Error).with.property('message', 'database went away');
      // Only the first write went through (the second failed whole), and nothing was written after it.
      expect(store.saves).to.have.length(1);
      const stored = store.savedUuids(client.id);
      expect(stored).to.deep.equal(manyTickets(stored.length, (i) => at(i)).map((t) => t.uuid));
      expect(cursors.history(client.id, CURSOR)).to.deep.equal([at(stored.length).toISOString()]);
      expect(store.tickets(client.id)).to.have.length(stored.length);

      store.onSave = undefined;
      await sut.execute(client);

      expect(store.tickets(client.id)).to.have.length(35);
      expect([...countBy(store.savedUuids(client.id)).values()].every((n) => n === 1)).to.equal(true);
      expect(cursors.value(client.id, CURSOR)).to.equal(at(35).toISOString());
    });

    it('when fetching messages fails with an upstream error, then the tickets fetched before are stored, the failed one is not, and the cursor stops just before it', async () => {
      const { sut, client, source, store, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(25, (i) => at(i)), 1);
      source.hold = (r) => r.kind === 'messages' && r.ticketUuid >= 't-0011';
      const run = sut.execute(client);
      await source.whenHeld(10);
      for (const uuid of ['t-0011', 't-0012', 't-0013', 't-0014', 't-0017']) source.heldMessages(uuid).release();
      await settle();

      source.heldMessages('t-0015').fail(new UpstreamUnavailableError('upstream kept failing'));
      const failure = await run.then(() => null, (error: unknown) => error);

      expect(failure).to.be.instanceOf(UpstreamUnavailableError);
      expect(store.tickets(client.id).map((t) => t.uuid).sort()).to.deep.equal([...manyTickets(14, (i) => at(i)).map((t) => t.uuid), 't-0017']);
      expect(cursors.value(client.id, CURSOR)).to.equal(at(14).toISOString());
      expect(store.ticket(client.id, 't-0015')).to.equal(undefined);
    });

    it('when the run completes, then the cursor is the greatest stored updatedAt, not the clock', async () => {
      const { sut, client, cursors, upstream } = makeSut();
      const newest = new Date('2001-02-03T04:05:06.789Z');
      upstream([aTicket({ uuid: 'a', updatedAt: new Date('2001-02-03T04:05:06.700Z') }), aTicket({ uuid: 'b', updatedAt: newest })]);

      const report = await sut.execute(client);

      expect(report.cursorAfter).to.equal('2001-02-03T04:05:06.789Z');
      expect(cursors.value(client.id, CURSOR)).to.equal('2001-02-03T04:05:06.789Z');
    });

    it('when nothing is listed, then the cursor is left as it was', async () => {
      const { sut, client, cursors } = makeSut();
      cursors.seed(client.id, CURSOR, at(4).toISOString());

      const report = await sut.execute(client);

      expect(report.cursorAfter).to.equal(at(4).toISOString());
      expect(cursors.sets).to.deep.equal([]);
    });

    it('when nothing changed upstream since the last run, then a rerun makes exactly one upstream request', async () => {
      const { sut, client, source, store, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(25, (i) => at(i)), 3);
      await sut.execute(client);
      const requestsBefore = source.requests.length;
      const savedBefore = store.savedUuids(client.id).length;

      const report = await sut.execute(client);

      const rerun = source.requests.slice(requestsBefore);
      expect(rerun.map((r) => r.kind)).to.deep.equal(['tickets']);
      expect(store.savedUuids(client.id).length).to.equal(savedBefore);
      expect(report).to.include({ pages: 1, tickets: 0, messages: 0 });
    });
  });

  describe('progress', () => {
    it('when the scan spans several pages, then onProgress is called once per checkpoint with the running totals of what is stored', async () => {
      const { sut, client, store, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(25, (i) => at(i)), 1);
      const progress: ImportTicketsReport[] = [];

      const report = await sut.execute(client, async (r) => {
        progress.push({ ...r });
      });

      // Every ticket is new, so each checkpoint follows one write; messages complete in listing order here.
      const stored = store.saves.map((s) => s.entries.length).map((_, i, sizes) => sizes.slice(0, i + 1).reduce((a, b) => a + b, 0));
      expect(stored.length).to.be.greaterThan(1);
      expect(progress.map((p) => p.tickets)).to.deep.equal(stored);
      expect(progress.map((p) => p.messages)).to.deep.equal(stored);
      expect(progress.map((p) => [p.listedTickets, p.expectedTickets])).to.deep.equal(stored.map((n) => [n, 25]));
      expect(progress.map((p) => p.cursorAfter)).to.deep.equal(stored.map((n) => at(n).toISOString()));
      expect(cursors.history(client.id, CURSOR)).to.deep.equal(stored.map((n) => at(n).toISOString()));
      const pages = progress.map((p) => p.pages);
      expect(pages.every((n, i) => n >= 1 && n <= 3 && (i === 0 || n >= pages[i - 1]!))).to.equal(true);
      expect(report).to.deep.equal({ pages: 3, tickets: 25, messages: 25, skippedTickets: 0, listedTickets: 25, expectedTickets: 25, cursorBefore: null, cursorAfter: at(25).toISOString() });
    });

    it('when a rerun finds most tickets unchanged, then they count as listed but not stored, and the expected count is what changed since the cursor', async () => {
      const { sut, client, upstream, source } = makeSut({ pageSize: 10 });
      upstream(manyTickets(25, (i) => at(i)), 1);
      await sut.execute(client);
      source.updateTicket(client.id, 't-0003', { updatedAt: at(30) });

      const report = await sut.execute(client);

      // The cursor's own instant is listed again (inclusive), with the one ticket changed since.
      expect(report).to.include({ expectedTickets: 2, listedTickets: 2, tickets: 1 });
    });
  });
});
