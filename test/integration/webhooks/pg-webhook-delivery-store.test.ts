import { expect } from 'chai';
import pg from 'pg';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../../src/application/tokens.js';
import type { WebhookDeliveryStore } from '../../../src/domain/ports/webhook-delivery-store.port.js';
import { RETRY_WINDOW_MS } from '../../../src/domain/webhooks/retry-schedule.js';
import { closeContainer } from '../../../src/infrastructure/container.js';
import { sql, testDatabaseUrl, truncateAll } from '../../support/database.js';
import { makeTestContainer } from '../../support/test-container.js';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const HOLD_MS = 10_000;

/** `count` pending deliveries of one run, due at T0, to one receiver; their ids in creation order. */
async function pendingDeliveries(count: number): Promise<string[]> {
  const { rows: runs } = await sql().query<{ id: string }>(`INSERT INTO job_runs (kind, slug, status, finished_at) VALUES ('import', 'acme', 'succeeded', now()) RETURNING id`);
  const { rows } = await sql().query<{ id: string }>(
    `INSERT INTO webhook_deliveries (webhook_id, event_type, run_id, target_url, payload, next_attempt_at, give_up_at)
     SELECT 'msg_' || k, 'client_run.finished', $1, 'https://hooks.example.com/in', '{}', $2, $3 FROM generate_series(1, $4) AS k ORDER BY k RETURNING id`,
    [runs[0]!.id, T0, at(RETRY_WINDOW_MS), count],
  );
  return rows.map((row) => row.id);
}

async function row(id: string) {
  return (await sql().query<{ status: string; attempts: number; last_status: string | null; next_attempt_at: Date; locked_until: Date | null }>('SELECT status, attempts, last_status, next_attempt_at, locked_until FROM webhook_deliveries WHERE id = $1', [id])).rows[0]!;
}

describe('PgWebhookDeliveryStore on PostgreSQL', () => {
  let containers: DependencyContainer[];
  /** Two stores, each with its own pool: two processes. */
  let first: WebhookDeliveryStore;
  let second: WebhookDeliveryStore;

  beforeEach(async () => {
    await truncateAll();
    containers = [makeTestContainer().container, makeTestContainer().container];
    [first, second] = containers.map((c) => c.resolve<WebhookDeliveryStore>(TOKENS.WebhookDeliveryStore)) as [WebhookDeliveryStore, WebhookDeliveryStore];
  });
  afterEach(async () => {
    for (const c of containers) await closeContainer(c);
  });

  it('when two processes claim due deliveries at once, then each gets its own: none is claimed twice, and every one is claimed', async () => {
    const ids = await pendingDeliveries(8);

    const [a, b] = await Promise.all([first.claimDue(T0, 5, HOLD_MS), second.claimDue(T0, 5, HOLD_MS)]);

    const claimed = [...a, ...b].map((claim) => claim.delivery.id);
    expect(new Set(claimed).size).to.equal(claimed.length);
    expect([...claimed].sort()).to.deep.equal([...ids].sort());
    expect([...a, ...b].every((claim) => claim.attempt === 1 && claim.scheduleAttempt === 1)).to.equal(true);
  });

  it('when another process holds a delivery’s row lock, then a claim skips it without waiting and takes the others', async () => {
    const [locked, ...others] = await pendingDeliveries(3);
    const other = new pg.Client({ connectionString: testDatabaseUrl() });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM webhook_deliveries WHERE id = $1 FOR UPDATE', [locked]);

      const claims = await first.claimDue(T0, 10, HOLD_MS);

      expect(claims.map((claim) => claim.delivery.id).sort()).to.deep.equal([...others].sort());
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
  });

  it('when a claim is held, then nobody else claims the delivery until the hold expires; then it is claimed again as the next attempt', async () => {
    const [id] = await pendingDeliveries(1);
    await first.claimDue(T0, 1, HOLD_MS);

    const whileHeld = await second.claimDue(at(HOLD_MS - 1), 1, HOLD_MS);
    const afterExpiry = await second.claimDue(at(HOLD_MS), 1, HOLD_MS);

    expect(whileHeld).to.deep.equal([]);
    expect(afterExpiry.map((claim) => [claim.delivery.id, claim.attempt])).to.deep.equal([[id, 2]]);
  });

  it('when a process records an attempt after its claim expired and another claimed the delivery, then its stale outcome is ignored; the current claim’s is written', async () => {
    const [id] = await pendingDeliveries(1);
    const [stale] = await first.claimDue(T0, 1, HOLD_MS);
    const [current] = await second.claimDue(at(HOLD_MS), 1, HOLD_MS);

    await first.recordAttempt(stale!, { outcome: 'delivered', status: '200', at: at(HOLD_MS + 1) });
    expect(await row(id!)).to.deep.include({ status: 'pending', attempts: 2, last_status: null });

    await second.recordAttempt(current!, { outcome: 'retry', status: '500', problem: 'HTTP 500', nextAttemptAt: at(HOLD_MS + 5_000) });
    expect(await row(id!)).to.deep.include({ status: 'pending', attempts: 2, last_status: '500', next_attempt_at: at(HOLD_MS + 5_000), locked_until: null });
  });

  it('when a failed delivery is redelivered, then it is due at once with a fresh window and its schedule starts over; an unknown id gives null', async () => {
    const [id] = await pendingDeliveries(1);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [claim] = await first.claimDue(at(attempt * HOLD_MS), 1, HOLD_MS);
      await first.recordAttempt(claim!, attempt < 3 ? { outcome: 'retry', status: '500', problem: 'HTTP 500', nextAttemptAt: at(attempt * HOLD_MS + 1) } : { outcome: 'failed', status: '410', problem: 'HTTP 410' });
    }
    expect(await first.claimDue(at(RETRY_WINDOW_MS), 1, HOLD_MS)).to.deep.equal([]);

    const redeliveredAt = at(2 * RETRY_WINDOW_MS);
    const redelivered = await second.redeliver(id!, redeliveredAt, new Date(redeliveredAt.getTime() + RETRY_WINDOW_MS));
    const [claim] = await first.claimDue(redeliveredAt, 1, HOLD_MS);

    expect(redelivered).to.deep.include({ id, status: 'pending', attempts: 3, nextAttemptAt: redeliveredAt, giveUpAt: new Date(redeliveredAt.getTime() + RETRY_WINDOW_MS) });
    expect(claim).to.deep.include({ attempt: 4, scheduleAttempt: 1 });
    expect(await second.redeliver('00000000-0000-4000-8000-000000000000', redeliveredAt, redeliveredAt)).to.equal(null);
  });
});
