import type pg from 'pg';

/** The tables that carry a change position (`change_xid`). */
export type ChangedTable = 'tickets' | 'messages' | 'contacts';

/**
 * The consumer example of the README ("Change feed"): reads every row of `table` changed since
 * `position` (a string holding a bigint; '0' the first time), in batches, and returns the
 * position to pass next time. No row is missed, even one written by a transaction that commits
 * after a later one: the read stops below the oldest transaction still in progress, so every
 * row under the returned position was committed before the read began. A row changed again
 * meanwhile is read again later, at its new position (the read is at-least-once, by row id).
 */
export async function consumeChanges(
  db: pg.ClientBase | pg.Pool,
  table: ChangedTable,
  position: string,
  onBatch: (rows: Record<string, unknown>[]) => Promise<void> | void,
  batchSize = 1000,
): Promise<string> {
  const { rows: bounds } = await db.query<{ upto: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS upto');
  const upto = bounds[0]!.upto;
  let after = { xid: position, id: '00000000-0000-0000-0000-000000000000' };
  for (;;) {
    const { rows } = await db.query(
      `SELECT * FROM ${table}
       WHERE change_xid >= $1::bigint AND change_xid < $2::bigint AND (change_xid, id) > ($3::bigint, $4::uuid)
       ORDER BY change_xid, id
       LIMIT $5`,
      [position, upto, after.xid, after.id, batchSize],
    );
    if (rows.length > 0) await onBatch(rows);
    if (rows.length < batchSize) return BigInt(upto) > BigInt(position) ? upto : position;
    const last = rows.at(-1)!;
    after = { xid: String(last.change_xid), id: String(last.id) };
  }
}
