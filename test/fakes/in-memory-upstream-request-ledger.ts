import type { LedgerBlock, LedgerWrite, UpstreamRequestLedger } from '../../src/infrastructure/upstream/upstream-request-ledger.js';

/** The ledger in a map, on performance.now() (fake timers drive it); records each call. */
export class InMemoryUpstreamRequestLedger implements UpstreamRequestLedger {
  readonly calls: { kind: 'held' | 'record'; clientId: string; writes: LedgerWrite[] }[] = [];
  private readonly rows = new Map<string, { clientId: string; holder: string; block: number; permits: number; heldUntil: number }>();

  async held(clientId: string): Promise<LedgerBlock[]> {
    this.calls.push({ kind: 'held', clientId, writes: [] });
    return this.live(clientId, null);
  }

  async record(clientId: string, holder: string, writes: LedgerWrite[]): Promise<LedgerBlock[]> {
    this.calls.push({ kind: 'record', clientId, writes: structuredClone(writes) });
    const now = performance.now();
    for (const [key, row] of this.rows) if (row.clientId === clientId && row.heldUntil <= now) this.rows.delete(key);
    for (const w of writes) this.rows.set(`${clientId}/${holder}/${w.block}`, { clientId, holder, block: w.block, permits: w.permits, heldUntil: now + Math.max(0, w.heldForMs) });
    return this.live(clientId, holder);
  }

  /** Permits of the client the ledger still counts, whoever holds them. */
  permitsHeld(clientId: string): number {
    return this.live(clientId, null).reduce((sum, b) => sum + b.permits, 0);
  }

  private live(clientId: string, except: string | null): LedgerBlock[] {
    const now = performance.now();
    return [...this.rows.values()]
      .filter((r) => r.clientId === clientId && r.holder !== except && r.heldUntil > now && r.permits > 0)
      .map((r) => ({ holder: r.holder, block: r.block, permits: r.permits, heldForMs: r.heldUntil - now }));
  }
}
