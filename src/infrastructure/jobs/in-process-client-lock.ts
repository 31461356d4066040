import type { ClientLock } from '../../domain/ports/client-lock.port.js';

/** Mutual exclusion within this process: work on a key waits for the work before it. It is never lost. */
export class InProcessClientLock implements ClientLock {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly neverLost = new AbortController().signal;

  async runExclusive<T>(key: string, work: (lockLost: AbortSignal) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = () => work(this.neverLost);
    const current = previous.then(run, run);
    const tail = current.catch(() => {});
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
