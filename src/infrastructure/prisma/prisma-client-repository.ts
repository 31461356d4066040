import { inject, injectable } from 'tsyringe';
import type { Client, ClientChanges, NewClient } from '../../domain/clients/client.js';
import { DuplicateSlugError } from '../../domain/errors.js';
import type { ClientRepository } from '../../domain/ports/client-repository.port.js';
import type { PrismaClient } from '../database/prisma-client.js';
import { INFRA_TOKENS } from '../infra-tokens.js';

@injectable()
export class PrismaClientRepository implements ClientRepository {
  constructor(@inject(INFRA_TOKENS.Prisma) private readonly prisma: PrismaClient) {}

  async create(client: NewClient): Promise<Client> {
    try {
      return await this.prisma.client.create({ data: client });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateSlugError(client.slug);
      throw error;
    }
  }

  async update(slug: string, changes: ClientChanges): Promise<Client | null> {
    const { count } = await this.prisma.client.updateMany({ where: { slug }, data: changes });
    return count ? this.findBySlug(slug) : null;
  }

  findBySlug(slug: string): Promise<Client | null> {
    return this.prisma.client.findUnique({ where: { slug } });
  }

  findById(id: string): Promise<Client | null> {
    return this.prisma.client.findUnique({ where: { id } });
  }

  list(): Promise<Client[]> {
    return this.prisma.client.findMany({ orderBy: { slug: 'asc' } });
  }

  listActive(): Promise<Client[]> {
    return this.prisma.client.findMany({ where: { active: true }, orderBy: { slug: 'asc' } });
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
