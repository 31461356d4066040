import type { Client } from '../../domain/clients/client.js';
import type { WebhookSendingSettings } from '../settings.js';

/**
 * What to tell an operator who gives a client a webhookUrl in a process without WEBHOOK_SECRET:
 * the URL is kept, but nothing is signed here, so it is sent to only if the worker processes have
 * a secret (in a single process: never, until one is set). Null when there is nothing to say.
 * Names neither the URL (its path may carry a token of the receiver's) nor anything secret.
 */
export function unsentWebhookUrlWarning(client: Client, sending: WebhookSendingSettings): string | null {
  if (!client.webhookUrl || sending.signs) return null;
  return 'webhookUrl saved, but this process has no WEBHOOK_SECRET: events are signed and sent only by worker processes that have one (set WEBHOOK_SECRET, or nothing is sent to it)';
}
