import { setMaxListeners } from 'node:events';
import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import { TicketGoneUpstreamError } from '../../domain/errors.js';
import type { CursorStore } from '../../domain/ports/cursor-store.port.js';
import type { ListedPage } from '../../domain/ports/page-query.js';
import type { TicketSource } from '../../domain/ports/ticket-source.port.js';
import type { TicketStore } from '../../domain/ports/ticket-store.port.js';
import { CURSOR_KEYS } from '../../domain/sync-cursor.js';
import type { Message, StoredTicketState, Ticket, TicketWithMessages } from '../../domain/tickets/ticket.js';
import { importWindowStart, NEXT_INSTANT_MS } from '../../domain/tickets/updated-at.js';
import type { ImportSettings } from '../settings.js';
import { WriteBatcher } from '../shared/write-batcher.js';
import { TOKENS } from '../tokens.js';
import { Admission } from './admission.js';
import { OpenVersions } from './open-versions.js';
import { StoredPrefix } from './stored-prefix.js';
import { TicketKeyset } from './ticket-keyset.js';

export interface ImportTicketsReport {
  /** Pages of the ticket listing walked. */
  pages: number;
  /** Tickets stored, new or changed. */
  tickets: number;
  messages: number;
  /** Tickets deleted upstream between their listing and their messages. */
  skippedTickets: number;
  /** Tickets walked and settled (stored, or found unchanged), each once. */
  listedTickets: number;
  /**
   * The upstream's count of tickets updated since the cursor (up to the window's end, for a
   * backfill), as the run began: what `listedTickets` heads for (an estimate, as tickets change
   * while they are walked). Null when the upstream gives no count.
   */
  expectedTickets: number | null;
  cursorBefore: string | null;
  cursorAfter: string | null;
}

/** A listed ticket whose fate is known: its messages fetched (`entry`), or unchanged since stored (null). */
interface Settled {
  position: number;
  entry: TicketWithMessages | null;
}

/**
 * What an import walks. The default is the client's incremental import; a backfill (and a
 * reconcile's repair) walks a window of its own, with a checkpoint of its own, fetching every
 * listed ticket's messages again.
 */
export interface ImportScope {
  /** Where the walk starts when its checkpoint holds nothing yet. */
  from: Date;
  /** Inclusive end: tickets updated later are left to the incremental import. Null: no end. */
  to: Date | null;
  /** The `sync_cursors` key of the walk's checkpoint. */
  cursorKey: string;
  /** Fetch the messages of every listed ticket from their first page, changed or not, restoring rows lost or altered in the database. */
  refetchAll: boolean;
}
/** Tickets in hand at once, in pages of the listing: two let the next page's fetches start while the last of this one's finish. */
const OPEN_PAGES = 2;

/**
 * Imports a client's tickets updated since its cursor, with their messages: pages of the
 * listing → the changed tickets, each with its new messages → stored as they complete, those
 * completing together in one write → checkpoint: the cursor moves over the stored prefix of
 * the listing. A failure anywhere (or `signal`: shutdown, a lost lock, or a stop asked for at a
 * checkpoint) stops every request not yet answered; what was fully fetched is still stored and
 * checkpointed before the error is thrown.
 */
@injectable()
export class ImportTicketsUseCase {
  constructor(
    @inject(TOKENS.TicketSource) private readonly tickets: TicketSource,
    @inject(TOKENS.TicketStore) private readonly store: TicketStore,
    @inject(TOKENS.CursorStore) private readonly cursors: CursorStore,
    @inject(TOKENS.ImportSettings) private readonly settings: ImportSettings,
  ) {}

