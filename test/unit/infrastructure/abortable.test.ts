import { getEventListeners } from 'node:events';
import { install } from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { abortable, delay, relayOf } from '../../../src/infrastructure/abortable.js';

type InstalledClock = ReturnType<typeof install>;

describe('abortable waits (fake timers)', () => {
  let clock: InstalledClock;

  beforeEach(() => {
    clock = install({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => clock.uninstall());

  it('when a delay is aborted, then it rejects with the reason at once, and neither its timer nor its listener is left', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const waiting = delay(60_000, controller.signal).catch((e: unknown) => e);

    controller.abort(reason);

    expect(await waiting).to.equal(reason);
    expect(clock.countTimers()).to.equal(0);
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
  });

  it('when a delay ends, then its listener is removed', async () => {
    const controller = new AbortController();
    const waiting = delay(1_000, controller.signal);

    await clock.tickAsync(1_000);
    await waiting;

    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
  });

  it('when many waits share a caller signal through its relay, then the caller signal has one listener, and an abort reaches them all', async () => {
    const controller = new AbortController();
    const reason = new Error('run over');
    const relay = relayOf(controller.signal);
    const waits = Array.from({ length: 50 }, () => abortable(new Promise(() => {}), relay).catch((e: unknown) => e));

    const listeners = getEventListeners(controller.signal, 'abort').length;
    controller.abort(reason);

    expect(listeners).to.equal(1);
    expect(relayOf(controller.signal)).to.equal(controller.signal);
    expect(new Set(await Promise.all(waits))).to.deep.equal(new Set([reason]));
  });
});
