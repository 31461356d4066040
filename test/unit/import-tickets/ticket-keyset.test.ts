import { expect } from 'chai';
import { TicketKeyset } from '../../../src/application/import-tickets/ticket-keyset.js';
import { aTicket, at, manyTickets } from '../../fakes/builders.js';

describe('TicketKeyset', () => {
  it('when just started, then it asks for page 1 from the start instant', () => {
    const keyset = new TicketKeyset(at(5), 10);

    const query = keyset.query();

    expect(query).to.deep.equal({ updatedAtFrom: at(5), page: 1, limit: 10 });
    expect(keyset.done).to.equal(false);
  });

  it('when a full page ends on a later instant, then the next query starts at that instant, page 1', () => {
    const keyset = new TicketKeyset(at(0), 3);

    const fresh = keyset.advance(manyTickets(3, (i) => at(i)));

    expect(fresh.map((t) => t.uuid)).to.deep.equal(['t-0001', 't-0002', 't-0003']);
    expect(keyset.query()).to.deep.equal({ updatedAtFrom: at(3), page: 1, limit: 3 });
    expect(keyset.done).to.equal(false);
  });

  it('when the next page repeats tickets already taken at its start instant, then they are not returned again', () => {
    const keyset = new TicketKeyset(at(0), 3);
    keyset.advance([aTicket({ uuid: 'a', updatedAt: at(1) }), aTicket({ uuid: 'b', updatedAt: at(2) }), aTicket({ uuid: 'c', updatedAt: at(2) })]);

    const fresh = keyset.advance([aTicket({ uuid: 'b', updatedAt: at(2) }), aTicket({ uuid: 'c', updatedAt: at(2) }), aTicket({ uuid: 'd', updatedAt: at(2) })]);

    expect(fresh.map((t) => t.uuid)).to.deep.equal(['d']);
  });

  it('when a whole page shares the start instant, then the page number grows instead of the instant', () => {
    const keyset = new TicketKeyset(at(7), 2);

    keyset.advance([aTicket({ uuid: 'a', updatedAt: at(7) }), aTicket({ uuid: 'b', updatedAt: at(7) })]);

    expect(keyset.query()).to.deep.equal({ updatedAtFrom: at(7), page: 2, limit: 2 });
  });

  it('when a ticket taken at the start instant comes back with a newer updatedAt, then it is returned again', () => {
    const keyset = new TicketKeyset(at(0), 2);
    keyset.advance([aTicket({ uuid: 'a', updatedAt: at(1) }), aTicket({ uuid: 'b', updatedAt: at(2) })]);

    const fresh = keyset.advance([aTicket({ uuid: 'c', updatedAt: at(3) }), aTicket({ uuid: 'b', updatedAt: at(9) })]);

    expect(fresh.map((t) => t.uuid)).to.deep.equal(['c', 'b']);
  });

  it('when a page is shorter than the limit, then the walk is done', () => {
    const keyset = new TicketKeyset(at(0), 3);

    const fresh = keyset.advance(manyTickets(2, (i) => at(i)));

    expect(fresh).to.have.length(2);
    expect(keyset.done).to.equal(true);
  });

  it('when a page is empty, then the walk is done', () => {
    const keyset = new TicketKeyset(at(0), 3);

    const fresh = keyset.advance([]);

    expect(fresh).to.deep.equal([]);
    expect(keyset.done).to.equal(true);
  });
});
