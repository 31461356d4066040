import type { WebhookDelivery } from '../../../domain/webhooks/webhook-delivery.js';

/** How a delivery is listed: its bookkeeping, not its body (the run's own routes show that data). */
export function toWebhookDeliveryView(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    webhookId: delivery.webhookId,
    event: delivery.eventType,
    runId: delivery.runId,
    client: delivery.clientSlug,
    target: delivery.targetUrl,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  };
}
