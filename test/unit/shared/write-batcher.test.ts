import { expect } from 'chai';
import { WriteBatcher } from '../../../src/application/shared/write-batcher.js';

describe('WriteBatcher', () => {
  it('when items come while a write is under way, then they share the next write, at most maxBatch a write, in order', async () => {
    const writes: number[][] = [];
    let release: () => void = () => {};
    const batcher = new WriteBatcher<number>(
      async (batch) => {
        writes.push(batch);
        if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      () => {},
      3,
    );

    batcher.add(1);
    await new Promise((r) => setImmediate(r));
    for (let i = 2; i <= 8; i++) batcher.add(i);
    release();
    await batcher.drain();

    expect(writes).to.deep.equal([[1], [2, 3, 4], [5, 6, 7], [8]]);
  });

  it('when a write fails, then onError hears it once and nothing more is written', async () => {
    const errors: unknown[] = [];
    const written: number[][] = [];
    const batcher = new WriteBatcher<number>(
      async (batch) => {
        written.push(batch);
        throw new Error('disk full');
      },
      (error) => errors.push(error),
    );

    batcher.add(1);
    await batcher.drain();
    batcher.add(2);
    await batcher.drain();

    expect(written).to.deep.equal([[1]]);
    expect(errors).to.have.length(1);
  });
});
