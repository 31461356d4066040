import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import { NotFoundError } from '../../domain/errors.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import { TOKENS } from '../tokens.js';

@injectable()
export class GetClientUseCase {
  constructor(@inject(TOKENS.ClientRepository) private readonly clients: ClientRepository) {}

  async execute(slug: string): Promise<Client> {
    const client = await this.clients.findBySlug(slug);
    if (!client) throw new NotFoundError(`no client with slug "${slug}"`);
    return client;
  }
}
