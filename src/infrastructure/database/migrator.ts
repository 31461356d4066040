import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

export const MIGRATIONS_DIR = new URL('../../../prisma/migrations/', import.meta.url).pathname;

/** Serialises migrators of several processes starting at once on one database. */
const MIGRATION_LOCK_ID = 72_707_369;

/**
 * Applies pending migrations from `prisma/migrations/<name>/migration.sql`, recording them in
 * Prisma's own `_prisma_migrations` table (same columns, same sha256 checksum), so that
 * `prisma migrate deploy`, where its engine can run, agrees with what was applied. The Prisma
 * CLI itself cannot run on air-gapped machines: it downloads its schema engine first.
 * Returns the names of the migrations it applied.
 */
export async function applyMigrations(databaseUrl: string, migrationsDir = MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = await client.query<{ migration_name: string; finished_at: Date | null }>(
      'SELECT migration_name, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const unfinished = done.rows.find((row) => row.finished_at === null);
    if (unfinished) throw new Error(`migration ${unfinished.migration_name} failed earlier and needs manual repair`);
    const applied = new Set(done.rows.map((row) => row.migration_name));
    const pending = (await listMigrations(migrationsDir)).filter((name) => !applied.has(name));
    for (const name of pending) {
      const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      const id = randomUUID();
      await client.query(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
        [id, createHash('sha256').update(sql).digest('hex'), name],
      );
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        await client.query('DELETE FROM "_prisma_migrations" WHERE id = $1', [id]);
        throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
    }
    return pending;
  } finally {
    await client.end();
  }
}

/** Names of the migrations in `migrationsDir` that the database has not applied (successfully). */
export async function pendingMigrations(query: (sql: string) => Promise<{ rows: { migration_name: string }[] }>, migrationsDir = MIGRATIONS_DIR): Promise<string[]> {
  const { rows } = await query('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL');
  const applied = new Set(rows.map((row) => row.migration_name));
  return (await listMigrations(migrationsDir)).filter((name) => !applied.has(name));
}

async function listMigrations(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}
