import type { UpstreamCounters, UpstreamUsage } from '../../src/domain/ports/upstream-usage.port.js';

/** Upstream call counters per client id, bumped by the test (e.g. from a fake source's hook). */
export class FakeUpstreamUsage implements UpstreamUsage {
  private readonly counters = new Map<string, UpstreamCounters>();
  private readonly waiting = new Map<string, Date>();

  /** Marks the client as waiting for its budget since `since` (null: no longer waiting). */
  setWaiting(clientId: string, since: Date | null): void {
    if (since) this.waiting.set(clientId, since);
    else this.waiting.delete(clientId);
  }

  waitingSince(clientId: string): Date | null {
    return this.waiting.get(clientId) ?? null;
  }

  add(clientId: string, delta: Partial<UpstreamCounters>): void {
    const now = this.snapshot(clientId);
    this.counters.set(clientId, {
      requests: now.requests + (delta.requests ?? 0),
      retries: now.retries + (delta.retries ?? 0),
      rateLimited: now.rateLimited + (delta.rateLimited ?? 0),
    });
  }

  snapshot(clientId: string): UpstreamCounters {
    return { ...(this.counters.get(clientId) ?? { requests: 0, retries: 0, rateLimited: 0 }) };
  }
}
