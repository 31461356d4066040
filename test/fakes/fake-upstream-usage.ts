import type { UpstreamCounters, UpstreamUsage } from '../../src/domain/ports/upstream-usage.port.js';

/** Upstream call counters per client id, bumped by the test (e.g. from a fake source's hook). */
export class FakeUpstreamUsage implements UpstreamUsage {
  private readonly counters = new Map<string, UpstreamCounters>();

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
