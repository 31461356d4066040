import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import { TOKENS } from '../tokens.js';

@injectable()
export class ListClientsUseCase {
  constructor(@inject(TOKENS.ClientRepository) private readonly clients: ClientRepository) {}

  execute(): Promise<Client[]> {
    return this.clients.list();
  }
}
