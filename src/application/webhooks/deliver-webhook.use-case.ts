import { inject, injectable } from 'tsyringe';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { ClaimedDelivery, WebhookDeliveryStore } from '../../domain/ports/webhook-delivery-store.port.js';
import type { WebhookSender } from '../../domain/ports/webhook-sender.port.js';
import { attemptStatus, decideAfterAttempt } from '../../domain/webhooks/retry-schedule.js';
import type { WebhookSendingSettings } from '../settings.js';
import { TOKENS } from '../tokens.js';

/**
 * One attempt of a claimed delivery: send it to its receiver (the service's one resolved here,
 * by the sending process, when it was queued without a URL), then record it delivered, due
 * again after the backoff (or the receiver's Retry-After), or failed for good — as the retry
 * schedule decides.
 */
@injectable()
export class DeliverWebhookUseCase {
  constructor(
    @inject(TOKENS.WebhookDeliveryStore) private readonly deliveries: WebhookDeliveryStore,
    @inject(TOKENS.WebhookSender) private readonly sender: WebhookSender,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.WebhookSendingSettings) private readonly settings: WebhookSendingSettings,
  ) {}

  async execute(claim: ClaimedDelivery, signal?: AbortSignal): Promise<void> {
    const target = claim.delivery.targetUrl ?? this.settings.serviceUrl;
    if (!target) {
      const problem = 'queued for the service’s WEBHOOK_URL by a process that did not know it, and the process sending it has none: set WEBHOOK_URL on the workers, then redeliver';
      await this.deliveries.recordAttempt(claim, { outcome: 'failed', status: 'no_receiver', problem });
      return;
    }
    const result = await this.sender.send(claim.delivery, target, signal);
    // A shutdown aborted the attempt: the claim's hold runs out and the delivery is sent again.
    if (signal?.aborted) return;
    const now = this.clock.now();
    const status = attemptStatus(result);
    const decision = decideAfterAttempt(result, claim.scheduleAttempt, now, claim.delivery.giveUpAt);
    if (decision.outcome === 'delivered') await this.deliveries.recordAttempt(claim, { outcome: 'delivered', status, at: now });
    else if (decision.outcome === 'retry') await this.deliveries.recordAttempt(claim, { outcome: 'retry', status, problem: decision.problem, nextAttemptAt: decision.at });
    else await this.deliveries.recordAttempt(claim, { outcome: 'failed', status, problem: decision.problem });
  }
}
