import type pg from 'pg';
import { inject, injectable } from 'tsyringe';
import type { SampledTicket, StoredDataCensus, StoredTicketWindow } from '../../domain/ports/stored-data-census.port.js';
import { INFRA_TOKENS } from '../infra-tokens.js';

/** The window's tickets, as $1 = client id, $2 = from, $3 = to, $4 = uuids left out; served by the (client_id, upstream_updated_at) index. */
const IN_WINDOW = `client_id = $1::uuid AND upstream_updated_at BETWEEN $2::timestamptz AND $3::timestamptz
                   AND deleted_at IS NULL AND NOT (external_uuid = ANY($4::text[]))`;

@injectable()
export class PgStoredDataCensus implements StoredDataCensus {
  constructor(@inject(INFRA_TOKENS.Pool) private readonly pool: pg.Pool) {}

  async countTickets(clientId: string, window: StoredTicketWindow): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM tickets WHERE ${IN_WINDOW}`, params(clientId, window));
    return rows[0]!.count;
  }

  async ticketUuids(clientId: string, window: StoredTicketWindow): Promise<string[]> {
    const { rows } = await this.pool.query<{ uuid: string }>(`SELECT external_uuid AS uuid FROM tickets WHERE ${IN_WINDOW}`, params(clientId, window));
    return rows.map((r) => r.uuid);
  }

  async ticketUpdatedAtAt(clientId: string, window: StoredTicketWindow, index: number): Promise<Date | null> {
    const { rows } = await this.pool.query<{ updated_at: Date }>(
      `SELECT upstream_updated_at AS updated_at FROM tickets WHERE ${IN_WINDOW} ORDER BY upstream_updated_at, external_uuid OFFSET $5 LIMIT 1`,
      [...params(clientId, window), index],
    );
    return rows[0]?.updated_at ?? null;
  }

  async sampleTickets(clientId: string, window: StoredTicketWindow, size: number): Promise<SampledTicket[]> {
    if (size <= 0) return [];
    // The k-th of `size` picks is the ticket at rank floor((k + ½) · n / size): evenly spread, ends included.
    const { rows } = await this.pool.query<{ uuid: string; updated_at: Date; message_count: number }>(
      `WITH ranked AS (
         SELECT id, external_uuid, upstream_updated_at, row_number() OVER (ORDER BY upstream_updated_at, external_uuid) - 1 AS rank, count(*) OVER () AS n
         FROM tickets WHERE ${IN_WINDOW})
       SELECT r.external_uuid AS uuid, r.upstream_updated_at AS updated_at, (SELECT count(*)::int FROM messages m WHERE m.ticket_id = r.id) AS message_count
       FROM ranked r
       WHERE r.rank IN (SELECT DISTINCT floor((k + 0.5) * r.n / LEAST($5::bigint, r.n))::bigint FROM generate_series(0, LEAST($5::bigint, r.n) - 1) AS k)
       ORDER BY r.rank`,
      [...params(clientId, window), size],
    );
    return rows.map((r) => ({ uuid: r.uuid, updatedAt: r.updated_at, messageCount: r.message_count }));
  }

  async countLiveContacts(clientId: string): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM contacts WHERE client_id = $1::uuid AND deleted_at IS NULL', [clientId]);
    return rows[0]!.count;
  }
}

function params(clientId: string, window: StoredTicketWindow): unknown[] {
  return [clientId, window.from.toISOString(), window.to.toISOString(), window.except];
}
