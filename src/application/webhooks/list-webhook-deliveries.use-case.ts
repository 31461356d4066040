import { inject, injectable } from 'tsyringe';
import type { WebhookDeliveryStore } from '../../domain/ports/webhook-delivery-store.port.js';
import type { WebhookDelivery, WebhookDeliveryFilter } from '../../domain/webhooks/webhook-delivery.js';
import { TOKENS } from '../tokens.js';

/** Recent webhook deliveries, newest first: what was sent where, how often, and what is due next. */
@injectable()
export class ListWebhookDeliveriesUseCase {
  constructor(@inject(TOKENS.WebhookDeliveryStore) private readonly deliveries: WebhookDeliveryStore) {}

  execute(filter: WebhookDeliveryFilter): Promise<WebhookDelivery[]> {
    return this.deliveries.list(filter);
  }
}
