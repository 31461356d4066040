import { inject, injectable } from 'tsyringe';
import type { Client, NewClient } from '../../domain/clients/client.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import type { WebhookSendingSettings } from '../settings.js';
import { TOKENS } from '../tokens.js';
import { unsentWebhookUrlWarning } from './unsent-webhook-url.js';

/** Registers a client; throws DuplicateSlugError when the slug is taken. Warns when its webhookUrl would go unsent. */
@injectable()
export class RegisterClientUseCase {
  constructor(
    @inject(TOKENS.ClientRepository) private readonly clients: ClientRepository,
    @inject(TOKENS.WebhookSendingSettings) private readonly webhooks: WebhookSendingSettings,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async execute(client: NewClient): Promise<Client> {
    const created = await this.clients.create(client);
    const warning = unsentWebhookUrlWarning(created, this.webhooks);
    if (warning) this.logger.warn({ client: created.slug }, warning);
    return created;
  }
}
