import { expect } from 'chai';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../../src/application/tokens.js';
import type { TicketStore } from '../../../src/domain/ports/ticket-store.port.js';
import type { Message, Ticket } from '../../../src/domain/tickets/ticket.js';
import { closeContainer } from '../../../src/infrastructure/container.js';
import { insertClient, sql, truncateAll } from '../../support/database.js';
import { makeTestContainer } from '../../support/test-container.js';

function ticket(uuid: string, updatedAt: string, extra: Partial<Ticket> = {}): Ticket {
  return {
    uuid,
    protocol: `P-${uuid}`,
    subject: 'Pedido não entregue 😕',
    status: 'open',
    channel: 'whatsapp',
    contactId: 'c-1',
    createdAt: new Date('2026-11-01T00:00:00.000Z'),
    updatedAt: new Date(updatedAt),
    closedAt: null,
    raw: { uuid, updatedAt, somethingNew: { nested: [1, 2] } },
    ...extra,
  };
}

function message(id: string, ticketUuid: string): Message {
  return { id, ticketUuid, direction: 'in', type: 'text', body: 'Olá 👋', mediaUrl: null, senderName: 'João', createdAt: new Date('2026-11-02T10:00:00.123Z'), raw: { id, extra: true } };
}

describe('PgTicketStore', () => {
  let container: DependencyContainer;
  let store: TicketStore;

  beforeEach(async () => {
    await truncateAll();
    ({ container } = makeTestContainer());
    store = container.resolve<TicketStore>(TOKENS.TicketStore);
  });
  afterEach(() => closeContainer(container));

  it('when a page is saved twice, then each ticket and message exists once with every column filled', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    const entries = [
      { ticket: ticket('t-1', '2026-11-28T12:30:05.120Z'), messages: [message('m-1', 't-1'), message('m-2', 't-1')] },
      { ticket: ticket('t-2', '2026-11-28T12:31:00.000Z'), messages: [] },
    ];

    await store.save(clientId, entries);
    await store.save(clientId, entries);

    const tickets = await sql().query('SELECT * FROM tickets WHERE client_id = $1 ORDER BY external_uuid', [clientId]);
    const messages = await sql().query('SELECT m.*, t.external_uuid FROM messages m JOIN tickets t ON t.id = m.ticket_id ORDER BY m.external_id');
    expect(tickets.rows).to.have.length(2);
    expect(tickets.rows[0]).to.include({ protocol: 'P-t-1', subject: 'Pedido não entregue 😕', status: 'open', channel: 'whatsapp', contact_external_id: 'c-1' });
    expect(tickets.rows[0].upstream_updated_at.toISOString()).to.equal('2026-11-28T12:30:05.120Z');
    expect(tickets.rows[0].raw).to.deep.equal({ uuid: 't-1', updatedAt: '2026-11-28T12:30:05.120Z', somethingNew: { nested: [1, 2] } });
    expect(messages.rows.map((m) => [m.external_id, m.external_uuid, m.body, m.sender_name])).to.deep.equal([
      ['m-1', 't-1', 'Olá 👋', 'João'],
      ['m-2', 't-1', 'Olá 👋', 'João'],
    ]);
    expect(messages.rows[0].sent_at.toISOString()).to.equal('2026-11-02T10:00:00.123Z');
  });

  it('when a ticket is saved again with a new version, then its row is updated in place and new messages are added', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    await store.save(clientId, [{ ticket: ticket('t-1', '2026-11-28T12:00:00.000Z'), messages: [message('m-1', 't-1')] }]);

    await store.save(clientId, [{ ticket: ticket('t-1', '2026-11-28T13:00:00.000Z', { status: 'closed' }), messages: [message('m-1', 't-1'), message('m-2', 't-1')] }]);

    const states = await store.findStates(clientId, ['t-1', 't-unknown']);
    expect([...states.keys()]).to.deep.equal(['t-1']);
    expect(states.get('t-1')!.updatedAt.toISOString()).to.equal('2026-11-28T13:00:00.000Z');
    expect(states.get('t-1')!.messageCount).to.equal(2);
    const { rows } = await sql().query('SELECT status FROM tickets');
    expect(rows).to.deep.equal([{ status: 'closed' }]);
  });

  it('when a ticket is saved deleted upstream, then deleted_at is set, kept from the first time, and cleared when it is saved with its messages again', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    const deletedAt = async () => (await sql().query('SELECT deleted_at FROM tickets WHERE external_uuid = $1', ['t-1'])).rows[0].deleted_at as Date | null;
    await store.save(clientId, [{ ticket: ticket('t-1', '2026-11-28T12:30:05.120Z'), messages: [message('m-1', 't-1')] }]);
    expect(await deletedAt()).to.equal(null);

    await store.save(clientId, [{ ticket: ticket('t-1', '2026-11-28T12:30:05.120Z'), messages: [], deletedUpstream: true }]);
    const first = await deletedAt();
    await store.save(clientId, [{ ticket: ticket('t-1', '2026-11-28T12:30:05.120Z'), messages: [], deletedUpstream: true }]);
    const states = await store.findStates(clientId, ['t-1']);

    expect(first).to.be.instanceOf(Date);
    expect((await deletedAt())!.getTime()).to.equal(first!.getTime());
    expect(states.get('t-1')).to.deep.include({ deleted: true, messageCount: 1 });
    await store.save(clientId, [{ ticket: ticket('t-1', '2026-11-28T12:30:05.120Z'), messages: [message('m-1', 't-1')] }]);
    expect(await deletedAt()).to.equal(null);
  });

  it('when a stored message differs from the one saved (altered in the database), then it is restored; flagDeleted flags only the tickets not flagged yet', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    await store.save(clientId, [{ ticket: ticket('t-1', '2026-11-28T12:30:05.120Z'), messages: [message('m-1', 't-1'), message('m-2', 't-1')] }]);
    await sql().query(`UPDATE messages SET body = 'edited by hand', sender_name = NULL WHERE external_id = 'm-2'`);

    await store.save(clientId, [{ ticket: ticket('t-1', '2026-11-28T12:30:05.120Z'), messages: [message('m-1', 't-1'), message('m-2', 't-1')] }]);
    await store.flagDeleted(clientId, ['t-1', 'no-such-ticket']);

    const { rows } = await sql().query('SELECT external_id, body, sender_name FROM messages ORDER BY external_id');
    expect(rows).to.deep.equal([
      { external_id: 'm-1', body: 'Olá 👋', sender_name: 'João' },
      { external_id: 'm-2', body: 'Olá 👋', sender_name: 'João' },
    ]);
    expect((await store.findStates(clientId, ['t-1'])).get('t-1')!.deleted).to.equal(true);
  });

  it('when two clients have the same upstream ids, then neither sees the other rows', async () => {
    const acme = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    const globex = await insertClient({ slug: 'globex', apiBaseUrl: 'https://globex.example' });

    await store.save(acme, [{ ticket: ticket('t-1', '2026-11-28T12:00:00.000Z'), messages: [message('m-1', 't-1')] }]);
    await store.save(globex, [{ ticket: ticket('t-1', '2026-11-28T12:00:00.000Z', { subject: 'globex' }), messages: [message('m-1', 't-1')] }]);

    const { rows } = await sql().query('SELECT client_id, count(*)::int AS n FROM messages GROUP BY client_id ORDER BY client_id');
    expect(rows).to.have.length(2);
    expect((await store.findStates(acme, ['t-1'])).get('t-1')!.messageCount).to.equal(1);
    const subjects = await sql().query('SELECT subject FROM tickets WHERE client_id = $1', [acme]);
    expect(subjects.rows).to.deep.equal([{ subject: 'Pedido não entregue 😕' }]);
  });

  it('when a ticket is saved without fetched messages, then its stored messages are kept', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    await store.save(clientId, [{ ticket: ticket('t-1', '2026-11-28T12:00:00.000Z'), messages: [message('m-1', 't-1')] }]);

    await store.save(clientId, [{ ticket: ticket('t-1', '2026-11-28T12:00:00.000Z'), messages: null }]);

    expect((await store.findStates(clientId, ['t-1'])).get('t-1')!.messageCount).to.equal(1);
  });
});
