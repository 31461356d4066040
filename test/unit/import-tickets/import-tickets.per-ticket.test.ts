import { expect } from 'chai';
import { ImportTicketsUseCase } from '../../../src/application/import-tickets/import-tickets.use-case.js';
import { UpstreamUnauthorizedError } from '../../../src/domain/errors.js';
import { CURSOR_KEYS } from '../../../src/domain/sync-cursor.js';
import type { Ticket } from '../../../src/domain/tickets/ticket.js';
import { aClient, aTicket, at, manyMessages, manyTickets } from '../../fakes/builders.js';
import { InMemoryCursorStore } from '../../fakes/in-memory-cursor-store.js';
import { InMemoryTicketSource, type HeldCall } from '../../fakes/in-memory-ticket-source.js';
import { InMemoryTicketStore } from '../../fakes/in-memory-ticket-store.js';
import { deferred, settle, settledNow } from '../../support/settle.js';

const CURSOR = CURSOR_KEYS.ticketsLastImportAt;

function makeSut({ pageSize = 10 } = {}) {
  const client = aClient({ slug: 'acme' });
  const source = new InMemoryTicketSource();
  const store = new InMemoryTicketStore();
  const cursors = new InMemoryCursorStore();
  const sut = new ImportTicketsUseCase(source, store, cursors, { importStartAt: null, pageSize });
  const uuids = new Set<string>();
  /** Seeds tickets upstream, each with `messagesEach` messages. */
  const upstream = (tickets: Ticket[], messagesEach = 1) => {
    source.seedTickets(client.id, tickets);
    for (const t of tickets) {
      uuids.add(t.uuid);
      source.seedMessages(client.id, manyMessages(t.uuid, messagesEach));
    }
  };
  /** Tickets upstream that the store lacks, or holds in an older version. */
  const unstored = (): Ticket[] =>
    [...uuids].map((uuid) => source.ticket(client.id, uuid)!).filter((t) => !(store.ticket(client.id, t.uuid)?.updatedAt.getTime() === t.updatedAt.getTime()));
  /** The crash invariant: a restart from the stored cursor lists every ticket not stored (the listing is inclusive). */
  const expectCursorAtOrBehindEveryUnstoredTicket = (when: string) => {
    const cursor = cursors.value(client.id, CURSOR);
    if (cursor === null) return;
    for (const ticket of unstored()) expect(Date.parse(cursor), `${when}: cursor ${cursor} passed unstored ${ticket.uuid} (${ticket.updatedAt.toISOString()})`).to.be.at.most(ticket.updatedAt.getTime());
  };
  const expectStoreEqualsSource = () => {
    expect(store.tickets(client.id).map((t) => t.uuid).sort()).to.deep.equal([...uuids].sort());
    for (const uuid of uuids) {
      expect(store.ticket(client.id, uuid), uuid).to.deep.equal(source.ticket(client.id, uuid));
      expect(store.messages(client.id, uuid), `messages of ${uuid}`).to.deep.equal(source.messagesOf(client.id, uuid));
    }
  };
  return { sut, client, source, store, cursors, upstream, unstored, expectCursorAtOrBehindEveryUnstoredTicket, expectStoreEqualsSource };
}

/** A small deterministic generator, so that a failing order can be replayed. */
function randomOrder(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
}

/**
 * Answers the held requests one at a time, each chosen by `pick` among those held, until the
 * run settles; fails if the run waits with nothing held.
 */
async function answerHeldUntilSettled(source: InMemoryTicketSource, run: Promise<unknown>, pick: (held: HeldCall[]) => HeldCall): Promise<void> {
  while (!(await settledNow(run))) {
    const held = source.held;
    if (held.length === 0) throw new Error('the import waits, yet nothing is held');
    pick(held).release();
  }
}

const errorOf = (run: Promise<unknown>) => run.then(() => null, (error: unknown) => error);

