import type { DeliverWebhookUseCase } from '../../application/webhooks/deliver-webhook.use-case.js';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import type { WebhookDeliveryStore } from '../../domain/ports/webhook-delivery-store.port.js';

export interface WebhookDeliveryLoopSettings {
  concurrency: number;
  pollIntervalMs: number;
  /** Per attempt; a claim is held this long plus a margin, so no other process resends it meanwhile. */
  timeoutMs: number;
}

/** Past the attempt's own timeout, how long its claim still holds (recording the outcome). */
const HOLD_MARGIN_MS = 5_000;

/**
 * Sends the due webhooks of the outbox, apart from the import workers: its own timer, at most
 * `concurrency` attempts in flight, each bounded by its timeout, so a slow or dead receiver
 * costs this loop slots, never an import's time. A free slot is filled at the next poll.
 */
export class WebhookDeliveryLoop {
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private polling: Promise<void> | undefined;

  constructor(
    private readonly deliveries: WebhookDeliveryStore,
    private readonly deliver: DeliverWebhookUseCase,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: WebhookDeliveryLoopSettings,
  ) {}

  start(): void {
    if (this.timer || this.stopping.signal.aborted) return;
    this.timer = setInterval(() => void this.poll(), this.settings.pollIntervalMs);
    this.timer.unref();
    void this.poll();
  }

  /** Claims as many due deliveries as there are free slots and starts them; returns once they are started. */
  poll(): Promise<void> {
    this.polling ??= this.fill().finally(() => (this.polling = undefined));
    return this.polling;
  }

  /** Stops polling and aborts the attempts in flight: their claims run out and another poll sends them again. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.polling;
    await Promise.all(this.inFlight);
  }

  private async fill(): Promise<void> {
    const free = this.settings.concurrency - this.inFlight.size;
    if (free <= 0 || this.stopping.signal.aborted) return;
    let claims;
    try {
      claims = await this.deliveries.claimDue(this.clock.now(), free, this.settings.timeoutMs + HOLD_MARGIN_MS);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'webhook deliveries could not be read: trying again at the next poll');
      return;
    }
    for (const claim of claims) {
      const attempt: Promise<void> = this.deliver
        .execute(claim, this.stopping.signal)
        .catch((error: unknown) => this.logger.warn({ delivery: claim.delivery.id, event: claim.delivery.eventType, err: (error as Error).message }, 'webhook attempt could not be recorded: it is sent again once its claim runs out'))
        .finally(() => {
          this.inFlight.delete(attempt);
          // The freed slot takes the next due delivery now rather than at the next tick.
          if (!this.stopping.signal.aborted) void this.poll();
        });
      this.inFlight.add(attempt);
    }
  }
}
