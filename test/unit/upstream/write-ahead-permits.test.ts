import { install } from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { SlidingWindowBudget } from '../../../src/infrastructure/upstream/sliding-window-budget.js';
import { WriteAheadPermits } from '../../../src/infrastructure/upstream/write-ahead-permits.js';
import { InMemoryUpstreamRequestLedger } from '../../fakes/in-memory-upstream-request-ledger.js';

type InstalledClock = ReturnType<typeof install>;

const WINDOW = 60_000;
const TIMEOUT = 5_000;
const CLIENT = 'client-acme';

/** One process's view of a client: its budget and its write-ahead record, on a shared ledger. */
function aProcess(ledger: InMemoryUpstreamRequestLedger, limit: number) {
  const budget = new SlidingWindowBudget(limit, WINDOW);
  const permits = new WriteAheadPermits(ledger, CLIENT, budget, { windowMs: WINDOW, requestTimeoutMs: TIMEOUT });
  /** What UpstreamConnection does around one request: load, permit, record, send, finish. */
  const send = async (latencyMs: number, clock: InstalledClock, sent: number[] = []) => {
    await permits.ready();
    const permit = await budget.acquire();
    const recorded = await permits.reserve();
    sent.push(clock.now);
    await clock.tickAsync(0);
    setTimeout(() => {
      recorded.finished();
      permit.spent();
    }, latencyMs);
  };
  return { budget, permits, send };
}

describe('WriteAheadPermits (fake timers, in-memory ledger)', () => {
  let clock: InstalledClock;

  beforeEach(() => {
    clock = install({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => clock.uninstall());

  it('when a permit is reserved, then the ledger holds it before the request is sent', async () => {
    const ledger = new InMemoryUpstreamRequestLedger();
    const { budget, permits } = aProcess(ledger, 60);

    await permits.ready();
    await budget.acquire();
    const heldBeforeSending = ledger.permitsHeld(CLIENT);
    await permits.reserve();

    expect(heldBeforeSending).to.equal(0);
    expect(ledger.permitsHeld(CLIENT)).to.be.at.least(1);
    expect(ledger.calls.map((c) => c.kind)).to.deep.equal(['held', 'record']);
  });

  it('when a process dies after sending N requests, then a successor can send only limit − N until those leave the window', async () => {
    const ledger = new InMemoryUpstreamRequestLedger();
    const first = aProcess(ledger, 10);
    for (let i = 0; i < 4; i++) await first.send(100, clock);
    await clock.tickAsync(1_000);

    const successor = aProcess(ledger, 10);
    await successor.permits.ready();

    expect(successor.budget.free).to.be.at.most(10 - 4);
    expect(successor.budget.free).to.be.at.least(0);
    await clock.tickAsync(WINDOW + TIMEOUT + 5_000);
    expect(successor.budget.free).to.equal(10);
  });

  it('when the next block is reserved, then the finished blocks are rewritten with what they used and when that leaves the window', async () => {
    const ledger = new InMemoryUpstreamRequestLedger();
    const { send } = aProcess(ledger, 600);
    await send(50, clock);
    await clock.tickAsync(3_000);

    await send(50, clock);

    const second = ledger.calls.filter((c) => c.kind === 'record')[1]!;
    const settled = second.writes.find((w) => w.block === 1)!;
    expect(settled.permits).to.equal(1);
    expect(settled.heldForMs).to.equal(50 + WINDOW - 3_000);
    expect(second.writes.find((w) => w.block === 2)!.heldForMs).to.be.greaterThan(WINDOW + TIMEOUT);
  });

  it('when a client sends 700 requests a minute, then it writes at most one statement a second, and never more in a window than the ledger counts', async () => {
    const ledger = new InMemoryUpstreamRequestLedger();
    const { send } = aProcess(ledger, 700);
    const sent: number[] = [];
    let mostSentUnrecorded = 0;

    for (let i = 0; i < 700; i++) {
      await send(150, clock, sent);
      const inWindow = sent.filter((t) => t > clock.now - WINDOW).length;
      mostSentUnrecorded = Math.max(mostSentUnrecorded, inWindow - ledger.permitsHeld(CLIENT));
      await clock.tickAsync(Math.floor(WINDOW / 700));
    }

    const statements = ledger.calls.length;
    expect(sent).to.have.length(700);
    expect(statements).to.be.at.most(60);
    expect(mostSentUnrecorded).to.be.at.most(0);
  });

  it('when another process reserves while this one is idle, then this one counts those permits at its next reservation, once', async () => {
    const ledger = new InMemoryUpstreamRequestLedger();
    const here = aProcess(ledger, 100);
    const there = aProcess(ledger, 100);
    await here.send(10, clock);
    await clock.tickAsync(3_000);
    for (let i = 0; i < 5; i++) await there.send(10, clock);
    await clock.tickAsync(3_000);
    const freeBefore = here.budget.free;

    await here.send(10, clock);
    await clock.tickAsync(3_000);
    await here.send(10, clock);

    const reservations = ledger.calls.filter((c) => c.kind === 'record').length;
    expect(reservations).to.be.greaterThan(2);
    expect(freeBefore).to.equal(99);
    expect(here.budget.free).to.be.at.most(100 - 3 - 5);
    expect(here.budget.free).to.be.at.least(100 - 3 - 5 - 10);
  });
});
