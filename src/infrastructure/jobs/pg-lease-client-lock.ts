import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { ClientLock } from '../../domain/ports/client-lock.port.js';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import { abortable, delay } from '../abortable.js';

export interface LeaseSettings {
  /** How long a lease lives without a heartbeat (`JOB_ORPHAN_AFTER_SECONDS`). */
  ttlMs: number;
  /** How often a waiter tries again; default a fifth of the ttl, between 100 ms and 1 s. */
  retryMs?: number;
}

interface Held {
  lost: AbortController;
  /** When the statement that last set this lease's expiry was sent (by this process's clock). */
  renewedAt: number;
}

export class LeaseLostError extends Error {
  constructor(key: string, why: string) {
    super(`the lease of ${key} was lost: ${why}`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Mutual exclusion across every process on the database, without holding a connection: a row
 * of `client_leases` per key, taken with one upsert when it is free or expired, renewed by one
 * heartbeat statement per process every ttl/3, and deleted on release. A process that dies
 * stops renewing, so its leases expire after the ttl and another process takes them over. A
 * lease that could not be renewed before it expires (taken over meanwhile, or the database
 * unreachable across two heartbeats) aborts its work's `lockLost` signal, so the work stops at
 * its next safe point before anyone else can hold the key.
 *
 * Works on one key within this process wait for each other locally first (never two holders
 * under the same owner), then poll the table, holding no connection while they wait.
 */
export class PgLeaseClientLock implements ClientLock {
  /** This lock instance: every lease it takes carries it, so release and renewal touch only ours. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly localTails = new Map<string, Promise<void>>();
  private readonly held = new Map<string, Held>();
  private readonly retryMs: number;
  private readonly heartbeatMs: number;
  private heartbeat: NodeJS.Timeout | undefined;
  private beating = false;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly settings: LeaseSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.retryMs = settings.retryMs ?? Math.min(1000, Math.max(100, settings.ttlMs / 5));
    this.heartbeatMs = settings.ttlMs / 3;
  }

  async runExclusive<T>(key: string, work: (lockLost: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    // Behind the works on this key in this process first: never two holders under one owner.
    const previous = this.localTails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const tail = previous.then(() => new Promise<void>((resolve) => (done = resolve)));
    this.localTails.set(key, tail);
    try {
      await abortable(previous, signal);
      await this.acquire(key, signal);
      const lease = this.held.get(key)!;
      try {
        return await work(lease.lost.signal);
      } finally {
        this.held.delete(key);
        if (this.held.size === 0) this.stopHeartbeat();
        await this.pool.query('DELETE FROM client_leases WHERE key = $1 AND owner = $2', [key, this.owner]).catch((error: Error) => {
          // It expires by itself within the ttl.
          this.logger.warn({ key, err: error.message }, 'could not release a lease');
        });
      }
    } finally {
      // A waiter that gave up still passes its turn on only once the works before it are done.
      void previous.then(() => done());
      void tail.then(() => {
        if (this.localTails.get(key) === tail) this.localTails.delete(key);
      });
    }
  }

  /** True when nobody holds a live lease of `key`. */
  async isFree(key: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM client_leases WHERE key = $1 AND expires_at > now()', [key]);
    return rows.length === 0;
  }

  /** Stops renewing (shutdown): leases still held expire within the ttl. */
  close(): void {
    this.closed = true;
    this.stopHeartbeat();
  }

  private async acquire(key: string, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const sentAt = this.clock.now().getTime();
      const { rows } = await this.pool.query(
        `INSERT INTO client_leases (key, owner, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
         ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
         WHERE client_leases.expires_at <= now()
         RETURNING key`,
        [key, this.owner, this.settings.ttlMs / 1000],
      );
      if (rows.length > 0) {
        this.held.set(key, { lost: new AbortController(), renewedAt: sentAt });
        this.startHeartbeat();
        return;
      }
      await delay(this.retryMs, signal);
    }
  }

  private startHeartbeat(): void {
    if (this.heartbeat || this.closed) return;
    this.heartbeat = setInterval(() => void this.renew(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /**
   * One statement renews every lease this process holds. A lease is lost when the row is no
   * longer ours, or when it could expire before the next heartbeat renews it: its renewal
   * failed, or is still pending, a ttl minus a heartbeat after its last success.
   */
  private async renew(): Promise<void> {
    if (this.beating) {
      this.loseExpiring('its renewal got no answer');
      return;
    }
    const leases = [...this.held.entries()].filter(([, lease]) => !lease.lost.signal.aborted);
    if (leases.length === 0) return;
    this.beating = true;
    const sentAt = this.clock.now().getTime();
    try {
      const { rows } = await this.pool.query<{ key: string }>(
        'UPDATE client_leases SET expires_at = now() + make_interval(secs => $3) WHERE owner = $1 AND key = ANY($2) RETURNING key',
        [this.owner, leases.map(([key]) => key), this.settings.ttlMs / 1000],
      );
      const renewed = new Set(rows.map((row) => row.key));
      for (const [key, lease] of leases) {
        if (renewed.has(key)) lease.renewedAt = sentAt;
        else this.lose(key, lease, 'another process took it over');
      }
    } catch (error) {
      this.loseExpiring(`it could not be renewed (${(error as Error).message})`);
    } finally {
      this.beating = false;
    }
  }

  private loseExpiring(why: string): void {
    const now = this.clock.now().getTime();
    for (const [key, lease] of this.held) {
      if (!lease.lost.signal.aborted && now >= lease.renewedAt + this.settings.ttlMs - this.heartbeatMs) this.lose(key, lease, why);
    }
  }

  private lose(key: string, lease: Held, why: string): void {
    this.logger.warn({ key, why }, 'a lease was lost: its work stops at its next checkpoint');
    lease.lost.abort(new LeaseLostError(key, why));
  }
}
