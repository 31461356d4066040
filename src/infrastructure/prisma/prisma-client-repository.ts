import { inject, injectable } from 'tsyringe';
import type { Client, ClientChanges, NewClient } from '../../domain/clients/client.js';
import { DuplicateSlugError } from '../../domain/errors.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import type { Client as ClientRow } from '../../generated/prisma/client.js';
import type { TokenCipher } from '../crypto/token-cipher.js';
import type { PrismaClient } from '../database/prisma-client.js';
import { INFRA_TOKENS } from '../infra-tokens.js';

/** Clients, their API tokens encrypted at rest when an encryption key is configured. */
@injectable()
export class PrismaClientRepository implements ClientRepository {
  constructor(
    @inject(INFRA_TOKENS.Prisma) private readonly prisma: PrismaClient,
    @inject(INFRA_TOKENS.TokenCipher) private readonly cipher: TokenCipher,
  ) {}

  async create(client: NewClient): Promise<Client> {
    try {
      return this.toClient(await this.prisma.client.create({ data: { ...client, apiToken: this.cipher.encrypt(client.apiToken) } }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateSlugError(client.slug);
      throw error;
    }
  }

  async update(slug: string, changes: ClientChanges): Promise<Client | null> {
    const data = changes.apiToken === undefined ? changes : { ...changes, apiToken: this.cipher.encrypt(changes.apiToken) };
    const { count } = await this.prisma.client.updateMany({ where: { slug }, data });
    return count ? this.findBySlug(slug) : null;
  }

  async findBySlug(slug: string): Promise<Client | null> {
    const row = await this.prisma.client.findUnique({ where: { slug } });
    return row && this.toClient(row);
  }

  async findById(id: string): Promise<Client | null> {
    const row = await this.prisma.client.findUnique({ where: { id } });
    return row && this.toClient(row);
  }

  async list(): Promise<Client[]> {
    return (await this.prisma.client.findMany({ orderBy: { slug: 'asc' } })).map((row) => this.toClient(row));
  }

  async listActive(): Promise<Client[]> {
    return (await this.prisma.client.findMany({ where: { active: true }, orderBy: { slug: 'asc' } })).map((row) => this.toClient(row));
  }

  /**
   * Key rotation and first encryption: writes again, under the current key, every token stored
   * in plain or under a previous key. Returns how many it rewrote.
   */
  async reencryptTokens(): Promise<number> {
    let rewritten = 0;
    for (const row of await this.prisma.client.findMany({ select: { id: true, apiToken: true } })) {
      if (!this.cipher.needsRotation(row.apiToken)) continue;
      const token = this.cipher.decrypt(row.apiToken);
      // Only if nobody changed it meanwhile.
      const { count } = await this.prisma.client.updateMany({ where: { id: row.id, apiToken: row.apiToken }, data: { apiToken: this.cipher.encrypt(token) } });
      rewritten += count;
    }
    return rewritten;
  }

  private toClient(row: ClientRow): Client {
    return { ...row, apiToken: this.cipher.decrypt(row.apiToken) };
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
