import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/ports/clock.port.js';
import { RETRY_WINDOW_MS } from '../../domain/webhooks/retry-schedule.js';
import type { OutgoingEvent } from '../../domain/webhooks/webhook-event.js';

/** Whatever runs SQL inside the caller's transaction (a Prisma transaction client). */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export interface WebhookOutboxSettings {
  /** The service's WEBHOOK_URL, which gets every event; null: none. */
  url: string | null;
  /** Without a signing secret nothing is queued at all. */
  enabled: boolean;
}

/**
 * Queues events as rows of `webhook_deliveries`, one per receiver — the service's WEBHOOK_URL
 * and the `webhook_url` of the client the event is addressed to — inside the caller's
 * transaction: the event exists if and only if what it tells about was committed. One
 * statement for any number of events; no receiver, no row.
 */
export class WebhookOutbox {
  constructor(
    private readonly settings: WebhookOutboxSettings,
    private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.settings.enabled;
  }

  async queue(db: SqlExecutor, events: OutgoingEvent[]): Promise<void> {
    if (!this.settings.enabled || events.length === 0) return;
    const now = this.clock.now();
    const rows = events.map(({ runId, clientSlug, audienceSlug, event }) => ({
      webhook_id: `msg_${randomUUID().replaceAll('-', '')}`,
      type: event.type,
      run_id: runId,
      client_slug: clientSlug,
      audience: audienceSlug,
      // Text, not jsonb: the bytes signed and sent stay exactly as written, keys in this order.
      payload: JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data }),
    }));
    await db.$executeRawUnsafe(
      `INSERT INTO webhook_deliveries (webhook_id, event_type, run_id, client_slug, target_url, payload, next_attempt_at, give_up_at)
       SELECT e.webhook_id, e.type, e.run_id, e.client_slug, t.url, e.payload, $3::timestamptz, $4::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS e(webhook_id text, type text, run_id uuid, client_slug text, audience text, payload text)
       CROSS JOIN LATERAL (
         SELECT $2::text AS url WHERE $2::text IS NOT NULL
         UNION
         SELECT c.webhook_url FROM clients c WHERE c.slug = e.audience AND c.webhook_url IS NOT NULL
       ) t
       ON CONFLICT (webhook_id, target_url) DO NOTHING`,
      JSON.stringify(rows),
      this.settings.url,
      now,
      new Date(now.getTime() + RETRY_WINDOW_MS),
    );
  }
}
