/**
 * The service's own receiver (WEBHOOK_URL) as the process queuing an event sees it: none, a URL
 * it knows, or one it cannot know, left to the worker process that sends the event.
 */
export type ServiceReceiver = { kind: 'none' } | { kind: 'known'; url: string } | { kind: 'resolved-when-sent' };

/** Whom the process that finishes a run or a client's share queues the events for. */
export interface ReceiversToQueue {
  service: ServiceReceiver;
  /** The `webhookUrl` of the client an event is addressed to (read from the database as the event is queued). */
  clients: boolean;
}

/** How a process is set up, as far as webhooks go. */
export interface WebhookProcess {
  /** WEBHOOK_SECRET is set: this process knows the deployment's webhook settings. */
  signs: boolean;
  /** Its WEBHOOK_URL, if any. */
  serviceUrl: string | null;
  /** It runs the workers, and so the delivery loop (ROLE=worker|all). */
  sends: boolean;
}

/**
 * Events are queued by whichever process ends a run or a share — a worker, or the API process
 * that cancels a queued run — and sent by the workers. A process with WEBHOOK_SECRET knows the
 * settings: WEBHOOK_URL if it has one, and the clients' own receivers. A worker without it means
 * webhooks are off (every worker has the same settings; an event queued where nobody sends would
 * only pile up). An API-only process without the settings cannot know whether the workers have
 * them: it queues for every receiver that could exist, the service's one left for the sending
 * worker to resolve (and to settle as failed, saying why, when it has no WEBHOOK_URL).
 */
export function receiversToQueue(process: WebhookProcess): ReceiversToQueue {
  if (process.signs) return { service: process.serviceUrl ? { kind: 'known', url: process.serviceUrl } : { kind: 'none' }, clients: true };
  if (process.sends) return { service: { kind: 'none' }, clients: false };
  return { service: { kind: 'resolved-when-sent' }, clients: true };
}

/** Whether such a process queues anything at all. */
export function queuesAny(receivers: ReceiversToQueue): boolean {
  return receivers.clients || receivers.service.kind !== 'none';
}
