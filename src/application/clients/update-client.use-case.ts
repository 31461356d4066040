import { inject, injectable } from 'tsyringe';
import type { Client, ClientChanges } from '../../domain/clients/client.js';
import { NotFoundError } from '../../domain/errors.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import type { WebhookSendingSettings } from '../settings.js';
import { TOKENS } from '../tokens.js';
import { unsentWebhookUrlWarning } from './unsent-webhook-url.js';

/** Changes a client's name, upstream URL, token, active flag or webhookUrl; its slug is its identity. Warns when a new webhookUrl would go unsent. */
@injectable()
export class UpdateClientUseCase {
  constructor(
    @inject(TOKENS.ClientRepository) private readonly clients: ClientRepository,
    @inject(TOKENS.WebhookSendingSettings) private readonly webhooks: WebhookSendingSettings,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async execute(slug: string, changes: ClientChanges): Promise<Client> {
    const client = await this.clients.update(slug, changes);
    if (!client) throw new NotFoundError(`no client with slug "${slug}"`);
    const warning = changes.webhookUrl ? unsentWebhookUrlWarning(client, this.webhooks) : null;
    if (warning) this.logger.warn({ client: client.slug }, warning);
    return client;
  }
}
