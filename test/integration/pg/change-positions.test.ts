import { expect } from 'chai';
import pg from 'pg';
import { PgChangeFeed, CHANGES_CHANNEL } from '../../../src/infrastructure/pg/pg-change-feed.js';
import { consumeChanges, type ChangedTable } from '../../../tools/change-feed/consume-changes.js';
import { insertClient, sql, testDatabaseUrl, truncateAll } from '../../support/database.js';
import { waitFor } from '../../support/wait-for.js';

async function insertTicket(db: pg.ClientBase | pg.Pool, clientId: string, uuid: string): Promise<void> {
  await db.query(`INSERT INTO tickets (client_id, external_uuid, upstream_updated_at, raw) VALUES ($1, $2, now(), '{}')`, [clientId, uuid]);
}

async function readAll(table: ChangedTable, position: string): Promise<{ uuids: string[]; position: string }> {
  const uuids: string[] = [];
  const next = await consumeChanges(sql(), table, position, (rows) => {
    uuids.push(...rows.map((r) => String(r.external_uuid ?? r.external_id)));
  }, 2);
  return { uuids, position: next };
}

describe('Change positions (change_xid) and the change feed on PostgreSQL', () => {
  let clientId: string;
  beforeEach(async () => {
    await truncateAll();
    clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example/api/v1/' });
  });

  it('when a transaction that began first commits after a later one, then a consumer still reads its row (a sequence would skip it)', async () => {
    const early = new pg.Client({ connectionString: testDatabaseUrl() });
    await early.connect();
    try {
      await early.query('BEGIN');
      await insertTicket(early, clientId, 't-early');
      await insertTicket(sql(), clientId, 't-late');

      const first = await readAll('tickets', '0');
      await early.query('COMMIT');
      const second = await readAll('tickets', first.position);

      expect(first.uuids).to.deep.equal([]);
      expect(second.uuids.sort()).to.deep.equal(['t-early', 't-late']);
    } finally {
      await early.end();
    }
  });

  it('when rows are read in batches smaller than the change, then every row is read once and the position moves past them', async () => {
    for (let i = 0; i < 5; i++) await insertTicket(sql(), clientId, `t-${i}`);
    await sql().query(`INSERT INTO tickets (client_id, external_uuid, upstream_updated_at, raw) SELECT $1, 'bulk-' || g, now(), '{}' FROM generate_series(1, 7) g`, [clientId]);

    const first = await readAll('tickets', '0');
    const again = await readAll('tickets', first.position);

    expect(first.uuids).to.have.length(12);
    expect(new Set(first.uuids).size).to.equal(12);
    expect(again.uuids).to.deep.equal([]);
  });

  it('when a contact is rewritten with the same data (a pass seeing it again), then its position stays; when its data changes or it is flagged deleted, then it moves', async () => {
    await sql().query(`INSERT INTO contacts (client_id, external_id, name, raw) VALUES ($1, 'c-1', 'Ana', '{}')`, [clientId]);
    const position = async () => (await sql().query<{ change_xid: string }>(`SELECT change_xid FROM contacts WHERE external_id = 'c-1'`)).rows[0]!.change_xid;
    const inserted = await position();

    await sql().query(`UPDATE contacts SET seen_in_pass = seen_in_pass + 1, updated_at = now(), name = 'Ana' WHERE external_id = 'c-1'`);
    const rewritten = await position();
    await sql().query(`UPDATE contacts SET name = 'Ana Maria' WHERE external_id = 'c-1'`);
    const renamed = await position();
    await sql().query(`UPDATE contacts SET deleted_at = now() WHERE external_id = 'c-1'`);
    const deleted = await position();

    expect(rewritten).to.equal(inserted);
    expect(BigInt(renamed) > BigInt(inserted)).to.equal(true);
    expect(BigInt(deleted) > BigInt(renamed)).to.equal(true);
  });

  it('when a ticket’s data changes or its messages change, then their positions move; an unchanged message keeps its own', async () => {
    await insertTicket(sql(), clientId, 't-1');
    const ticketId = (await sql().query<{ id: string }>(`SELECT id FROM tickets`)).rows[0]!.id;
    await sql().query(`INSERT INTO messages (client_id, ticket_id, external_id, body, raw) VALUES ($1, $2, 'm-1', 'olá', '{}')`, [clientId, ticketId]);
    const { position } = await readAll('messages', '0');

    await sql().query(`UPDATE messages SET body = 'olá' WHERE external_id = 'm-1'`);
    const unchanged = await readAll('messages', position);
    await sql().query(`UPDATE messages SET body = 'olá!' WHERE external_id = 'm-1'`);
    await sql().query(`UPDATE tickets SET subject = 'Pedido' WHERE id = $1`, [ticketId]);
    const changed = await readAll('messages', position);
    const ticket = await readAll('tickets', position);

    expect(unchanged.uuids).to.deep.equal([]);
    expect(changed.uuids).to.deep.equal(['m-1']);
    expect(ticket.uuids).to.deep.equal(['t-1']);
  });

  it('when a change is announced, then a LISTEN connection receives its payload as JSON, far below the 8,000-byte limit', async () => {
    const listener = new pg.Client({ connectionString: testDatabaseUrl() });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query(`LISTEN ${CHANGES_CHANNEL}`);
    try {
      const slug = 'a'.repeat(200);
      await new PgChangeFeed(sql()).announce({ clientId, slug, kind: 'import', runId: '7d4e1d8e-0000-4000-8000-000000000001', tickets: 3, messages: 9, contacts: 0, deletedTickets: 1, deletedContacts: 0, cursor: '2026-11-28T10:00:00.000Z' });
      await waitFor(async () => heard.length > 0, 'the notification');

      expect(JSON.parse(heard[0]!)).to.deep.equal({
        clientId,
        slug,
        kind: 'import',
        runId: '7d4e1d8e-0000-4000-8000-000000000001',
        stored: { tickets: 3, messages: 9, contacts: 0 },
        deleted: { tickets: 1, contacts: 0 },
        cursor: '2026-11-28T10:00:00.000Z',
      });
      expect(Buffer.byteLength(heard[0]!)).to.be.below(1000);
    } finally {
      await listener.end();
    }
  });
});
