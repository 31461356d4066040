import type { TicketPageQuery } from '../../domain/ports/ticket-source.port.js';
import type { Ticket } from '../../domain/tickets/ticket.js';

/**
 * Walks the upstream's ticket listing by keyset instead of bare page numbers: a ticket updated
 * mid-scan moves to the end of the order and shifts every later page, so page N+1 of the
 * original query would skip one. Each next request starts again from the last `updatedAt`
 * seen (inclusive) and skips the uuids already taken at that instant.
 *
 * Only a group of tickets sharing one `updatedAt` and spanning several pages has to be walked
 * by page number, and there the same shift can happen: a ticket of an earlier page updated
 * meanwhile leaves the group and the later offsets move by one. So a group walked over several
 * pages is walked again from its first page until two walks list the same tickets (a group at a
 * past instant can only shrink, so this ends), and nothing newer than the group is returned —
 * hence no checkpoint moves past it — until then.
 */
export class TicketKeyset {
  private from: Date;
  private page = 1;
  /** Uuids at `from` already returned. */
  private taken = new Set<string>();
  /** Uuids at `from` listed since page 1 of the current walk of the group. */
  private walk = new Set<string>();
  private previousWalk: Set<string> | null = null;
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
    const fresh = items.filter((t) => !(this.atFrom(t) && this.taken.has(t.uuid)));
    const group = items.filter((t) => this.atFrom(t));
    for (const t of group) {
      this.walk.add(t.uuid);
      this.taken.add(t.uuid);
    }

    if (items.length === this.limit && group.length === items.length) {
      this.page += 1;
      return fresh;
    }
    if (this.page > 1 && !sameSet(this.previousWalk, this.walk)) {
      this.previousWalk = this.walk;
      this.walk = new Set();
      this.page = 1;
      return fresh.filter((t) => this.atFrom(t));
    }

    this.previousWalk = null;
    this.walk = new Set();
    const last = items.at(-1);
    if (items.length < this.limit || !last) {
      this.finished = true;
      return fresh;
    }
    this.from = last.updatedAt;
    this.page = 1;
    this.taken = new Set(items.filter((t) => this.atFrom(t)).map((t) => t.uuid));
    return fresh;
  }

  private atFrom(ticket: Ticket): boolean {
    return ticket.updatedAt.getTime() === this.from.getTime();
  }
}

function sameSet(a: Set<string> | null, b: Set<string>): boolean {
  return a !== null && a.size === b.size && [...a].every((uuid) => b.has(uuid));
}
