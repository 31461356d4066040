import { install } from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { SlidingWindowBudget, type Permit } from '../../../src/infrastructure/upstream/sliding-window-budget.js';

type InstalledClock = ReturnType<typeof install>;

const WINDOW = 60_000;

/** Starts an acquire and records when (fake ms) it got its permit, or the reason it failed. */
function track(budget: SlidingWindowBudget, clock: InstalledClock, signal?: AbortSignal) {
  const result: { permit?: Permit; at?: number; error?: unknown } = {};
  budget.acquire(signal).then(
    (permit) => {
      result.permit = permit;
      result.at = clock.now;
    },
    (error: unknown) => (result.error = error),
  );
  return result;
}

describe('SlidingWindowBudget (fake timers)', () => {
  let clock: InstalledClock;

  beforeEach(() => {
    clock = install({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => clock.uninstall());

  it('when the limit is in use, then the next request waits until a window after the first one finished', async () => {
    const budget = new SlidingWindowBudget(2, WINDOW);
    const first = await budget.acquire();
    await budget.acquire();
    await clock.tickAsync(200);
    first.spent();

    const third = track(budget, clock);
    await clock.tickAsync(WINDOW - 1);
    const before = third.permit;
    await clock.tickAsync(1);

    expect(before).to.equal(undefined);
    expect(third.at).to.equal(200 + WINDOW);
  });

  it('when a permit is not used (nothing was sent), then it comes back at once', async () => {
    const budget = new SlidingWindowBudget(1, WINDOW);
    const permit = await budget.acquire();
    const next = track(budget, clock);

    permit.unused();
    await clock.tickAsync(0);

    expect(next.at).to.equal(0);
  });

  it('when the limit is lowered below the permits in use, then new requests wait until fewer than the new limit are in the window', async () => {
    const budget = new SlidingWindowBudget(5, WINDOW);
    const permits: Permit[] = [];
    for (let i = 0; i < 5; i++) permits.push(await budget.acquire());
    // Finished at 0, 1000, 2000, 3000, 4000: back at WINDOW + those.
    for (const [i, permit] of permits.entries()) {
      permit.spent();
      if (i < 4) await clock.tickAsync(1000);
    }

    budget.setLimit(3);
    const waiting = track(budget, clock);
    await clock.tickAsync(WINDOW - 4000 + 1000);
    const afterTwoBack = waiting.permit;
    await clock.tickAsync(1000);

    expect(afterTwoBack, 'two back leave 3 in the window: not below 3').to.equal(undefined);
    expect(waiting.at).to.equal(WINDOW + 2000);
    expect(budget.limit).to.equal(3);
  });

  it('when the limit is raised, then requests waiting for a permit get one at once, and the window is kept', async () => {
    const budget = new SlidingWindowBudget(1, WINDOW);
    (await budget.acquire()).spent();
    const second = track(budget, clock);
    const third = track(budget, clock);
    const fourth = track(budget, clock);
    await clock.tickAsync(10);

    budget.setLimit(3);
    await clock.tickAsync(0);

    expect(second.at).to.equal(10);
    expect(third.at).to.equal(10);
    expect(fourth.permit).to.equal(undefined);
    expect(budget.free).to.equal(0);
  });

  it('when permits are held from elsewhere, then they count as in use until their time is up', async () => {
    const budget = new SlidingWindowBudget(3, WINDOW);
    budget.hold(2, 30_000);

    await budget.acquire();
    const blocked = track(budget, clock);
    await clock.tickAsync(30_000);

    expect(blocked.at).to.equal(30_000);
    expect(budget.free).to.equal(1);
  });

  it('when a waiting request is aborted, then it rejects at once with the reason, leaves the queue, and the next in line is served first', async () => {
    const budget = new SlidingWindowBudget(1, WINDOW);
    const held = await budget.acquire();
    const controller = new AbortController();
    const aborted = track(budget, clock, controller.signal);
    const next = track(budget, clock);
    const reason = new Error('client run ended');

    controller.abort(reason);
    await clock.tickAsync(0);
    held.unused();
    await clock.tickAsync(0);

    expect(aborted.error).to.equal(reason);
    expect(aborted.permit).to.equal(undefined);
    expect(next.at).to.equal(0);
    expect(budget.free).to.equal(0);
  });

  it('when the signal is already aborted, then acquire rejects without taking a permit', async () => {
    const budget = new SlidingWindowBudget(1, WINDOW);
    const reason = new Error('stopped');

    const error = await budget.acquire(AbortSignal.abort(reason)).catch((e: unknown) => e);

    expect(error).to.equal(reason);
    expect(budget.free).to.equal(1);
  });

  it('when a limit is not a positive whole number, then setLimit refuses it', () => {
    const budget = new SlidingWindowBudget(1, WINDOW);

    expect(() => budget.setLimit(0)).to.throw(RangeError);
    expect(() => budget.setLimit(1.5)).to.throw(RangeError);
    expect(budget.limit).to.equal(1);
  });
});
