/**
 * At most `limit` requests in any `windowMs`, as the server counts them: on arrival. A permit
 * is taken before a request is sent and handed back `windowMs` after the request has finished.
 * Every request of a window [a, a + windowMs] at the server was sent before it arrived and
 * returns its permit no earlier than a + windowMs, so they all held permits at once: never more
 * than `limit`, whatever the latency, timer lateness or event-loop stalls. (A throttle that
 * spaces the *sending* times, such as p-throttle's strict mode, lets latency variance bunch
 * arrivals past the limit.) Its cost is one request's latency per permit and window: ~0.3%
 * at 60 s and 200 ms.
 */
export class SlidingWindowBudget {
  private available: number;
  private readonly waiting: (() => void)[] = [];

  constructor(
    limit: number,
    private readonly windowMs: number,
    /** Told how long a request waited for its permit, when it had to. */
    private readonly onWait: (ms: number) => void = () => {},
  ) {
    this.available = limit;
  }

  async use<T>(send: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await send();
    } finally {
      setTimeout(() => this.release(), this.windowMs);
    }
  }

  private acquire(): Promise<void> {
    if (this.available > 0) {
      this.available -= 1;
      return Promise.resolve();
    }
    const since = performance.now();
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.onWait(performance.now() - since);
        resolve();
      }),
    );
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available += 1;
  }
}
