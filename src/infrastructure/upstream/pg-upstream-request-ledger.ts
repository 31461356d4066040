import type pg from 'pg';
import { inject, injectable } from 'tsyringe';
import { INFRA_TOKENS } from '../infra-tokens.js';
import type { LedgerBlock, LedgerWrite, UpstreamRequestLedger } from './upstream-request-ledger.js';

interface BlockRow {
  holder: string;
  block: number;
  permits: number;
  held_for_ms: number;
}

// Expired rows of the client are dropped by the same statement; SKIP LOCKED so that two processes
// pruning one client never wait on each other. A row this statement rewrites is left to the upsert.
const PRUNE = `
  DELETE FROM upstream_request_ledger WHERE ctid IN (
    SELECT ctid FROM upstream_request_ledger
    WHERE client_id = $1 AND held_until <= now() AND NOT (holder = $2 AND block = ANY($3::int[]))
    FOR UPDATE SKIP LOCKED)`;

const HELD = `
  SELECT holder, block, permits, (extract(epoch FROM held_until - now()) * 1000)::float8 AS held_for_ms
  FROM upstream_request_ledger
  WHERE client_id = $1 AND holder IS DISTINCT FROM $2 AND held_until > now() AND permits > 0`;

const RECORD = `
  WITH pruned AS (${PRUNE}),
  written AS (
    INSERT INTO upstream_request_ledger (client_id, holder, block, permits, held_until)
    SELECT $1, $2, w.block, w.permits, now() + w.held_ms * interval '1 millisecond'
    FROM unnest($3::int[], $4::int[], $5::float8[]) AS w(block, permits, held_ms)
    ON CONFLICT (client_id, holder, block) DO UPDATE SET permits = excluded.permits, held_until = excluded.held_until
  )
  ${HELD}`;

/** The ledger in PostgreSQL (`upstream_request_ledger`): one statement per call, on the database's clock. */
@injectable()
export class PgUpstreamRequestLedger implements UpstreamRequestLedger {
  constructor(@inject(INFRA_TOKENS.Pool) private readonly pool: pg.Pool) {}

  async held(clientId: string): Promise<LedgerBlock[]> {
    const { rows } = await this.pool.query<BlockRow>(`WITH pruned AS (${PRUNE}) ${HELD}`, [clientId, null, []]);
    return rows.map(toBlock);
  }

  async record(clientId: string, holder: string, writes: LedgerWrite[]): Promise<LedgerBlock[]> {
    const { rows } = await this.pool.query<BlockRow>(RECORD, [
      clientId,
      holder,
      writes.map((w) => w.block),
      writes.map((w) => w.permits),
      writes.map((w) => Math.max(0, w.heldForMs)),
    ]);
    return rows.map(toBlock);
  }
}

function toBlock(row: BlockRow): LedgerBlock {
  return { holder: row.holder, block: row.block, permits: row.permits, heldForMs: row.held_for_ms };
}
