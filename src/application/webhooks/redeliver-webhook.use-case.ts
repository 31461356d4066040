import { inject, injectable } from 'tsyringe';
import { NotFoundError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { WebhookDeliveryStore } from '../../domain/ports/webhook-delivery-store.port.js';
import { RETRY_WINDOW_MS } from '../../domain/webhooks/retry-schedule.js';
import type { WebhookDelivery } from '../../domain/webhooks/webhook-delivery.js';
import { TOKENS } from '../tokens.js';

/**
 * Sends a delivery again, whatever became of it: due at once, with the same webhook-id and body
 * (receivers that deduplicate see a repeat), and a fresh 24 h of retries whose backoff starts
 * over (the first retry within seconds, whatever the attempts before).
 */
@injectable()
export class RedeliverWebhookUseCase {
  constructor(
    @inject(TOKENS.WebhookDeliveryStore) private readonly deliveries: WebhookDeliveryStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  async execute(id: string): Promise<WebhookDelivery> {
    const now = this.clock.now();
    const delivery = await this.deliveries.redeliver(id, now, new Date(now.getTime() + RETRY_WINDOW_MS));
    if (!delivery) throw new NotFoundError(`no webhook delivery ${id}`);
    return delivery;
  }
}
