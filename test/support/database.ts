import pg from 'pg';

/** The migrated database of this test run (see global-fixture.ts). */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL_RESOLVED;
  if (!url) throw new Error('the global test fixture did not run');
  return url;
}

let pool: pg.Pool | undefined;

/** A plain pg pool on the test database, for arranging rows and asserting on them with SQL. */
export function sql(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
    pool.on('error', () => {});
  }
  return pool;
}

export async function closeSql(): Promise<void> {
  await pool?.end();
  pool = undefined;
}

/** Empties every table the service writes; call in beforeEach so each test builds its own data. */
export async function truncateAll(): Promise<void> {
  await sql().query('TRUNCATE clients, sync_cursors, tickets, messages, contacts, tags, contact_tags, job_runs CASCADE');
  await sql().query('DELETE FROM client_leases');
  // The durable queue's jobs, once a test has started pg-boss on this database.
  await sql().query(`DO $$ BEGIN IF to_regclass('pgboss.job') IS NOT NULL THEN DELETE FROM pgboss.job; END IF; END $$`);
}

/** Inserts a client the way an operator would by hand, letting the database fill the defaults. */
export async function insertClient(fields: { slug: string; apiBaseUrl: string; apiToken?: string; active?: boolean; name?: string }): Promise<string> {
  const { rows } = await sql().query<{ id: string }>(
    'INSERT INTO clients (slug, name, api_base_url, api_token, active) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [fields.slug, fields.name ?? fields.slug, fields.apiBaseUrl, fields.apiToken ?? `token-of-${fields.slug}`, fields.active ?? true],
  );
  return rows[0]!.id;
}
