/**
 * At most `capacity` tickets open at once (their messages being fetched, or fetched and not yet
 * stored): memory stays bounded by the tickets in hand, however far the listing could run ahead.
 */
export class Admission {
  private open = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  /** Waits for room; rejects with the signal's reason when it aborts first. */
  admit(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.open < this.capacity) {
      this.open += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(admitted), 1);
        reject(signal.reason);
      };
      const admitted = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiting.push(admitted);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(count = 1): void {
    for (let i = 0; i < count; i++) {
      const next = this.waiting.shift();
      if (next) next();
      else this.open -= 1;
    }
  }
}
