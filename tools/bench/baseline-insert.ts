import type pg from 'pg';
import type { Dataset } from '../upstream-simulator/dataset.js';

const BATCH = 1000;

/**
 * The reference for the ingest benchmark: the same rows written with bare `pg` multi-row
 * `INSERT … ON CONFLICT DO UPDATE` statements into scratch copies of the tables, no HTTP, no
 * ORM. Returns the rows written and the milliseconds it took.
 */
export async function bareInsert(pool: pg.Pool, dataset: Dataset): Promise<{ rows: number; ms: number }> {
  await pool.query('DROP TABLE IF EXISTS bench_messages, bench_tickets');
  await pool.query('CREATE TABLE bench_tickets (LIKE tickets INCLUDING DEFAULTS INCLUDING INDEXES)');
  await pool.query('CREATE TABLE bench_messages (LIKE messages INCLUDING DEFAULTS INCLUDING INDEXES)');
  const clientId = '00000000-0000-4000-8000-000000000001';
  const tickets = [...dataset.tickets.values()];
  const started = performance.now();
  let rows = 0;
  const ticketIds = new Map<string, string>();
  for (let i = 0; i < tickets.length; i += BATCH) {
    const batch = tickets.slice(i, i + BATCH);
    const values: unknown[] = [];
    const tuples = batch.map((t, k) => {
      values.push(clientId, t.uuid, t.protocol, t.subject, t.status, t.channel, t.contactId, t.createdAt, t.updatedAt, t.closedAt, JSON.stringify(t));
      const b = k * 11;
      return `($${b + 1}::uuid,$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8}::timestamptz,$${b + 9}::timestamptz,$${b + 10}::timestamptz,$${b + 11}::jsonb)`;
    });
    const result = await pool.query<{ id: string; external_uuid: string }>(
      `INSERT INTO bench_tickets (client_id, external_uuid, protocol, subject, status, channel, contact_external_id, upstream_created_at, upstream_updated_at, closed_at, raw)
       VALUES ${tuples.join(',')}
       ON CONFLICT (client_id, external_uuid) DO UPDATE SET subject = excluded.subject, status = excluded.status, upstream_updated_at = excluded.upstream_updated_at, raw = excluded.raw
       RETURNING id, external_uuid`,
      values,
    );
    for (const row of result.rows) ticketIds.set(row.external_uuid, row.id);
    rows += batch.length;
  }
  const messages = tickets.flatMap((t) => dataset.messagesOf(t.uuid));
  for (let i = 0; i < messages.length; i += BATCH) {
    const batch = messages.slice(i, i + BATCH);
    const values: unknown[] = [];
    const tuples = batch.map((m, k) => {
      values.push(clientId, ticketIds.get(m.ticketUuid), m.id, m.direction, m.type, m.body, m.mediaUrl, m.sender?.name ?? null, m.createdAt, JSON.stringify(m));
      const b = k * 10;
      return `($${b + 1}::uuid,$${b + 2}::uuid,$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8},$${b + 9}::timestamptz,$${b + 10}::jsonb)`;
    });
    await pool.query(
      `INSERT INTO bench_messages (client_id, ticket_id, external_id, direction, type, body, media_url, sender_name, sent_at, raw)
       VALUES ${tuples.join(',')}
       ON CONFLICT (client_id, external_id) DO UPDATE SET body = excluded.body, raw = excluded.raw`,
      values,
    );
    rows += batch.length;
  }
  const ms = performance.now() - started;
  await pool.query('DROP TABLE bench_messages, bench_tickets');
  return { rows, ms };
}
