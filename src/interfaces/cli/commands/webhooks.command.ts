import { InvalidArgumentError, Option, type Command } from 'commander';
import { WEBHOOK_DELIVERY_STATUSES } from '../../../domain/webhooks/webhook-delivery.js';
import { WEBHOOK_EVENT_TYPES } from '../../../domain/webhooks/webhook-event.js';
import type { WebhookDeliveryView } from '../admin-api-client.js';
import { openSession } from '../cli-session.js';
import { formatTable } from '../output.js';

export function registerWebhooksCommands(program: Command): void {
  const webhooks = program.command('webhooks').description('webhook deliveries: what was sent to which receiver, and sending one again');

  webhooks
    .command('list')
    .description('list webhook deliveries, newest first, with their attempts, last answer and next attempt')
    .addOption(new Option('--status <status>', 'only deliveries in this status').choices(WEBHOOK_DELIVERY_STATUSES))
    .addOption(new Option('--event <event>', 'only deliveries of this event type').choices(WEBHOOK_EVENT_TYPES))
    .option('--limit <n>', 'at most this many (1–200, default 50)', wholeNumber)
    .action(async (filter: { status?: string; event?: string; limit?: number }, command: Command) => {
      const { api, output } = await openSession(command);
      output.result(await api.listWebhookDeliveries(filter), ({ deliveries }) => (deliveries.length ? deliveriesTable(deliveries) : 'no webhook deliveries'));
    });

  webhooks
    .command('redeliver')
    .argument('<id>', 'the delivery id (from webhooks list)')
    .description('send a delivery again at once, with the same webhook-id and body, retried for another 24 h if it fails')
    .action(async (id: string, _options, command: Command) => {
      const { api, output } = await openSession(command);
      output.result(await api.redeliverWebhook(id), (delivery) => `delivery ${delivery.id} (${delivery.event} to ${delivery.target ?? SERVICE_RECEIVER}) is pending again: it is sent within a few seconds`);
    });
}

/** How a delivery queued for the service's receiver without its URL is shown: the sending worker's WEBHOOK_URL. */
const SERVICE_RECEIVER = "(the workers' WEBHOOK_URL)";

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

function deliveriesTable(list: readonly WebhookDeliveryView[]): string {
  return formatTable(
    [{ header: 'ID' }, { header: 'EVENT' }, { header: 'CLIENT' }, { header: 'TARGET' }, { header: 'STATUS' }, { header: 'ATTEMPTS', align: 'right' }, { header: 'LAST' }, { header: 'NEXT ATTEMPT' }, { header: 'ERROR' }],
    list.map((d) => [d.id, d.event, d.client ?? '', d.target ?? SERVICE_RECEIVER, d.status, String(d.attempts), d.lastStatus ?? '', d.nextAttemptAt ?? '', d.lastError ?? '']),
  );
}
