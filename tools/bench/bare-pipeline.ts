/**
 * The floor of B2, run as its own process (like the service, away from the simulator's CPU):
 * the same pages fetched with plain undici at the same concurrency, parsed with JSON.parse and
 * upserted with plain pg multi-row statements into scratch tables — no validation, no budget,
 * no checkpoints, no bookkeeping. Prints `{ rows, ms, requests }` as JSON.
 *
 *   node --import tsx tools/bench/bare-pipeline.ts <upstream base URL> <token> <database URL> <concurrency>
 */
import pLimit from 'p-limit';
import pg from 'pg';
import { request } from 'undici';

const [baseUrl, token, databaseUrl, concurrencyText] = process.argv.slice(2) as [string, string, string, string];
const PAGE = 100;
const limit = pLimit(Number(concurrencyText));
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const CLIENT_ID = '00000000-0000-4000-8000-000000000002';
let requests = 0;

interface RawTicket { uuid: string; protocol?: string; subject?: string; status?: string; channel?: string; contactId?: string; createdAt?: string; updatedAt: string; closedAt?: string }
interface RawMessage { id: string; ticketUuid: string; direction?: string; type?: string; body?: string; mediaUrl?: string; sender?: { name?: string }; createdAt?: string }

async function getJson<T>(path: string): Promise<T> {
  requests += 1;
  const response = await request(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  return JSON.parse(await response.body.text()) as T;
}

async function upsert(tickets: RawTicket[], messages: RawMessage[]): Promise<void> {
  if (tickets.length === 0) return;
  const tv: unknown[] = [];
  const tt = tickets.map((t, k) => {
    tv.push(CLIENT_ID, t.uuid, t.protocol ?? null, t.subject ?? null, t.status ?? null, t.channel ?? null, t.contactId ?? null, t.createdAt ?? null, t.updatedAt, t.closedAt ?? null, JSON.stringify(t));
    const b = k * 11;
    return `($${b + 1}::uuid,$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8}::timestamptz,$${b + 9}::timestamptz,$${b + 10}::timestamptz,$${b + 11}::jsonb)`;
  });
  const ids = await pool.query<{ id: string; external_uuid: string }>(
    `INSERT INTO bench_tickets (client_id, external_uuid, protocol, subject, status, channel, contact_external_id, upstream_created_at, upstream_updated_at, closed_at, raw)
     VALUES ${tt.join(',')}
     ON CONFLICT (client_id, external_uuid) DO UPDATE SET subject = excluded.subject, status = excluded.status, upstream_updated_at = excluded.upstream_updated_at, raw = excluded.raw
     RETURNING id, external_uuid`,
    tv,
  );
  const ticketIds = new Map(ids.rows.map((r) => [r.external_uuid, r.id]));
  for (let i = 0; i < messages.length; i += 1000) {
    const batch = messages.slice(i, i + 1000);
    const mv: unknown[] = [];
    const mt = batch.map((m, k) => {
      mv.push(CLIENT_ID, ticketIds.get(m.ticketUuid), m.id, m.direction ?? null, m.type ?? null, m.body ?? null, m.mediaUrl ?? null, m.sender?.name ?? null, m.createdAt ?? null, JSON.stringify(m));
      const b = k * 10;
      return `($${b + 1}::uuid,$${b + 2}::uuid,$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8},$${b + 9}::timestamptz,$${b + 10}::jsonb)`;
    });
    await pool.query(
      `INSERT INTO bench_messages (client_id, ticket_id, external_id, direction, type, body, media_url, sender_name, sent_at, raw)
       VALUES ${mt.join(',')}
       ON CONFLICT (client_id, external_id) DO UPDATE SET body = excluded.body, raw = excluded.raw`,
      mv,
    );
  }
}

await pool.query('DROP TABLE IF EXISTS bench_messages, bench_tickets');
await pool.query('CREATE TABLE bench_tickets (LIKE tickets INCLUDING DEFAULTS INCLUDING INDEXES)');
await pool.query('CREATE TABLE bench_messages (LIKE messages INCLUDING DEFAULTS INCLUDING INDEXES)');
const started = performance.now();
let rows = 0;
let writing: Promise<void> = Promise.resolve();
for (let page = 1; ; page += 1) {
  const { data: tickets } = await getJson<{ data: RawTicket[] }>(`/ticket?updatedAtFrom=1970-01-01T00:00:00.000Z&page=${page}&limit=${PAGE}`);
  const pages = await Promise.all(tickets.map((t) => limit(() => getJson<{ data: RawMessage[] }>(`/ticket/${encodeURIComponent(t.uuid)}/messages?page=1&limit=${PAGE}`))));
  const messages = pages.flatMap((p) => p.data);
  // As the import does, a page is written while the next one is fetched.
  await writing;
  writing = upsert(tickets, messages);
  rows += tickets.length + messages.length;
  if (tickets.length < PAGE) break;
}
await writing;
const ms = performance.now() - started;
await pool.query('DROP TABLE bench_messages, bench_tickets');
await pool.end();
process.stdout.write(`${JSON.stringify({ rows, ms, requests })}\n`);
