import type { WebhookEventType } from './webhook-event.js';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One event on its way to one receiver: a row of `webhook_deliveries`. */
export interface WebhookDelivery {
  id: string;
  /** The `webhook-id` header, the same across retries and for every receiver of the event. */
  webhookId: string;
  eventType: WebhookEventType;
  runId: string;
  clientSlug: string | null;
  /** The receiver; null: the service's WEBHOOK_URL, as the process sending it has it (queued where that was unknown). */
  targetUrl: string | null;
  /** The body exactly as signed and sent. */
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** The last attempt's HTTP status, or `timeout` / `network_error`; null before the first answer. */
  lastStatus: string | null;
  lastError: string | null;
  /** When the next attempt is due (pending deliveries). */
  nextAttemptAt: Date;
  giveUpAt: Date;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface WebhookDeliveryFilter {
  status?: WebhookDeliveryStatus;
  eventType?: WebhookEventType;
  /** Newest first, at most this many. */
  limit: number;
}
