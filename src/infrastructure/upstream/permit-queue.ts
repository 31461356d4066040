interface Waiter {
  grant(): void;
  /** Date.now() when it began to wait. */
  since: number;
}

/**
 * A counting semaphore whose waiters leave the queue the moment their signal aborts, in order
 * (first come, first served). `available` may go below zero: permits taken back or held
 * elsewhere make new takers wait until enough come back.
 */
export class PermitQueue {
  private readonly waiting = new Set<Waiter>();

  constructor(private available: number) {}

  /** Resolves when a permit is this caller's; rejects with the signal's reason if it aborts first. */
  take(signal?: AbortSignal, onWait?: (ms: number) => void): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.available > 0 && this.waiting.size === 0) {
      this.available -= 1;
      return Promise.resolve();
    }
    const since = performance.now();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        since: Date.now(),
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          onWait?.(performance.now() - since);
          resolve();
        },
      };
      const onAbort = () => {
        this.waiting.delete(waiter);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.add(waiter);
    });
  }

  /** Adds `count` permits (negative: takes them away), waking waiters while any are free. */
  add(count: number): void {
    this.available += count;
    for (const waiter of this.waiting) {
      if (this.available <= 0) break;
      this.available -= 1;
      this.waiting.delete(waiter);
      waiter.grant();
    }
  }

  get free(): number {
    return this.available;
  }

  get queued(): number {
    return this.waiting.size;
  }

  /** When the longest-waiting taker began to wait (Date.now()), or null when none waits. */
  get waitingSince(): number | null {
    for (const waiter of this.waiting) return waiter.since;
    return null;
  }
}
