import type { AttemptResult } from '../webhooks/retry-schedule.js';
import type { WebhookDelivery } from '../webhooks/webhook-delivery.js';

/** Sends one attempt of a delivery to `targetUrl`, signed (Standard Webhooks), bounded by a timeout. Never throws for what the receiver did. */
export interface WebhookSender {
  send(delivery: WebhookDelivery, targetUrl: string, signal?: AbortSignal): Promise<AttemptResult>;
}
