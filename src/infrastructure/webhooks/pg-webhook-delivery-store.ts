import type pg from 'pg';
import { inject, injectable } from 'tsyringe';
import type { ClaimedDelivery, RecordedAttempt, WebhookDeliveryStore } from '../../domain/ports/webhook-delivery-store.port.js';
import type { WebhookDelivery, WebhookDeliveryFilter } from '../../domain/webhooks/webhook-delivery.js';
import { INFRA_TOKENS } from '../infra-tokens.js';
import type { ImporterMetrics } from '../metrics/importer-metrics.js';

const COLUMNS = `id, webhook_id AS "webhookId", event_type AS "eventType", run_id AS "runId", client_slug AS "clientSlug", target_url AS "targetUrl",
                 payload, status, attempts, last_status AS "lastStatus", last_error AS "lastError", next_attempt_at AS "nextAttemptAt",
                 give_up_at AS "giveUpAt", created_at AS "createdAt", delivered_at AS "deliveredAt"`;

/** A receiver's answer is kept to this length in `last_error`. */
const MAX_ERROR_LENGTH = 500;

/**
 * `webhook_deliveries` in plain pg. Claims skip rows another process holds (FOR UPDATE SKIP
 * LOCKED, then `locked_until`), and an attempt's outcome is written only by the claim that made
 * it (same attempt number), so two processes never both record one attempt.
 */
@injectable()
export class PgWebhookDeliveryStore implements WebhookDeliveryStore {
  constructor(
    @inject(INFRA_TOKENS.Pool) private readonly pool: pg.Pool,
    @inject(INFRA_TOKENS.Metrics) private readonly metrics: ImporterMetrics,
  ) {}

  async claimDue(now: Date, limit: number, holdMs: number): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const { rows } = await this.pool.query<WebhookDelivery & { attemptsBeforeRedelivery: number }>(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, locked_until = $2::timestamptz + make_interval(secs => $3::double precision / 1000), updated_at = now()
       WHERE id IN (
         SELECT id FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= $2::timestamptz AND (locked_until IS NULL OR locked_until <= $2::timestamptz)
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}, attempts_before_redelivery AS "attemptsBeforeRedelivery"`,
      [limit, now, holdMs],
    );
    return rows.map(({ attemptsBeforeRedelivery, ...delivery }) => ({ delivery, attempt: delivery.attempts, scheduleAttempt: delivery.attempts - attemptsBeforeRedelivery }));
  }

  async recordAttempt({ delivery, attempt }: ClaimedDelivery, recorded: RecordedAttempt): Promise<void> {
    const problem = recorded.outcome === 'delivered' ? null : recorded.problem.slice(0, MAX_ERROR_LENGTH);
    const { rowCount } = await this.pool.query(
      `UPDATE webhook_deliveries SET
         status = $3, last_status = $4, last_error = $5, locked_until = NULL, updated_at = now(),
         next_attempt_at = COALESCE($6::timestamptz, next_attempt_at), delivered_at = COALESCE($7::timestamptz, delivered_at)
       WHERE id = $1::uuid AND attempts = $2 AND status = 'pending'`,
      [
        delivery.id,
        attempt,
        recorded.outcome === 'retry' ? 'pending' : recorded.outcome,
        recorded.status,
        problem,
        recorded.outcome === 'retry' ? recorded.nextAttemptAt : null,
        recorded.outcome === 'delivered' ? recorded.at : null,
      ],
    );
    if (rowCount) this.metrics.webhookAttempt(delivery.eventType, recorded.outcome === 'retry' ? 'retried' : recorded.outcome);
  }

  async list(filter: WebhookDeliveryFilter): Promise<WebhookDelivery[]> {
    const { rows } = await this.pool.query<WebhookDelivery>(
      `SELECT ${COLUMNS} FROM webhook_deliveries
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR event_type = $2)
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [filter.status ?? null, filter.eventType ?? null, filter.limit],
    );
    return rows;
  }

  async redeliver(id: string, now: Date, giveUpAt: Date): Promise<WebhookDelivery | null> {
    const { rows } = await this.pool.query<WebhookDelivery>(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $2, give_up_at = $3, locked_until = NULL, attempts_before_redelivery = attempts, updated_at = now()
       WHERE id = $1::uuid RETURNING ${COLUMNS}`,
      [id, now, giveUpAt],
    );
    return rows[0] ?? null;
  }
}
