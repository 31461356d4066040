import { PermitQueue } from './permit-queue.js';

/** One request's permit, taken before it is sent. */
export interface Permit {
  /** The request went out and has finished (or failed): the permit comes back `windowMs` from now. */
  spent(): void;
  /** Nothing was sent: the permit comes back at once. */
  unused(): void;
}

/**
 * At most `limit` requests in any `windowMs`, as the server counts them: on arrival. A permit
 * is taken before a request is sent and handed back `windowMs` after the request has finished.
 * Every request of a window [a, a + windowMs] at the server was sent before it arrived and
 * returns its permit no earlier than a + windowMs, so they all held permits at once: never more
 * than `limit`, whatever the latency, timer lateness or event-loop stalls. (A throttle that
 * spaces the *sending* times, such as p-throttle's strict mode, lets latency variance bunch
 * arrivals past the limit.) Its cost is one request's latency per permit and window: ~0.3%
 * at 60 s and 200 ms.
 *
 * The limit can change in place (a client's new rate plan) without forgetting the window: after
 * lowering it, new requests wait until the permits in use fall below the new limit. Permits used
 * elsewhere (by an earlier process for the same client) are counted with `hold`.
 */
export class SlidingWindowBudget {
  private readonly permits: PermitQueue;

  constructor(
    private currentLimit: number,
    private readonly windowMs: number,
    /** Told how long a request waited for its permit, when it had to. */
    private readonly onWait: (ms: number) => void = () => {},
  ) {
    this.permits = new PermitQueue(currentLimit);
  }

  get limit(): number {
    return this.currentLimit;
  }

  /** Permits neither in use nor held: negative after a lowered limit or a large `hold`. */
  get free(): number {
    return this.permits.free;
  }

  /** When the longest-waiting request began to wait for a permit (Date.now()), or null. */
  get waitingSince(): number | null {
    return this.permits.waitingSince;
  }

  setLimit(limit: number): void {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a rate limit must be a whole number of 1 or more, got ${limit}`);
    const change = limit - this.currentLimit;
    this.currentLimit = limit;
    this.permits.add(change);
  }

  /** Counts `count` permits as in use for the next `forMs` (requests this budget did not send itself). */
  hold(count: number, forMs: number): void {
    if (count <= 0 || forMs <= 0) return;
    this.permits.add(-count);
    later(forMs, () => this.permits.add(count));
  }

  /** A permit, once one is free; rejects with the signal's reason as soon as it aborts. */
  async acquire(signal?: AbortSignal): Promise<Permit> {
    await this.permits.take(signal, this.onWait);
    let settled = false;
    return {
      spent: () => {
        if (settled) return;
        settled = true;
        later(this.windowMs, () => this.permits.add(1));
      },
      unused: () => {
        if (settled) return;
        settled = true;
        this.permits.add(1);
      },
    };
  }

  async use<T>(send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const permit = await this.acquire(signal);
    try {
      return await send();
    } finally {
      permit.spent();
    }
  }
}

/** A timer that does not keep the process alive: a permit coming back matters only to later requests. */
function later(ms: number, run: () => void): void {
  const timer = setTimeout(run, ms) as { unref?: () => void };
  timer.unref?.();
}
