import type pg from 'pg';

/**
 * What each existing client's latest finished reconcile found missing (its `missingRows`), one
 * row per client and table: read at scrape time, so every instance reports the same.
 */
export async function latestReconcileMissingRows(pool: pg.Pool): Promise<{ client: string; table: string; rows: number }[]> {
  const { rows } = await pool.query<{ client: string; table: string; rows: number }>(
    `WITH latest AS (
       SELECT DISTINCT ON (rc.slug) rc.slug, rc.stats -> 'missingRows' AS missing
       FROM job_run_clients rc
       JOIN job_runs r ON r.id = rc.run_id AND r.kind = 'reconcile'
       JOIN clients c ON c.id = rc.client_id
       WHERE rc.status = 'succeeded' AND rc.stats ? 'missingRows'
       ORDER BY rc.slug, rc.updated_at DESC)
     SELECT l.slug AS client, t.name AS table, (l.missing ->> t.name)::int AS rows
     FROM latest l CROSS JOIN (VALUES ('tickets'), ('messages'), ('contacts')) AS t(name)`,
  );
  return rows;
}
