import { inject, injectable } from 'tsyringe';
import type { Client, ClientChanges } from '../../domain/clients/client.js';
import { NotFoundError } from '../../domain/errors.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import { TOKENS } from '../tokens.js';

/** Changes a client's name, upstream URL, token or active flag; its slug is its identity. */
@injectable()
export class UpdateClientUseCase {
  constructor(@inject(TOKENS.ClientRepository) private readonly clients: ClientRepository) {}

  async execute(slug: string, changes: ClientChanges): Promise<Client> {
    const client = await this.clients.update(slug, changes);
    if (!client) throw new NotFoundError(`no client with slug "${slug}"`);
    return client;
  }
}
