import { inject, injectable } from 'tsyringe';
import type { Client, NewClient } from '../../domain/clients/client.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import { TOKENS } from '../tokens.js';

/** Registers a client; throws DuplicateSlugError when the slug is taken. */
@injectable()
export class RegisterClientUseCase {
  constructor(@inject(TOKENS.ClientRepository) private readonly clients: ClientRepository) {}

  execute(client: NewClient): Promise<Client> {
    return this.clients.create(client);
  }
}
