import type { TicketPageQuery } from '../../domain/ports/ticket-source.port.js';
import type { Ticket } from '../../domain/tickets/ticket.js';

/**
 * Walks the upstream's ticket listing by keyset instead of bare page numbers: a ticket updated
 * mid-scan moves to the end of the order and shifts every later page, so page N+1 of the
 * original query would skip one. Each next request starts again from the last `updatedAt`
 * seen (inclusive) and skips the uuids already taken at that instant; the page number grows
 * only while an entire page shares one `updatedAt`.
 */
export class TicketKeyset {
  private from: Date;
  private page = 1;
  private takenAtFrom = new Set<string>();
  private finished = false;

  constructor(
    start: Date,
    private readonly limit: number,
  ) {
    this.from = start;
  }

  get done(): boolean {
    return this.finished;
  }

  query(): TicketPageQuery {
    return { updatedAtFrom: this.from, page: this.page, limit: this.limit };
  }

  /** Takes the page answered to `query()`; returns its tickets not yet taken, and moves on. */
  advance(items: Ticket[]): Ticket[] {
    const fresh = items.filter((t) => !(sameInstant(t.updatedAt, this.from) && this.takenAtFrom.has(t.uuid)));
    const last = items.at(-1);
    if (items.length < this.limit || !last) {
      this.finished = true;
      return fresh;
    }
    if (sameInstant(last.updatedAt, this.from)) {
      this.page += 1;
    } else {
      this.from = last.updatedAt;
      this.page = 1;
      this.takenAtFrom = new Set();
    }
    for (const t of items) if (sameInstant(t.updatedAt, this.from)) this.takenAtFrom.add(t.uuid);
    return fresh;
  }
}

function sameInstant(a: Date, b: Date): boolean {
  return a.getTime() === b.getTime();
}
