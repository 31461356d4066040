import { inject, injectable } from 'tsyringe';
import type pg from 'pg';
import type { ClientLastRun, StoredCounts } from '../../domain/clients/client-activity.js';
import type { ClientRunStats, JobKind } from '../../domain/jobs/job-run.js';
import type { ClientActivityReader } from '../../domain/ports/client-activity-reader.port.js';
import { INFRA_TOKENS } from '../infra-tokens.js';

/**
 * One statement per question, whatever the number of clients. The counts are exact (`count(*)`
 * over each client's index range), which reads every row's index entry: fine for the admin
 * views that ask, not for a hot path.
 */
@injectable()
export class PgClientActivityReader implements ClientActivityReader {
  constructor(@inject(INFRA_TOKENS.Pool) private readonly pool: pg.Pool) {}

  async storedCounts(clientIds: string[]): Promise<Map<string, StoredCounts>> {
    const { rows } = await this.pool.query<{ id: string; tickets: string; messages: string; contacts: string }>(
      `SELECT c.id,
         (SELECT count(*) FROM tickets t WHERE t.client_id = c.id AND t.deleted_at IS NULL) AS tickets,
         (SELECT count(*) FROM messages m WHERE m.client_id = c.id) AS messages,
         (SELECT count(*) FROM contacts k WHERE k.client_id = c.id AND k.deleted_at IS NULL) AS contacts
       FROM unnest($1::uuid[]) AS c(id)`,
      [clientIds],
    );
    return new Map(rows.map((row) => [row.id, { tickets: Number(row.tickets), messages: Number(row.messages), contacts: Number(row.contacts) }]));
  }

  async cursors(clientIds: string[]): Promise<Map<string, Record<string, string>>> {
    const { rows } = await this.pool.query<{ clientId: string; key: string; value: string }>(
      `SELECT client_id AS "clientId", key, value FROM sync_cursors WHERE client_id = ANY($1::uuid[]) ORDER BY client_id, key`,
      [clientIds],
    );
    const byClient = new Map<string, Record<string, string>>();
    for (const { clientId, key, value } of rows) byClient.set(clientId, { ...byClient.get(clientId), [key]: value });
    return byClient;
  }

  async lastRuns(slugs: string[]): Promise<Map<string, ClientLastRun[]>> {
    const { rows } = await this.pool.query<{ slug: string; kind: string; runId: string; requestedAt: Date; stats: ClientRunStats }>(
      `SELECT DISTINCT ON (c.slug, r.kind) c.slug, r.kind, r.id AS "runId", r.requested_at AS "requestedAt", c.stats
       FROM job_run_clients c JOIN job_runs r ON r.id = c.run_id
       WHERE c.slug = ANY($1::text[])
       ORDER BY c.slug, r.kind, r.requested_at DESC, r.id DESC`,
      [slugs],
    );
    const bySlug = new Map<string, ClientLastRun[]>();
    for (const row of rows) bySlug.set(row.slug, [...(bySlug.get(row.slug) ?? []), { runId: row.runId, kind: row.kind as JobKind, requestedAt: row.requestedAt, stats: row.stats }]);
    return bySlug;
  }
}
