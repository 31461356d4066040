import type pg from 'pg';
import type { Dataset, SimMessage, SimTicket } from '../upstream-simulator/dataset.js';

const BATCH = 1000;
const CLIENT_ID = '00000000-0000-4000-8000-000000000001';

/** Scratch copies of the tables, for the baselines to write into. */
export async function createScratchTables(pool: pg.Pool): Promise<void> {
  await pool.query('DROP TABLE IF EXISTS bench_messages, bench_tickets');
  await pool.query('CREATE TABLE bench_tickets (LIKE tickets INCLUDING DEFAULTS INCLUDING INDEXES)');
  await pool.query('CREATE TABLE bench_messages (LIKE messages INCLUDING DEFAULTS INCLUDING INDEXES)');
}

export async function dropScratchTables(pool: pg.Pool): Promise<void> {
  await pool.query('DROP TABLE IF EXISTS bench_messages, bench_tickets');
}

/**
 * Upstream tickets and their messages (as the API serves them) written with bare `pg`
 * multi-row `INSERT … ON CONFLICT DO UPDATE` statements, `BATCH` rows a statement, no ORM.
 */
export async function upsertTicketsAndMessages(pool: pg.Pool, tickets: SimTicket[], messages: SimMessage[]): Promise<void> {
  const ticketIds = new Map<string, string>();
  for (let i = 0; i < tickets.length; i += BATCH) {
    const values: unknown[] = [];
    const tuples = tickets.slice(i, i + BATCH).map((t, k) => {
      values.push(CLIENT_ID, t.uuid, t.protocol, t.subject, t.status, t.channel, t.contactId, t.createdAt, t.updatedAt, t.closedAt, JSON.stringify(t));
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
  }
  for (let i = 0; i < messages.length; i += BATCH) {
    const values: unknown[] = [];
    const tuples = messages.slice(i, i + BATCH).map((m, k) => {
      values.push(CLIENT_ID, ticketIds.get(m.ticketUuid), m.id, m.direction, m.type, m.body, m.mediaUrl, m.sender?.name ?? null, m.createdAt, JSON.stringify(m));
      const b = k * 10;
      return `($${b + 1}::uuid,$${b + 2}::uuid,$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8},$${b + 9}::timestamptz,$${b + 10}::jsonb)`;
    });
    await pool.query(
      `INSERT INTO bench_messages (client_id, ticket_id, external_id, direction, type, body, media_url, sender_name, sent_at, raw)
       VALUES ${tuples.join(',')}
       ON CONFLICT (client_id, external_id) DO UPDATE SET body = excluded.body, raw = excluded.raw`,
      values,
    );
  }
}

/**
 * The old reference of the ingest benchmark: the same rows written with bare `pg` upserts into
 * scratch copies of the tables, no HTTP. Returns the rows written and the milliseconds it took.
 */
export async function bareInsert(pool: pg.Pool, dataset: Dataset): Promise<{ rows: number; ms: number }> {
  await createScratchTables(pool);
  const tickets = [...dataset.tickets.values()];
  const messages = tickets.flatMap((t) => dataset.messagesOf(t.uuid));
  const started = performance.now();
  await upsertTicketsAndMessages(pool, tickets, messages);
  const ms = performance.now() - started;
  await dropScratchTables(pool);
  return { rows: tickets.length + messages.length, ms };
}
