import { inject, injectable } from 'tsyringe';
import type { TicketStore } from '../../domain/ports/ticket-store.port.js';
import type { StoredTicketState, TicketWithMessages } from '../../domain/tickets/ticket.js';
import type pg from 'pg';
import { INFRA_TOKENS } from '../infra-tokens.js';
import type { ImporterMetrics } from '../metrics/importer-metrics.js';

/**
 * Writes a page of tickets and messages in one statement: rows travel as one JSON parameter
 * expanded by `jsonb_to_recordset`, so a page costs one round trip whatever its size. Plain `pg`
 * on Prisma's pool (see Database.pool): these parameters are megabytes.
 */
@injectable()
export class PgTicketStore implements TicketStore {
  constructor(
    @inject(INFRA_TOKENS.Pool) private readonly pool: pg.Pool,
    @inject(INFRA_TOKENS.Metrics) private readonly metrics: ImporterMetrics,
  ) {}

  async findStates(clientId: string, ticketUuids: string[]): Promise<Map<string, StoredTicketState>> {
    if (ticketUuids.length === 0) return new Map();
    const { rows } = await this.pool.query<{ uuid: string; updated_at: Date; message_count: number; deleted: boolean }>(
      `SELECT t.external_uuid AS uuid, t.upstream_updated_at AS updated_at, t.deleted_at IS NOT NULL AS deleted,
              (SELECT count(*)::int FROM messages m WHERE m.ticket_id = t.id) AS message_count
       FROM tickets t
       WHERE t.client_id = $1::uuid AND t.external_uuid = ANY($2::text[])`,
      [clientId, ticketUuids],
    );
    return new Map(rows.map((r) => [r.uuid, { updatedAt: r.updated_at, messageCount: r.message_count, deleted: r.deleted }]));
  }

  async save(clientId: string, entries: TicketWithMessages[]): Promise<void> {
    if (entries.length === 0) return;
    // One upsert cannot touch a row twice: a ticket listed twice keeps its last version.
    entries = [...new Map(entries.map((e) => [e.ticket.uuid, e])).values()];
    const tickets = entries.map(({ ticket: t, deletedUpstream }) => ({
      external_uuid: t.uuid,
      protocol: t.protocol,
      subject: t.subject,
      status: t.status,
      channel: t.channel,
      contact_external_id: t.contactId,
      upstream_created_at: t.createdAt?.toISOString() ?? null,
      upstream_updated_at: t.updatedAt.toISOString(),
      closed_at: t.closedAt?.toISOString() ?? null,
      raw: t.raw,
      deleted_upstream: deletedUpstream === true,
    }));
    const messages = entries.flatMap(({ messages: list }) =>
      (list ?? []).map((m) => ({
        external_id: m.id,
        ticket_uuid: m.ticketUuid,
        direction: m.direction,
        type: m.type,
        body: m.body,
        media_url: m.mediaUrl,
        sender_name: m.senderName,
        sent_at: m.createdAt?.toISOString() ?? null,
        raw: m.raw,
      })),
    );
    // One statement, so the tickets and their messages commit together or not at all.
    const { rows } = await this.pool.query<{ tickets: number; messages: number }>(
      `
      WITH saved AS (
        INSERT INTO tickets (client_id, external_uuid, protocol, subject, status, channel, contact_external_id,
                             upstream_created_at, upstream_updated_at, closed_at, raw, imported_at, deleted_at)
        SELECT $1::uuid, r.external_uuid, r.protocol, r.subject, r.status, r.channel, r.contact_external_id,
               r.upstream_created_at, r.upstream_updated_at, r.closed_at, r.raw, now(),
               CASE WHEN r.deleted_upstream THEN now() END
        FROM jsonb_to_recordset($2::jsonb) AS r(
          external_uuid text, protocol text, subject text, status text, channel text, contact_external_id text,
          upstream_created_at timestamptz, upstream_updated_at timestamptz, closed_at timestamptz, raw jsonb, deleted_upstream boolean)
        ON CONFLICT (client_id, external_uuid) DO UPDATE SET
          protocol = excluded.protocol, subject = excluded.subject, status = excluded.status,
          channel = excluded.channel, contact_external_id = excluded.contact_external_id,
          upstream_created_at = excluded.upstream_created_at, upstream_updated_at = excluded.upstream_updated_at,
          closed_at = excluded.closed_at, raw = excluded.raw, imported_at = excluded.imported_at,
          -- Listed upstream again: not deleted. Its messages answering 404 again: deleted since the first time.
          deleted_at = CASE WHEN excluded.deleted_at IS NULL THEN NULL ELSE COALESCE(tickets.deleted_at, excluded.deleted_at) END
        -- A writer holding an older version (a direct embedded call racing a job) never overwrites a newer one.
        WHERE tickets.upstream_updated_at <= excluded.upstream_updated_at
        RETURNING id, external_uuid
      ), inserted AS (
      INSERT INTO messages (client_id, ticket_id, external_id, direction, type, body, media_url, sender_name, sent_at, raw)
      SELECT $1::uuid, saved.id, m.external_id, m.direction, m.type, m.body, m.media_url, m.sender_name, m.sent_at, m.raw
      FROM jsonb_to_recordset($3::jsonb) AS m(
        external_id text, ticket_uuid text, direction text, type text, body text, media_url text,
        sender_name text, sent_at timestamptz, raw jsonb)
      JOIN saved ON saved.external_uuid = m.ticket_uuid
      -- Messages are append-only upstream: a stored one that differs was altered in the database, and is restored.
      ON CONFLICT (client_id, external_id) DO UPDATE SET
        ticket_id = excluded.ticket_id, direction = excluded.direction, type = excluded.type, body = excluded.body,
        media_url = excluded.media_url, sender_name = excluded.sender_name, sent_at = excluded.sent_at, raw = excluded.raw
      WHERE (messages.ticket_id, messages.direction, messages.type, messages.body, messages.media_url, messages.sender_name, messages.sent_at, messages.raw)
            IS DISTINCT FROM (excluded.ticket_id, excluded.direction, excluded.type, excluded.body, excluded.media_url, excluded.sender_name, excluded.sent_at, excluded.raw)
      RETURNING 1
      )
      SELECT (SELECT count(*) FROM saved)::int AS tickets, (SELECT count(*) FROM inserted)::int AS messages`,
      [clientId, JSON.stringify(tickets), JSON.stringify(messages)],
    );
    this.metrics.stored('tickets', rows[0]!.tickets);
    this.metrics.stored('messages', rows[0]!.messages);
  }

  async flagDeleted(clientId: string, ticketUuids: string[]): Promise<void> {
    if (ticketUuids.length === 0) return;
    await this.pool.query('UPDATE tickets SET deleted_at = now() WHERE client_id = $1::uuid AND external_uuid = ANY($2::text[]) AND deleted_at IS NULL', [clientId, ticketUuids]);
  }
}