  async execute(client: Client, onProgress: (report: ImportTicketsReport) => Promise<void> = async () => {}, signal?: AbortSignal, scope: ImportScope = this.incremental()): Promise<ImportTicketsReport> {
    const cursor = await this.cursors.get(client.id, scope.cursorKey);
    const report: ImportTicketsReport = { pages: 0, tickets: 0, messages: 0, skippedTickets: 0, listedTickets: 0, expectedTickets: null, cursorBefore: cursor, cursorAfter: cursor };
    const keyset = new TicketKeyset(cursor ? new Date(cursor) : scope.from, this.settings.pageSize);
    const prefix = new StoredPrefix();
    const versions = new OpenVersions();
    const open = new Admission(OPEN_PAGES * this.settings.pageSize);
    const stop = new AbortController();
    // Every request in hand listens to it (up to two pages of tickets at once): not a leak, and no warning in the logs.
    setMaxListeners(0, stop.signal);
    const stopWith = (reason: unknown) => {
      if (!stop.signal.aborted) stop.abort(reason);
    };
    const onAbort = () => stopWith(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    // Progress is told after each write without holding the next one up; reports asked for while
    // one is being told collapse into one more, with the numbers as they are by then.
    const progress = new WriteBatcher<ImportTicketsReport>(() => onProgress(report), stopWith);
    const writes = new WriteBatcher<Settled>(async (batch) => {
      await this.storeAndCheckpoint(client, batch, prefix, versions, report, scope.cursorKey);
      open.release(batch.filter((settled) => settled.entry).length);
      progress.add(report);
    }, stopWith, this.settings.pageSize);
    const fetching = new Set<Promise<void>>();

    try {
      for await (const tickets of this.pagesOf(client, keyset, scope.to, report, stop.signal)) {
        const stored = await this.store.findStates(client.id, tickets.map((t) => t.uuid));
        for (const ticket of tickets) {
          const position = prefix.listed(ticket);
          const state = stored.get(ticket.uuid);
          // A ticket flagged deleted is fetched again when listed: its messages answering clears the flag.
          if (!scope.refetchAll && state && !state.deleted && state.updatedAt.getTime() === ticket.updatedAt.getTime()) {
            writes.add({ position, entry: null });
            continue;
          }
          await open.admit(stop.signal);
          versions.opened(ticket.uuid);
          const from = scope.refetchAll ? undefined : state;
          const fetch = this.fetchNewMessages(client, ticket, from, report, stop.signal).then((entry) => writes.add({ position, entry }), stopWith);
          fetching.add(fetch);
          void fetch.finally(() => fetching.delete(fetch));
        }
      }
      await Promise.all(fetching);
    } catch (error) {
      stopWith(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Never return while a ticket is still being fetched or written: the caller releases the client's lock.
      await Promise.allSettled(fetching);
      await writes.drain();
      await progress.drain();
    }
    if (stop.signal.aborted) throw stop.signal.reason;
    return report;
  }

  /** The scope of the client's incremental import: from its cursor (else IMPORT_START_AT, else the beginning), no end. */
  private incremental(): ImportScope {
    return { from: importWindowStart(this.settings.importStartAt), to: null, cursorKey: CURSOR_KEYS.ticketsLastImportAt, refetchAll: false };
  }

  /** The listing, page by page, keyset-walked up to `to`; the next page is listed while the last of this one's messages load. */
  private async *pagesOf(client: Client, keyset: TicketKeyset, to: Date | null, report: ImportTicketsReport, signal: AbortSignal): AsyncGenerator<Ticket[]> {
    for (let more = true; more; ) {
      const listed: ListedPage<Ticket> = await this.tickets.listTickets(client, keyset.query(), signal);
      if (report.pages === 0) report.expectedTickets = to ? await this.countUpTo(client, listed.total, to, signal) : listed.total;
      report.pages += 1;
      const walked = keyset.advance(listed.items);
      const fresh = to ? walked.filter((t) => t.updatedAt <= to) : walked;
      // Past `to` once the walk resumes after it: the listing is sorted by updatedAt.
      more = !keyset.done && !(to && keyset.query().updatedAtFrom > to);
      // The next page is asked for once this page's message requests are queued, so it goes out
      // behind them: at a low rate limit it never spends budget on tickets a crash would lose.
      yield fresh;
    }
  }

  /** Of `listedFrom` tickets listed from the walk's start on, those updated up to `to` (one more count: those after it). */
  private async countUpTo(client: Client, listedFrom: number | null, to: Date, signal: AbortSignal): Promise<number | null> {
    if (listedFrom === null) return null;
    const after = await this.tickets.listTickets(client, { updatedAtFrom: new Date(to.getTime() + NEXT_INSTANT_MS), page: 1, limit: 1 }, signal);
    return after.total === null ? null : Math.max(0, listedFrom - after.total);
  }

  /** One write for the tickets that completed together, then the cursor over the stored prefix of the listing. */
  private async storeAndCheckpoint(client: Client, batch: Settled[], prefix: StoredPrefix, versions: OpenVersions, report: ImportTicketsReport, cursorKey: string): Promise<void> {
    const completed = batch.flatMap((settled) => (settled.entry ? [settled.entry] : []));
    // A version older than one already written is settled without a write: the ticket is stored, newer.
    const entries = versions.worthWriting(completed);
    if (entries.length) await this.store.save(client.id, entries);
    versions.settled(completed, entries);
    for (const settled of batch) prefix.stored(settled.position);
    report.listedTickets += batch.length;
    report.tickets += entries.length;
    report.messages += entries.reduce((sum, e) => sum + (e.messages?.length ?? 0), 0);
    const newest = prefix.advance();
    if (newest && (!report.cursorAfter || newest > new Date(report.cursorAfter))) {
      report.cursorAfter = newest.toISOString();
      await this.cursors.set(client.id, cursorKey, report.cursorAfter);
    }
  }

  /**
   * Messages are append-only, so pages already stored in full need no refetch: start at the
   * page holding the first message not yet stored (the first page when `stored` is not given).
   * A 404 means the ticket was deleted upstream: it is stored as listed, flagged deleted.
   */
  private async fetchNewMessages(client: Client, ticket: Ticket, stored: StoredTicketState | undefined, report: ImportTicketsReport, signal: AbortSignal): Promise<TicketWithMessages> {
    const limit = this.settings.pageSize;
    const messages: Message[] = [];
    try {
      for (let page = Math.floor((stored?.messageCount ?? 0) / limit) + 1; ; page += 1) {
        const items = await this.tickets.listMessages(client, ticket.uuid, { page, limit }, signal);
        messages.push(...items);
        if (items.length < limit) return { ticket, messages };
      }
    } catch (error) {
      if (!(error instanceof TicketGoneUpstreamError)) throw error;
      report.skippedTickets += 1;
      return { ticket, messages: [], deletedUpstream: true };
    }
  }
}
