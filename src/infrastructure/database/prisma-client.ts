import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../generated/prisma/client.js';

export type { PrismaClient };

export interface Database {
  prisma: PrismaClient;
  /**
   * Prisma's own connection pool, for the bulk writes: Prisma's driver adapter keeps the
   * parameters of its last 100 queries for error reports, and a page of tickets and messages is
   * a multi-megabyte parameter (~140 MB held during a large import). Same pool, same server.
   */
  pool: pg.Pool;
}

export function connectDatabase(databaseUrl: string, onIdleError: (error: Error) => void): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', onIdleError);
  return { prisma: new PrismaClient({ adapter: new PrismaPg(pool) }), pool };
}
