import { inject, injectable } from 'tsyringe';
import type { CursorStore } from '../../domain/ports/cursor-store.port.js';
import type { PrismaClient } from '../database/prisma-client.js';
import { INFRA_TOKENS } from '../infra-tokens.js';

@injectable()
export class PrismaCursorStore implements CursorStore {
  constructor(@inject(INFRA_TOKENS.Prisma) private readonly prisma: PrismaClient) {}

  async get(clientId: string, key: string): Promise<string | null> {
    const row = await this.prisma.syncCursor.findUnique({ where: { clientId_key: { clientId, key } } });
    return row?.value ?? null;
  }

  async set(clientId: string, key: string, value: string): Promise<void> {
    await this.prisma.syncCursor.upsert({
      where: { clientId_key: { clientId, key } },
      create: { clientId, key, value },
      update: { value },
    });
  }

  async delete(clientId: string, key: string): Promise<void> {
    await this.prisma.syncCursor.deleteMany({ where: { clientId, key } });
  }

  async deleteStartingWith(clientId: string, prefix: string): Promise<void> {
    await this.prisma.syncCursor.deleteMany({ where: { clientId, key: { startsWith: prefix } } });
  }
}
