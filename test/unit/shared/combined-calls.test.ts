import { expect } from 'chai';
import { CombinedCalls } from '../../../src/application/shared/combined-calls.js';

/** A call the test ends when it wants, recording when it started. */
function controlledWork(log: string[]) {
  const pending: (() => void)[] = [];
  let calls = 0;
  const work = () => {
    const n = ++calls;
    log.push(`start ${n}`);
    return new Promise<number>((resolve) => pending.push(() => resolve(n)));
  };
  const finishNext = async () => {
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { work, finishNext, calls: () => calls };
}

describe('CombinedCalls', () => {
  it('when callers arrive while a call is under way, then they all share the next call, which starts once the current one ends', async () => {
    const log: string[] = [];
    const { work, finishNext, calls } = controlledWork(log);
    const combined = new CombinedCalls<string, number>();

    const first = combined.call('k', work);
    const later = [combined.call('k', work), combined.call('k', work), combined.call('k', work)];
    expect(calls()).to.equal(1);
    await finishNext();
    expect(calls()).to.equal(2);
    await finishNext();

    expect(await first).to.deep.equal({ result: 1, first: true });
    expect(await Promise.all(later)).to.deep.equal([
      { result: 2, first: true },
      { result: 2, first: false },
      { result: 2, first: false },
    ]);
    expect(log).to.deep.equal(['start 1', 'start 2']);
  });

  it('when keys differ, then their calls run side by side', async () => {
    const log: string[] = [];
    const { work, finishNext } = controlledWork(log);
    const combined = new CombinedCalls<string, number>();

    const a = combined.call('a', work);
    const b = combined.call('b', work);
    await finishNext();
    await finishNext();

    expect((await a).result).to.equal(1);
    expect((await b).result).to.equal(2);
  });

  it('when a call fails, then its callers get the error and the next callers get a new call', async () => {
    const combined = new CombinedCalls<string, number>();
    let fail = true;
    const work = async () => {
      if (fail) throw new Error('down');
      return 7;
    };

    const failed = await combined.call('k', work).catch((error: Error) => error.message);
    fail = false;

    expect(failed).to.equal('down');
    expect(await combined.call('k', work)).to.deep.equal({ result: 7, first: true });
  });
});
