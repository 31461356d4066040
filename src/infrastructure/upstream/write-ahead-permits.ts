import { randomUUID } from 'node:crypto';
import { abortable } from '../abortable.js';
import type { SlidingWindowBudget } from './sliding-window-budget.js';
import type { LedgerBlock, LedgerWrite, UpstreamRequestLedger } from './upstream-request-ledger.js';

export interface WriteAheadSettings {
  windowMs: number;
  /** The longest one request can last (its timeout): bounds when a block's last request finished. */
  requestTimeoutMs: number;
  /** A block's permits are sent within this long of its reservation, then it is spent. */
  blockLifetimeMs?: number;
}

/** Allowance for the ledger's round trip and timer lateness in a block's conservative hold. */
const SLACK_MS = 1_000;
const DEFAULT_BLOCK_LIFETIME_MS = 2_000;

interface Block {
  id: number;
  size: number;
  used: number;
  inFlight: number;
  /** performance.now() of the last request of it that finished. */
  lastFinished: number;
  /** No request of it is sent after this performance.now(). */
  deadline: number;
}

/** A recorded permit: tell it when the request has finished. */
export interface RecordedSend {
  finished(): void;
}

/**
 * Makes a client's requests known to whichever process works on it next. Before a request is
 * sent its permit is already in the ledger: a block of permits is reserved in one statement,
 * counted as held for the block's lifetime + the request timeout + the window (every request of
 * it has surely arrived, and left the window, by then) and used for requests sent within the
 * block's lifetime. So a process killed mid-window leaves its reserved permits counted, sent or
 * not. The next reservation also rewrites the finished blocks with their real count and end
 * (last finish + window), so unused permits and the conservative margin stop counting soon.
 * Block sizes adapt to the demand: twice what the previous block used, between the rate of one
 * lifetime and a tenth of the limit; at 700/min that is about one statement per two seconds.
 *
 * The first use loads the blocks still held (`ready`); every reservation also returns blocks that
 * other processes hold, so a connection kept idle while another instance worked on the client
 * catches up. Each is counted in the budget once, until it ends.
 */
export class WriteAheadPermits {
  private readonly holder = randomUUID();
  private readonly lifetimeMs: number;
  private readonly heldMs: number;
  private nextId = 1;
  private current: Block | undefined;
  private reserving: Promise<void> | undefined;
  private loading: Promise<void> | undefined;
  /** Past blocks whose row still has the conservative hold. */
  private readonly unsettled: Block[] = [];
  /** Other holders' blocks already counted in the budget, with the performance.now() they end at. */
  private readonly counted = new Map<string, number>();

  constructor(
    private readonly ledger: UpstreamRequestLedger,
    private readonly clientId: string,
    private readonly budget: SlidingWindowBudget,
    private readonly settings: WriteAheadSettings,
  ) {
    this.lifetimeMs = settings.blockLifetimeMs ?? DEFAULT_BLOCK_LIFETIME_MS;
    this.heldMs = this.lifetimeMs + settings.requestTimeoutMs + settings.windowMs + SLACK_MS;
  }

  /** Counts, once per connection, the blocks still held by earlier processes; retried after a failure. */
  ready(signal?: AbortSignal): Promise<void> {
    this.loading ??= this.ledger.held(this.clientId).then(
      (blocks) => this.count(blocks),
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return abortable(this.loading, signal);
  }

  /** A permit recorded in the ledger, for one request about to be sent. */
  async reserve(signal?: AbortSignal): Promise<RecordedSend> {
    for (;;) {
      signal?.throwIfAborted();
      const block = this.current;
      if (block && block.used < block.size && performance.now() < block.deadline) {
        block.used += 1;
        block.inFlight += 1;
        return {
          finished: () => {
            block.inFlight -= 1;
            block.lastFinished = performance.now();
          },
        };
      }
      this.reserving ??= this.reserveBlock().finally(() => (this.reserving = undefined));
      await abortable(this.reserving, signal);
    }
  }

  private async reserveBlock(): Promise<void> {
    const issuedAt = performance.now();
    const block: Block = { id: this.nextId++, size: this.nextSize(), used: 0, inFlight: 0, lastFinished: 0, deadline: issuedAt + this.lifetimeMs };
    // Only blocks that can send no more (the current one is full or past its lifetime) and have nothing in flight.
    const settled = this.unsettled.filter((b) => b.inFlight === 0);
    const writes: LedgerWrite[] = [
      ...settled.map((b) => ({ block: b.id, permits: b.used, heldForMs: b.used ? b.lastFinished + this.settings.windowMs - issuedAt : 0 })),
      { block: block.id, permits: block.size, heldForMs: this.heldMs },
    ];
    const others = await this.ledger.record(this.clientId, this.holder, writes);
    for (const b of settled) this.unsettled.splice(this.unsettled.indexOf(b), 1);
    this.unsettled.push(block);
    this.current = block;
    this.count(others);
  }

  private nextSize(): number {
    const limit = this.budget.limit;
    const least = Math.max(1, Math.ceil((limit * this.lifetimeMs) / this.settings.windowMs));
    const most = Math.max(least, Math.ceil(limit / 10));
    const wanted = this.current ? 2 * this.current.used : least;
    return Math.min(limit, most, Math.max(least, wanted));
  }

  private count(blocks: LedgerBlock[]): void {
    const now = performance.now();
    for (const [key, endsAt] of this.counted) if (endsAt <= now) this.counted.delete(key);
    for (const block of blocks) {
      const key = `${block.holder}/${block.block}`;
      if (block.holder === this.holder || this.counted.has(key) || block.heldForMs <= 0) continue;
      this.counted.set(key, now + block.heldForMs);
      this.budget.hold(block.permits, block.heldForMs);
    }
  }
}
