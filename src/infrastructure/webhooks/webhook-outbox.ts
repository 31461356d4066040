import type { Clock } from '../../domain/ports/clock.port.js';
import { RETRY_WINDOW_MS } from '../../domain/webhooks/retry-schedule.js';
import type { OutgoingEvent } from '../../domain/webhooks/webhook-event.js';
import { queuesAny, type ReceiversToQueue } from '../../domain/webhooks/webhook-receivers.js';

/** An SQL text and its parameters, numbered from where the caller said. */
export interface SqlPart {
  sql: string;
  values: unknown[];
}

/**
 * Writes events as rows of `webhook_deliveries`, one per receiver: the service's WEBHOOK_URL
 * (its URL, or NULL when this process cannot know it and the sending worker resolves it) and the
 * `webhook_url` of the client the event is addressed to. It gives the INSERT, so that the store
 * runs it in the very statement (a CTE) that finishes what the events tell about: the event
 * exists if and only if the finish was committed, with no transaction to wait for. Queuing is
 * idempotent: ids are derived from the event (webhookIdOf) and a repeat meets ON CONFLICT DO NOTHING.
 */
export class WebhookOutbox {
  constructor(
    private readonly receivers: ReceiversToQueue,
    private readonly clock: Clock,
  ) {}

  /** Whether this process queues anything at all (receiversToQueue). */
  get active(): boolean {
    return queuesAny(this.receivers);
  }

  /**
   * The INSERT queuing `events`, its parameters numbered from `$first`; `condition` (SQL, e.g.
   * `EXISTS (SELECT 1 FROM saved)`) says whether it inserts at all. Null when nothing is queued.
   */
  insert(events: OutgoingEvent[], first: number, condition = 'true'): SqlPart | null {
    if (!this.active || events.length === 0) return null;
    const now = this.clock.now();
    const rows = events.map(({ webhookId, runId, clientSlug, audienceSlug, event }) => ({
      webhook_id: webhookId,
      type: event.type,
      run_id: runId,
      client_slug: clientSlug,
      audience: audienceSlug,
      // Text, not jsonb: the bytes signed and sent stay exactly as written, keys in this order.
      payload: JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data }),
    }));
    const $ = (offset: number) => `$${first + offset}`;
    const { service } = this.receivers;
    return {
      sql: `INSERT INTO webhook_deliveries (webhook_id, event_type, run_id, client_slug, target_url, payload, next_attempt_at, give_up_at)
       SELECT e.webhook_id, e.type, e.run_id, e.client_slug, t.url, e.payload, ${$(3)}::timestamptz, ${$(4)}::timestamptz
       FROM jsonb_to_recordset(${$(0)}::jsonb) AS e(webhook_id text, type text, run_id uuid, client_slug text, audience text, payload text)
       CROSS JOIN LATERAL (
         SELECT ${$(2)}::text AS url WHERE ${$(1)}::boolean
         UNION
         SELECT c.webhook_url FROM clients c WHERE ${$(5)}::boolean AND c.slug = e.audience AND c.webhook_url IS NOT NULL
       ) t
       WHERE ${condition}
       ON CONFLICT (webhook_id, target_url) DO NOTHING`,
      values: [JSON.stringify(rows), service.kind !== 'none', service.kind === 'known' ? service.url : null, now, new Date(now.getTime() + RETRY_WINDOW_MS), this.receivers.clients],
    };
  }
}
