import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import { TicketGoneUpstreamError } from '../../domain/errors.js';
import type { CursorStore } from '../../domain/ports/cursor-store.port.js';
import type { ListedPage } from '../../domain/ports/page-query.js';
import type { TicketSource } from '../../domain/ports/ticket-source.port.js';
import type { TicketStore } from '../../domain/ports/ticket-store.port.js';
import { CURSOR_KEYS } from '../../domain/sync-cursor.js';
import type { Message, StoredTicketState, Ticket, TicketWithMessages } from '../../domain/tickets/ticket.js';
import type { ImportSettings } from '../settings.js';
import { TOKENS } from '../tokens.js';
import { TicketKeyset } from './ticket-keyset.js';

export interface ImportTicketsReport {
  pages: number;
  tickets: number;
  messages: number;
  /** Tickets deleted upstream between their listing and their messages. */
  skippedTickets: number;
  /** Tickets walked so far, changed or not (each once). */
  listedTickets: number;
  /**
   * The upstream's count of tickets updated since the cursor, as the run began: what
   * `listedTickets` heads for (an estimate, as tickets change while they are walked). Null
   * when the upstream gives no count.
   */
  expectedTickets: number | null;
  cursorBefore: string | null;
  cursorAfter: string | null;
}

const BEGINNING_OF_TIME = new Date(0);

/** Imports a client's tickets updated since its cursor, with their messages. */
@injectable()
export class ImportTicketsUseCase {
  constructor(
    @inject(TOKENS.TicketSource) private readonly tickets: TicketSource,
    @inject(TOKENS.TicketStore) private readonly store: TicketStore,
    @inject(TOKENS.CursorStore) private readonly cursors: CursorStore,
    @inject(TOKENS.ImportSettings) private readonly settings: ImportSettings,
  ) {}

  async execute(client: Client, onProgress: (report: ImportTicketsReport) => Promise<void> = async () => {}): Promise<ImportTicketsReport> {
    const cursor = await this.cursors.get(client.id, CURSOR_KEYS.ticketsLastImportAt);
    const report: ImportTicketsReport = { pages: 0, tickets: 0, messages: 0, skippedTickets: 0, listedTickets: 0, expectedTickets: null, cursorBefore: cursor, cursorAfter: cursor };
    const keyset = new TicketKeyset(cursor ? new Date(cursor) : (this.settings.importStartAt ?? BEGINNING_OF_TIME), this.settings.pageSize);

    let page: Promise<ListedPage<Ticket>> | null = this.tickets.listTickets(client, keyset.query());
    let first = true;
    // Storing a page overlaps fetching the next one's messages; pages are still stored, and
    // checkpointed, strictly in order.
    let storing: Promise<void> = Promise.resolve();
    try {
      while (page) {
        const listed = await page;
        if (first) report.expectedTickets = listed.total;
        first = false;
        const fresh = keyset.advance(listed.items);
        // The next page's query is known as soon as this one is listed: fetch it while this one's messages load.
        page = keyset.done ? null : quiet(this.tickets.listTickets(client, keyset.query()));
        // A failed store (or a stop asked for at its checkpoint: cancel, shutdown) ends the run now,
        // not after this page's messages have all been fetched.
        const entries = await Promise.race([this.fetchChanged(client, fresh, report), rejectionOf(storing)]);
        await storing;
        storing = quiet(this.storeAndCheckpoint(client, fresh, entries, report, onProgress));
      }
      await storing;
    } catch (error) {
      // Never return while a page is still being written: the caller releases the client's lock.
      await storing.catch(() => {});
      throw error;
    }
    return report;
  }

  /** The page's tickets that are new or changed since stored, each with its messages not yet stored. */
  private async fetchChanged(client: Client, tickets: Ticket[], report: ImportTicketsReport): Promise<TicketWithMessages[]> {
    if (tickets.length === 0) return [];
    const stored = await this.store.findStates(client.id, tickets.map((t) => t.uuid));
    const changed = tickets.filter((t) => stored.get(t.uuid)?.updatedAt.getTime() !== t.updatedAt.getTime());
    return Promise.all(changed.map(async (ticket) => ({ ticket, messages: await this.fetchNewMessages(client, ticket, stored.get(ticket.uuid), report) })));
  }

  /** Checkpoint: the cursor becomes the newest `updatedAt` of the page, now that all of it is stored. */
  private async storeAndCheckpoint(
    client: Client,
    fresh: Ticket[],
    entries: TicketWithMessages[],
    report: ImportTicketsReport,
    onProgress: (report: ImportTicketsReport) => Promise<void>,
  ): Promise<void> {
    await this.store.save(client.id, entries);
    report.pages += 1;
    report.listedTickets += fresh.length;
    report.tickets += entries.length;
    report.messages += entries.reduce((sum, e) => sum + (e.messages?.length ?? 0), 0);
    const newest = fresh.at(-1)?.updatedAt;
    if (newest && (!report.cursorAfter || newest > new Date(report.cursorAfter))) {
      report.cursorAfter = newest.toISOString();
      await this.cursors.set(client.id, CURSOR_KEYS.ticketsLastImportAt, report.cursorAfter);
    }
    await onProgress(report);
  }

  /**
   * Messages are append-only, so pages already stored in full need no refetch: start at the
   * page holding the first message not yet stored.
   */
  private async fetchNewMessages(client: Client, ticket: Ticket, stored: StoredTicketState | undefined, report: ImportTicketsReport): Promise<Message[]> {
    const limit = this.settings.pageSize;
    const messages: Message[] = [];
    try {
      for (let page = Math.floor((stored?.messageCount ?? 0) / limit) + 1; ; page += 1) {
        const items = await this.tickets.listMessages(client, ticket.uuid, { page, limit });
        messages.push(...items);
        if (items.length < limit) return messages;
      }
    } catch (error) {
      if (!(error instanceof TicketGoneUpstreamError)) throw error;
      report.skippedTickets += 1;
      return [];
    }
  }
}

/**
 * Rejects as `promise` does, and never settles if it fulfils. Made afresh for each page: one
 * long-lived never-settling promise would gather a reaction per page, each holding that page's
 * tickets and messages, and so keep every page of the import in memory.
 */
function rejectionOf(promise: Promise<unknown>): Promise<never> {
  return new Promise((_, reject) => {
    promise.catch(reject);
  });
}

/** A prefetch that may be abandoned when the current page fails must not become an unhandled rejection. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