describe('ImportTicketsUseCase, per-ticket checkpoints', () => {
  describe('a crash at any moment', () => {
    it('when messages complete in a scrambled order, then after every write the cursor is at or behind every ticket not stored', async () => {
      const { sut, client, source, store, cursors, upstream, expectCursorAtOrBehindEveryUnstoredTicket, expectStoreEqualsSource } = makeSut({ pageSize: 10 });
      upstream(manyTickets(45, (i) => at(i)));
      source.hold = (r) => r.kind === 'messages';
      let writes = 0;
      store.onSave = () => expectCursorAtOrBehindEveryUnstoredTicket(`before write ${++writes}`);
      const random = randomOrder(7);

      const run = sut.execute(client);
      await answerHeldUntilSettled(source, run, (held) => held[random(held.length)]!);
      await run;

      expectCursorAtOrBehindEveryUnstoredTicket('at the end');
      // Out of order indeed: some write stored a ticket listed after one not stored yet.
      const savedOrder = store.savedUuids(client.id);
      expect(savedOrder).to.not.deep.equal([...savedOrder].sort());
      expect(store.saves.length).to.be.greaterThan(5);
      expect(cursors.value(client.id, CURSOR)).to.equal(at(45).toISOString());
      expectStoreEqualsSource();
    });

    it('when the import stops after the k-th write, for every k, then the cursor is at or behind every ticket not stored and a restart completes the import storing no ticket twice', async () => {
      let k = 0;
      for (; ; k++) {
        const { sut, client, source, store, upstream, unstored, expectCursorAtOrBehindEveryUnstoredTicket, expectStoreEqualsSource } = makeSut({ pageSize: 10 });
        upstream(manyTickets(30, (i) => at(i)));
        source.hold = (r) => r.kind === 'messages';
        // The process dies before write k + 1: that write and every later one never happen.
        store.onSave = ({ call }) => {
          if (call > k) throw new Error(`crash after write ${k}`);
        };
        const random = randomOrder(1000 + k);

        const run = sut.execute(client);
        await answerHeldUntilSettled(source, run, (held) => held[random(held.length)]!);
        const failure = await errorOf(run);
        if (failure === null) {
          // k is past the last write of a whole import: every k before it was tried.
          expectStoreEqualsSource();
          break;
        }

        expect(failure, `k=${k}`).to.be.instanceOf(Error).with.property('message', `crash after write ${k}`);
        expect(store.saves, `k=${k}`).to.have.length(k);
        expect(unstored().length, `k=${k}`).to.be.greaterThan(0);
        expectCursorAtOrBehindEveryUnstoredTicket(`k=${k}`);

        store.onSave = undefined;
        source.hold = undefined;
        await sut.execute(client);

        expectStoreEqualsSource();
        const saved = store.savedUuids(client.id);
        expect(new Set(saved).size, `k=${k}: a ticket stored twice`).to.equal(saved.length);
      }
      expect(k).to.be.greaterThan(3);
    });
  });

  describe('the store ends equal to the source', () => {
    it('when a group sharing one updatedAt spans pages and one of its tickets is updated mid-walk, with messages completing newest first, then every ticket ends stored in its final version', async () => {
      const { sut, client, source, cursors, upstream, expectCursorAtOrBehindEveryUnstoredTicket, expectStoreEqualsSource } = makeSut({ pageSize: 10 });
      upstream([...manyTickets(25, () => at(5), 'same'), ...manyTickets(10, (i) => at(5 + i), 'later')]);
      let updated = false;
      source.onListTickets = () => {
        if (!updated && source.listedUuids().size >= 12) {
          updated = true;
          // Listed on the group's first page; it leaves the group for the end of the order, with one more message.
          source.updateTicket(client.id, 'same-0003', { updatedAt: at(50), subject: 'final' });
          source.seedMessages(client.id, manyMessages('same-0003', 1, 0, 2));
        }
      };
      source.hold = (r) => r.kind === 'messages';

      const run = sut.execute(client);
      await answerHeldUntilSettled(source, run, (held) => held.at(-1)!);
      await run;

      expect(updated).to.equal(true);
      // Both versions of the ticket were fetched: the old one as listed first, the final one at the end.
      expect(source.messageRequests().filter((r) => r.ticketUuid === 'same-0003')).to.have.length(2);
      expectStoreEqualsSource();
      expectCursorAtOrBehindEveryUnstoredTicket('at the end');
      expect(cursors.value(client.id, CURSOR)).to.equal(at(50).toISOString());
    });

    it('when tickets of a group spanning pages are updated while their messages are in flight, with random completion, then the store ends equal to the source', async () => {
      const { sut, client, source, upstream, expectStoreEqualsSource } = makeSut({ pageSize: 5 });
      upstream([...manyTickets(17, () => at(5), 'same'), ...manyTickets(8, (i) => at(5 + i), 'later')], 2);
      let listings = 0;
      source.onListTickets = () => {
        listings += 1;
        // Shift the pages twice: a group ticket already listed leaves the group, then a later ticket moves past the end.
        if (listings === 3) source.updateTicket(client.id, 'same-0002', { updatedAt: at(40) });
        if (listings === 6) source.updateTicket(client.id, 'later-0001', { updatedAt: at(41), status: 'closed' });
      };
      source.hold = (r) => r.kind === 'messages';
      const random = randomOrder(42);

      const run = sut.execute(client);
      await answerHeldUntilSettled(source, run, (held) => held[random(held.length)]!);
      await run;

      expect(listings).to.be.greaterThan(6);
      expectStoreEqualsSource();
    });
  });

  describe('tickets in hand', () => {
    it('when a page is listed, then the next page is asked for only after that page’s message requests, so it queues behind them for the budget', async () => {
      const { sut, client, source, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(15, (i) => at(i)));
      source.hold = (r) => r.kind === 'messages';
      const run = sut.execute(client);
      await source.whenHeld(10);
      await settle();

      const order = source.requests.map((r) => r.kind);
      expect(order.slice(0, 12)).to.deep.equal(['tickets', ...Array(10).fill('messages'), 'tickets']);
      await answerHeldUntilSettled(source, run, (held) => held[0]!);
      await run;
    });

    it('when messages are slow, then at most two pages of tickets are in hand at once, and each stored ticket makes room for one more', async () => {
      const { sut, client, source, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(50, (i) => at(i)));
      source.hold = (r) => r.kind === 'messages';
      const run = sut.execute(client);
      await source.whenHeld(20);
      await settle();

      expect(source.messageRequests()).to.have.length(20);
      // The listing stops ahead of them: the third page is listed and waits for room, no page beyond it.
      expect(source.ticketRequests()).to.have.length(3);

      source.heldMessages('t-0005').release();
      source.heldMessages('t-0017').release();
      await settle();

      expect(source.held).to.have.length(20);
      expect(source.messageRequests().map((r) => r.ticketUuid)).to.deep.equal(manyTickets(22, (i) => at(i)).map((t) => t.uuid));
      await answerHeldUntilSettled(source, run, (held) => held[0]!);
      await run;
    });
  });

  describe('writes', () => {
    it('when tickets complete while a write is under way, then they share the next write', async () => {
      const { sut, client, source, store, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(10, (i) => at(i)));
      source.hold = (r) => r.kind === 'messages';
      const firstWrite = deferred();
      store.onSave = async ({ call }) => {
        if (call === 1) await firstWrite.promise;
      };
      const progress: number[] = [];
      const run = sut.execute(client, async (report) => {
        progress.push(report.tickets);
      });
      await source.whenHeld(10);

      source.heldMessages('t-0001').release();
      await settle();
      for (const uuid of ['t-0004', 't-0002', 't-0010', 't-0003', 't-0005', 't-0009', 't-0006', 't-0008', 't-0007']) source.heldMessages(uuid).release();
      await settle();
      firstWrite.resolve();
      await run;

      expect(store.saves.map((s) => s.entries.map((e) => e.ticket.uuid).sort())).to.deep.equal([['t-0001'], manyTickets(10, (i) => at(i)).slice(1).map((t) => t.uuid)]);
      expect(progress).to.deep.equal([1, 10]);
      expect(cursors.history(client.id, CURSOR)).to.deep.equal([at(1), at(10)].map((d) => d.toISOString()));
    });

    it('when a ticket listed early completes last, then the cursor waits for it and then moves over everything stored after it at once', async () => {
      const { sut, client, source, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(8, (i) => at(i)));
      source.hold = (r) => r.kind === 'messages';
      const run = sut.execute(client);
      await source.whenHeld(8);

      for (const uuid of ['t-0001', 't-0002', 't-0004', 't-0005', 't-0006', 't-0007', 't-0008']) {
        source.heldMessages(uuid).release();
        await settle();
      }
      const whileWaiting = cursors.value(client.id, CURSOR);
      source.heldMessages('t-0003').release();
      await run;

      expect(whileWaiting).to.equal(at(2).toISOString());
      expect(cursors.history(client.id, CURSOR)).to.deep.equal([at(1), at(2), at(8)].map((d) => d.toISOString()));
    });
  });

  describe('stopping', () => {
    it('when one message fetch fails (the token is rejected), then the other pending fetches stop at once, and the tickets already fetched are stored and checkpointed', async () => {
      const { sut, client, source, store, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(25, (i) => at(i)));
      source.hold = (r) => r.kind === 'messages';
      const run = sut.execute(client);
      // Two pages of tickets in hand at once: the first 20 tickets' messages are requested, the rest wait for room.
      await source.whenHeld(20);
      for (const uuid of ['t-0001', 't-0002', 't-0003', 't-0005', 't-0012']) source.heldMessages(uuid).release();
      await settle();
      const requestsBefore = source.requests.length;
      const refusedBefore = source.refusedCalls;

      source.heldMessages('t-0004').fail(new UpstreamUnauthorizedError('acme'));
      const failure = await errorOf(run);

      expect(failure).to.be.instanceOf(UpstreamUnauthorizedError);
      // No request went out after the failure, and every one in flight was abandoned.
      expect(source.requests.length).to.equal(requestsBefore);
      expect(source.refusedCalls).to.equal(refusedBefore);
      expect(source.held).to.deep.equal([]);
      // In flight: the 20 first, and the 5 that took the room of those stored.
      const aborted = source.messageRequests().filter((r) => r.outcome === 'aborted').map((r) => r.ticketUuid);
      expect(aborted).to.deep.equal(manyTickets(25, (i) => at(i)).map((t) => t.uuid).filter((uuid) => !['t-0001', 't-0002', 't-0003', 't-0004', 't-0005', 't-0012'].includes(uuid)));
      expect(source.messageRequests()).to.have.length(25);
      expect(store.tickets(client.id).map((t) => t.uuid).sort()).to.deep.equal(['t-0001', 't-0002', 't-0003', 't-0005', 't-0012']);
      expect(cursors.value(client.id, CURSOR)).to.equal(at(3).toISOString());
    });

    it('when the signal aborts mid-page, then the import rejects at once with its reason, having stored and checkpointed what was complete', async () => {
      const { sut, client, source, store, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(10, (i) => at(i)));
      source.hold = (r) => r.kind === 'messages';
      const shutdown = new AbortController();
      const run = errorOf(sut.execute(client, async () => {}, shutdown.signal));
      await source.whenHeld(10);
      for (const uuid of ['t-0001', 't-0002', 't-0006']) source.heldMessages(uuid).release();
      await settle();
      const reason = new Error('shutting down');

      shutdown.abort(reason);

      // It settles without any held request being answered.
      expect(await settledNow(run)).to.equal(true);
      expect(await run).to.equal(reason);
      expect(source.held).to.deep.equal([]);
      expect(source.messageRequests().filter((r) => r.outcome === 'aborted')).to.have.length(7);
      expect(store.tickets(client.id).map((t) => t.uuid).sort()).to.deep.equal(['t-0001', 't-0002', 't-0006']);
      expect(cursors.value(client.id, CURSOR)).to.equal(at(2).toISOString());
    });

    it('when the signal has already aborted, then the import rejects with its reason without a single request', async () => {
      const { sut, client, source, store, upstream } = makeSut();
      upstream(manyTickets(3, (i) => at(i)));
      const reason = new Error('shutting down');

      const failure = await errorOf(sut.execute(client, async () => {}, AbortSignal.abort(reason)));

      expect(failure).to.equal(reason);
      expect(source.requests).to.deep.equal([]);
      expect(store.saves).to.deep.equal([]);
    });

    it('when onProgress throws, then the import stops every pending request and rejects with that error, having stored what was complete', async () => {
      const { sut, client, source, store, cursors, upstream } = makeSut({ pageSize: 10 });
      upstream(manyTickets(10, (i) => at(i)));
      source.hold = (r) => r.kind === 'messages';
      const stop = new Error('asked to stop');
      let checkpoints = 0;
      const run = errorOf(
        sut.execute(client, async () => {
          if (++checkpoints === 1) throw stop;
        }),
      );
      await source.whenHeld(10);

      source.heldMessages('t-0001').release();

      expect(await settledNow(run)).to.equal(true);
      expect(await run).to.equal(stop);
      expect(source.held).to.deep.equal([]);
      expect(source.messageRequests().filter((r) => r.outcome === 'aborted')).to.have.length(9);
      expect(store.savedUuids(client.id)).to.deep.equal(['t-0001']);
      expect(cursors.value(client.id, CURSOR)).to.equal(at(1).toISOString());
    });
  });

  it('when a ticket is listed again after an update while its first fetch is in flight, and the final version completes first, then the final version is what stays stored', async () => {
    const { sut, client, source, store, cursors, upstream, expectStoreEqualsSource } = makeSut({ pageSize: 3 });
    upstream([aTicket({ uuid: 'a', updatedAt: at(1) }), aTicket({ uuid: 'b', updatedAt: at(2) }), aTicket({ uuid: 'c', updatedAt: at(3) })]);
    // The messages, and the listing after the first page, are held.
    source.hold = (r) => r.kind === 'messages' || r.query.page > 1 || (r.kind === 'tickets' && r.query.updatedAtFrom >= at(3));
    const run = sut.execute(client);
    await source.whenHeld(4);
    source.updateTicket(client.id, 'a', { updatedAt: at(9), subject: 'final' });
    source.seedMessages(client.id, manyMessages('a', 1, 0, 2));
    source.held.find((h) => h.request.kind === 'tickets')!.release();
    await settle();

    const fetchesOfA = source.held.filter((h) => h.request.kind === 'messages' && h.request.ticketUuid === 'a');
    expect(fetchesOfA).to.have.length(2);
    const [first, final] = fetchesOfA;
    final!.release();
    await settle();
    first!.release();
    await answerHeldUntilSettled(source, run, (held) => held[0]!);
    await run;

    expect(store.ticket(client.id, 'a')).to.deep.include({ subject: 'final', updatedAt: at(9) });
    expectStoreEqualsSource();
    expect(cursors.value(client.id, CURSOR)).to.equal(at(9).toISOString());
  });

  it('when both versions of a ticket listed twice complete together, then one write stores the final version', async () => {
    const { sut, client, source, store, upstream } = makeSut({ pageSize: 3 });
    upstream([aTicket({ uuid: 'a', updatedAt: at(1) }), aTicket({ uuid: 'b', updatedAt: at(2) }), aTicket({ uuid: 'c', updatedAt: at(3) })]);
    source.hold = (r) => r.kind === 'messages' || (r.kind === 'tickets' && r.query.updatedAtFrom >= at(3));
    const firstWrite = deferred();
    store.onSave = async ({ call }) => {
      if (call === 1) await firstWrite.promise;
    };
    const run = sut.execute(client);
    await source.whenHeld(4);
    source.updateTicket(client.id, 'a', { updatedAt: at(9), subject: 'final' });
    source.held.find((h) => h.request.kind === 'tickets')!.release();
    await settle();
    source.heldMessages('b').release();
    await settle();

    // While the write of b is under way, the final version of a completes, then the first one.
    const [first, final] = source.held.filter((h) => h.request.kind === 'messages' && h.request.ticketUuid === 'a');
    final!.release();
    first!.release();
    await settle();
    firstWrite.resolve();
    await answerHeldUntilSettled(source, run, (held) => held[0]!);
    await run;

    expect(store.saves[1]!.entries.map((e) => [e.ticket.uuid, e.ticket.subject])).to.deep.equal([['a', 'final']]);
    expect(store.ticket(client.id, 'a')).to.deep.include({ subject: 'final', updatedAt: at(9) });
  });
});
