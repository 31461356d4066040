/** How long a delivery is retried after it was queued (or redelivered). */
export const RETRY_WINDOW_MS = 24 * 60 * 60_000;
/** The first retry's ceiling: it comes within a few seconds. */
export const FIRST_RETRY_MS = 5_000;
/** No backoff waits longer than this between two tries. */
export const MAX_BACKOFF_MS = 60 * 60_000;

/** What one attempt to send a webhook met. */
export type AttemptResult =
  | { kind: 'answered'; status: number; retryAfterMs: number | null; /** The start of a non-2xx answer's body. */ detail?: string }
  | { kind: 'timeout'; detail: string }
  | { kind: 'network_error'; detail: string };

export type DeliveryDecision =
  | { outcome: 'delivered' }
  | { outcome: 'retry'; at: Date; problem: string }
  | { outcome: 'failed'; problem: string };

/** Exponential backoff with "equal jitter": between half and all of min(1 h, 5 s × 2^(attempt−1)). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The status column's value for an attempt: the HTTP status, or `timeout` / `network_error`. */
export function attemptStatus(result: AttemptResult): string {
  return result.kind === 'answered' ? String(result.status) : result.kind;
}

/**
 * After attempt number `attempt` of the current schedule (1 for the first send after the event
 * was queued or redelivered): a 2xx is delivered; a 4xx other than 408 and 429 is final (the
 * receiver refuses this event, resending would not change that); anything else — 408, 429,
 * 5xx, another status, a timeout, a network error — is retried after the backoff, or after the
 * receiver's `Retry-After` when that is longer. A retry that would fall after `giveUpAt` is
 * made at `giveUpAt` instead, a last try when the window ends; an attempt at or after it that
 * fails again gives up.
 */
export function decideAfterAttempt(result: AttemptResult, attempt: number, now: Date, giveUpAt: Date, random: () => number = Math.random): DeliveryDecision {
  if (result.kind === 'answered' && result.status >= 200 && result.status < 300) return { outcome: 'delivered' };
  const problem = result.kind === 'answered' ? `HTTP ${result.status}${result.detail ? `: ${result.detail}` : ''}` : result.detail;
  if (result.kind === 'answered' && result.status >= 400 && result.status < 500 && result.status !== 408 && result.status !== 429) {
    return { outcome: 'failed', problem: `${problem} (refused by the receiver: not retried)` };
  }
  if (now >= giveUpAt) return { outcome: 'failed', problem: `${problem}; gave up: the retries of its 24 h window are over` };
  const waitMs = Math.max(backoffMs(attempt, random), result.kind === 'answered' ? (result.retryAfterMs ?? 0) : 0);
  const at = new Date(now.getTime() + waitMs);
  return { outcome: 'retry', at: at > giveUpAt ? giveUpAt : at, problem };
}
