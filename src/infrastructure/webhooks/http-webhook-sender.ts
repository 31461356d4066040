import { createRequire } from 'node:module';
import { Webhook } from 'standardwebhooks';
import { inject, injectable } from 'tsyringe';
import { Agent, fetch, type Dispatcher } from 'undici';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { WebhookSender } from '../../domain/ports/webhook-sender.port.js';
import type { AttemptResult } from '../../domain/webhooks/retry-schedule.js';
import type { WebhookDelivery } from '../../domain/webhooks/webhook-delivery.js';
import { TOKENS } from '../../application/tokens.js';
import type { WebhookConfig } from '../config.js';
import { INFRA_TOKENS } from '../infra-tokens.js';
import { parseRetryAfter } from '../upstream/retry-after.js';
import { CERTIFICATE_ERRORS } from '../upstream/upstream-connection.js';

// From src/ (tsx) and from dist/ (the build): three levels below the package root.
const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** How much of a receiver's answer is read (and kept, for an error) before the connection is let go. */
const ANSWER_BYTES_KEPT = 300;

/**
 * POSTs a delivery's body, signed with the Standard Webhooks library (`webhook-id`,
 * `webhook-timestamp` of this attempt, `webhook-signature: v1,<base64 HMAC-SHA256>`). The
 * timeout bounds the whole exchange; redirects are not followed (a receiver that moved is a
 * configuration to fix, and following could send the event somewhere unintended). TLS is
 * verified unless WEBHOOK_TLS_INSECURE says otherwise. Of the answer, only its first
 * ANSWER_BYTES_KEPT bytes are read (for the error shown); the rest is cancelled, never buffered.
 */
@injectable()
export class HttpWebhookSender implements WebhookSender {
  private readonly signer: Webhook;
  private readonly dispatcher: Dispatcher;

  constructor(
    @inject(INFRA_TOKENS.WebhookConfig) private readonly config: WebhookConfig,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {
    if (!config.secret) throw new Error('webhooks need WEBHOOK_SECRET to be signed');
    this.signer = new Webhook(config.secret);
    this.dispatcher = new Agent({ connect: { rejectUnauthorized: !config.tlsInsecure } });
  }

  async send(delivery: WebhookDelivery, targetUrl: string, caller?: AbortSignal): Promise<AttemptResult> {
    const timestamp = this.clock.now();
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const signal = caller ? AbortSignal.any([caller, timeout]) : timeout;
    try {
      const response = await fetch(targetUrl, {
        method: 'POST',
        body: delivery.payload,
        redirect: 'manual',
        signal,
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/json',
          'user-agent': `helpdesk-importer/${version}`,
          'webhook-id': delivery.webhookId,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': this.signer.sign(delivery.webhookId, timestamp, delivery.payload),
        },
      });
      const answer = await startOf(response.body);
      const retryAfterMs = response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers.get('retry-after'), timestamp.getTime()) : null;
      return { kind: 'answered', status: response.status, retryAfterMs, ...(answer && response.status >= 300 ? { detail: answer } : {}) };
    } catch (error) {
      if (timeout.aborted) return { kind: 'timeout', detail: `no complete answer within ${this.config.timeoutMs} ms` };
      if (caller?.aborted) return { kind: 'network_error', detail: 'interrupted by a shutdown' };
      const code = (error as { cause?: { code?: string } })?.cause?.code;
      // Retried like any network error: the receiver's operator may mend the certificate within the day.
      if (code && CERTIFICATE_ERRORS.has(code)) return { kind: 'network_error', detail: `the receiver's TLS certificate failed verification (${code}); fix it, or set WEBHOOK_TLS_INSECURE=true to skip verification` };
      return { kind: 'network_error', detail: code ? `network error ${code}` : 'network error' };
    }
  }
}

/** The first ANSWER_BYTES_KEPT bytes of a body, as text; the rest is cancelled unread (a huge or endless answer costs nothing). */
async function startOf(body: ReadableStream<Uint8Array> | null): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < ANSWER_BYTES_KEPT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, ANSWER_BYTES_KEPT).toString('utf8');
}
