import type { Client } from '../../domain/clients/client.js';
import { ReconcileNotPossibleError } from '../../domain/errors.js';
import type { TicketSource } from '../../domain/ports/ticket-source.port.js';
import { TicketKeyset } from '../import-tickets/ticket-keyset.js';

/** The upstream's page size limit: listings are read in pages of this many. */
export const LISTING_PAGE = 100;
/** A tail longer than this many pages means the cursor is far behind: counting waits for an import instead. */
export const MAX_TAIL_PAGES = 10;
/** A stretch listed in full to tell which tickets differ spans at most this many pages; a wider one is left to its counts. */
export const MAX_STRETCH_PAGES = 3;

/** The tickets listed at or after an instant: how many, and which. */
export interface UpstreamTail {
  count: number;
  uuids: string[];
}

/**
 * The upstream's ticket counts of one client, from `meta.total` of one-ticket listings (one
 * request each, remembered per instant), the tail past the cursor listed in full, and the
 * tickets of a small stretch listed in full.
 */
export class UpstreamTicketCounts {
  private readonly totals = new Map<number, Promise<number>>();

  constructor(
    private readonly source: TicketSource,
    private readonly client: Client,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Tickets with `updatedAt >= from`, as the upstream counts them. */
  from(from: Date): Promise<number> {
    let total = this.totals.get(from.getTime());
    if (!total) {
      total = this.list(from, 1, 1).then((page) => {
        if (page.total === null) throw new ReconcileNotPossibleError(`the upstream gives no meta.total for the tickets of client "${this.client.slug}": nothing to count against`);
        return page.total;
      });
      this.totals.set(from.getTime(), total);
    }
    return total;
  }

  /** Like `from`, counted again now. */
  async fresh(from: Date): Promise<number> {
    this.totals.delete(from.getTime());
    return this.from(from);
  }

  /**
   * The tickets listed at or after `from`, page by page (offset pages: a ticket moving while
   * they are read may be seen twice or not at all, which a second count catches). Null when
   * there are more than MAX_TAIL_PAGES pages of them.
   */
  async tail(from: Date): Promise<UpstreamTail | null> {
    const uuids = new Set<string>();
    for (let page = 1; page <= MAX_TAIL_PAGES; page += 1) {
      const listed = await this.list(from, page, LISTING_PAGE);
      for (const ticket of listed.items) uuids.add(ticket.uuid);
      if (listed.items.length < LISTING_PAGE) return { count: uuids.size, uuids: [...uuids] };
    }
    return null;
  }

  /**
   * The tickets updated in [from, to] (uuid → `updatedAt`), walked by keyset as an import
   * walks (a ticket updated meanwhile moves past `to`, and is never skipped otherwise), until
   * `expected` of them are listed (no ticket can join a stretch behind the cursor: its tickets
   * only leave it) or the listing passes `to`. Null when the stretch spans more than
   * MAX_STRETCH_PAGES pages.
   */
  async stretch(from: Date, to: Date, expected: number): Promise<Map<string, Date> | null> {
    const keyset = new TicketKeyset(from, LISTING_PAGE);
    const listed = new Map<string, Date>();
    for (let pages = 0; !keyset.done && keyset.query().updatedAtFrom <= to && listed.size < expected; pages += 1) {
      if (pages === MAX_STRETCH_PAGES) return null;
      const query = keyset.query();
      const page = await this.list(query.updatedAtFrom, query.page, LISTING_PAGE);
      for (const ticket of keyset.advance(page.items)) if (ticket.updatedAt <= to) listed.set(ticket.uuid, ticket.updatedAt);
    }
    return listed;
  }

  private list(from: Date, page: number, limit: number) {
    return this.source.listTickets(this.client, { updatedAtFrom: from, page, limit }, this.signal);
  }
}
