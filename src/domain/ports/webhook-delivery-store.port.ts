import type { WebhookDelivery, WebhookDeliveryFilter } from '../webhooks/webhook-delivery.js';

/** A delivery taken for one attempt, with its attempt number (1 for the first send). */
export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  /** Counts every attempt ever made: it identifies this claim (recordAttempt). */
  attempt: number;
  /** Counts the attempts since the event was queued or last redelivered (1 for the first): what the backoff follows. */
  scheduleAttempt: number;
}

/** What an attempt came to: `status` is the HTTP status, or `timeout` / `network_error`. */
export type RecordedAttempt =
  | { outcome: 'delivered'; status: string; at: Date }
  | { outcome: 'retry'; status: string; problem: string; nextAttemptAt: Date }
  | { outcome: 'failed'; status: string; problem: string };

/**
 * The webhook outbox (`webhook_deliveries`). Events are queued by the job run store in the
 * statement that finishes what they tell about (see JobRunStore); this port sends them on. Safe from several
 * processes: a claimed delivery is held by its claimer until `now + holdMs`, then free again,
 * so a process that died mid-attempt costs a resend (at least once), never a lost event.
 */
export interface WebhookDeliveryStore {
  /** Takes up to `limit` pending deliveries due at `now` that nobody holds, counting an attempt each. */
  claimDue(now: Date, limit: number, holdMs: number): Promise<ClaimedDelivery[]>;
  /** Records the outcome of a claimed attempt; ignored when the delivery was claimed again since (its hold expired). */
  recordAttempt(claim: ClaimedDelivery, outcome: RecordedAttempt): Promise<void>;
  /** Newest first. */
  list(filter: WebhookDeliveryFilter): Promise<WebhookDelivery[]>;
  /**
   * Makes a delivery pending again, due at `now`, retried until `giveUpAt`, its backoff starting
   * over (the next scheduleAttempt is 1); same webhook-id and body. Null when there is none with that id.
   */
  redeliver(id: string, now: Date, giveUpAt: Date): Promise<WebhookDelivery | null>;
}
