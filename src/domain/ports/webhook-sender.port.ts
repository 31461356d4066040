import type { AttemptResult } from '../webhooks/retry-schedule.js';
import type { WebhookDelivery } from '../webhooks/webhook-delivery.js';

/** Sends one attempt of a delivery to its receiver, signed (Standard Webhooks), bounded by a timeout. Never throws for what the receiver did. */
export interface WebhookSender {
  send(delivery: WebhookDelivery, signal?: AbortSignal): Promise<AttemptResult>;
}
