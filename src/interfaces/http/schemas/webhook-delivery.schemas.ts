import { z } from 'zod';
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from '../../../domain/webhooks/webhook-delivery.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../../domain/webhooks/webhook-event.js';

// Objects rather than lists, so that a status or event added to the domain fails to compile here.
const STATUSES = { pending: 'pending', delivered: 'delivered', failed: 'failed' } as const satisfies { [S in WebhookDeliveryStatus]: S };
const EVENTS = { 'run.finished': 'run.finished', 'client_run.finished': 'client_run.finished', 'reconcile.drift_detected': 'reconcile.drift_detected' } as const satisfies {
  [E in WebhookEventType]: E;
};

/** The `:id` of a delivery's routes. */
export const webhookDeliveryIdSchema = z.uuid();

/** The query string of `GET /api/webhooks/deliveries`: any other parameter is refused. */
export const webhookDeliveryListQuerySchema = z.strictObject({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES, { error: `must be one of ${WEBHOOK_DELIVERY_STATUSES.join(', ')}` }).optional(),
  event: z.enum(WEBHOOK_EVENT_TYPES, { error: `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
});

/** What `toWebhookDeliveryView` returns. */
export const webhookDeliveryViewSchema = z
  .strictObject({
    id: z.guid(),
    webhookId: z.string().describe('The `webhook-id` header: the same for every receiver of the event and across retries and redeliveries'),
    event: z.enum(EVENTS),
    runId: z.guid(),
    client: z.string().nullable().describe('The client the event is about; null for run.finished'),
    target: z.string().nullable().describe('The receiver’s URL; null: the service’s WEBHOOK_URL as the worker sending it has it (queued by an API-only process that does not know it)'),
    status: z.enum(STATUSES).describe('pending: to be sent (or sent again); delivered: a 2xx came back; failed: refused (4xx other than 408/429) or retried for 24 h in vain'),
    attempts: z.int().min(0),
    lastStatus: z.string().nullable().describe('The last attempt’s HTTP status, or timeout / network_error, or no_receiver (queued for WEBHOOK_URL, which the sending worker does not have); null before the first answer'),
    lastError: z.string().nullable().describe('What went wrong in the last attempt (the start of the receiver’s answer, or the network failure)'),
    nextAttemptAt: z.iso.datetime().nullable().describe('When the next attempt is due; null once delivered or failed'),
    createdAt: z.iso.datetime(),
    deliveredAt: z.iso.datetime().nullable(),
  })
  .describe('One event on its way to one receiver');

export const webhookDeliveryListSchema = z.strictObject({ deliveries: z.array(webhookDeliveryViewSchema) });
