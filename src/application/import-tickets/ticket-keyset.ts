import type { TicketPageQuery } from '../../domain/ports/ticket-source.port.js';
import type { Ticket } from '../../domain/tickets/ticket.js';
import { NEXT_INSTANT_MS } from '../../domain/tickets/updated-at.js';

/**
 * Walks the upstream's ticket listing by keyset instead of bare page numbers: a ticket updated
 * mid-scan moves to the end of the order and shifts every later page, so page N+1 of the
 * original query would skip one. Each next request starts again from the last `updatedAt`
 * seen (inclusive) and skips the uuids already taken at that instant.
 *
 * Only a group of tickets sharing one `updatedAt` and filling whole pages has to be walked by
 * page number, and there the same shift can happen: a ticket of an earlier page updated
 * meanwhile leaves the group and every later offset moves by one, the group's and those after
 * it. So a group walked over several pages is walked again from its first page until two walks
 * list the same tickets (a group at a past instant can only shrink, so this ends), nothing
 * newer than the group is taken from those shifted pages, and the walk then resumes at the
 * instant after the group.
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
    if (this.page > 1) return this.endGroupWalk(items, fresh);

    this.walk = new Set();
    const last = items.at(-1);
    if (items.length < this.limit || !last) {
      this.finished = true;
      return fresh;
    }
    this.moveTo(last.updatedAt);
    this.taken = new Set(items.filter((t) => this.atFrom(t)).map((t) => t.uuid));
    return fresh;
  }

  /** The group at `from` ended on this page, after several pages: walk it again, or leave it. */
  private endGroupWalk(items: Ticket[], fresh: Ticket[]): Ticket[] {
    const stable = this.previousWalk !== null && sameSet(this.previousWalk, this.walk);
    const inGroup = fresh.filter((t) => this.atFrom(t));
    if (!stable) {
      this.previousWalk = this.walk;
      this.walk = new Set();
      this.page = 1;
      return inGroup;
    }
    if (items.length < this.limit && inGroup.length === fresh.length && items.every((t) => this.atFrom(t))) {
      this.finished = true;
    } else {
      this.moveTo(new Date(this.from.getTime() + NEXT_INSTANT_MS));
      this.taken = new Set();
    }
    return inGroup;
  }

  private moveTo(instant: Date): void {
    this.from = instant;
    this.page = 1;
    this.walk = new Set();
    this.previousWalk = null;
  }

  private atFrom(ticket: Ticket): boolean {
    return ticket.updatedAt.getTime() === this.from.getTime();
  }
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((uuid) => b.has(uuid));
}
