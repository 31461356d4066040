import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import { ReconcileNotPossibleError, TicketGoneUpstreamError } from '../../domain/errors.js';
import type { ReconcileFindings, UpdatedAtWindow } from '../../domain/jobs/job-run.js';
import type { ContactSource } from '../../domain/ports/contact-source.port.js';
import type { CursorStore } from '../../domain/ports/cursor-store.port.js';
import type { MissingRows } from '../../domain/ports/reconcile-gauge.port.js';
import type { StoredDataCensus, StoredTicketWindow } from '../../domain/ports/stored-data-census.port.js';
import type { TicketSource } from '../../domain/ports/ticket-source.port.js';
import { CURSOR_KEYS } from '../../domain/sync-cursor.js';
import type { ImportSettings, ReconcileSettings } from '../settings.js';
import { TOKENS } from '../tokens.js';
import { hullOf } from './hull-of.js';
import { locateMissing } from './locate-missing.js';
import { UpstreamTicketCounts } from './upstream-ticket-counts.js';

const BEGINNING_OF_TIME = new Date(0);
const NEXT_INSTANT_MS = 1;
/** Counting again when the tail moved while it was counted, at most this many times. */
const COUNT_ATTEMPTS = 3;

/** What one check found, and what a repair would re-import. */
export interface ClientDataCheck {
  findings: ReconcileFindings;
  missing: MissingRows;
  /** Windows to re-import: those holding the missing tickets, and one instant per sampled ticket whose messages differ. */
  repairWindows: UpdatedAtWindow[];
  /** Sampled tickets whose messages answered 404: deleted upstream, not flagged yet. */
  goneTickets: string[];
}

/**
 * Sets a client's stored data against the upstream's, in few requests: the tickets updated in
 * [IMPORT_START_AT or the beginning, the cursor] counted on both sides (the tickets that moved
 * past the cursor since they were stored left out on both), the missing ones located by
 * bisection; the message counts of a sample of tickets spread over the window; the contacts.
 * Reads only: it stores nothing.
 */
@injectable()
export class CheckClientData {
  constructor(
    @inject(TOKENS.TicketSource) private readonly tickets: TicketSource,
    @inject(TOKENS.ContactSource) private readonly contacts: ContactSource,
    @inject(TOKENS.CursorStore) private readonly cursors: CursorStore,
    @inject(TOKENS.StoredDataCensus) private readonly census: StoredDataCensus,
    @inject(TOKENS.ImportSettings) private readonly importSettings: ImportSettings,
    @inject(TOKENS.ReconcileSettings) private readonly settings: ReconcileSettings,
  ) {}

  async execute(client: Client, signal?: AbortSignal): Promise<ClientDataCheck> {
    const upstream = new UpstreamTicketCounts(this.tickets, client, signal);
    const cursor = await this.cursors.get(client.id, CURSOR_KEYS.ticketsLastImportAt);
    const start = this.importSettings.importStartAt ?? BEGINNING_OF_TIME;
    const window: StoredTicketWindow | null = cursor ? { from: start, to: new Date(cursor), except: [] } : null;

    const counted = window ? await this.countTickets(client, upstream, window) : { upstream: 0, stored: 0, window: null };
    const missingTickets = Math.max(0, counted.upstream - counted.stored);
    const gaps = counted.window && missingTickets > 0 ? await this.locate(client, upstream, counted.window, missingTickets, counted.stored) : [];
    const messages = counted.window ? await this.compareMessages(client, counted.window, signal) : { sampled: 0, mismatchedAt: [], gone: [], missing: 0 };
    const contacts = await this.compareContacts(client, signal);

    const contactsDrift = contacts.upstream !== null && contacts.upstream !== contacts.stored;
    const findings: ReconcileFindings = {
      drift: missingTickets > 0 || messages.mismatchedAt.length > 0 || messages.gone.length > 0 || contactsDrift,
      tickets: { upstream: counted.upstream, stored: counted.stored, missing: missingTickets, window: hullOf(gaps), ...(gaps.length > 1 ? { windows: gaps } : {}) },
      messages: { sampled: messages.sampled, mismatched: messages.mismatchedAt.length + messages.gone.length },
      contacts,
    };
    return {
      findings,
      missing: { tickets: missingTickets, messages: messages.missing, contacts: Math.max(0, (contacts.upstream ?? 0) - contacts.stored) },
      repairWindows: [...gaps, ...messages.mismatchedAt.map((at) => ({ from: at, to: at }))],
      goneTickets: messages.gone,
    };
  }

  /**
   * Upstream and stored counts of the window, both without the tickets listed past the
   * cursor (they moved there since they were stored, or are new): the tail is listed first,
   * then counted again after the window was, and all is counted again if it moved meanwhile.
   */
  private async countTickets(client: Client, upstream: UpstreamTicketCounts, window: StoredTicketWindow): Promise<{ upstream: number; stored: number; window: StoredTicketWindow }> {
    const pastCursor = new Date(window.to.getTime() + NEXT_INSTANT_MS);
    for (let attempt = 1; attempt <= COUNT_ATTEMPTS; attempt += 1) {
      const tail = await upstream.tail(pastCursor);
      if (!tail) break;
      const counted = { ...window, except: tail.uuids };
      const [fromStart, stored] = await Promise.all([upstream.fresh(window.from), this.census.countTickets(client.id, counted)]);
      const tailMoved = (await upstream.fresh(pastCursor)) !== tail.count;
      if (!tailMoved) return { upstream: fromStart - tail.count, stored, window: counted };
    }
    throw new ReconcileNotPossibleError(`the tickets of client "${client.slug}" past its cursor keep changing faster than they can be counted: import it, then reconcile again`);
  }

  /** Bisection to the windows holding the missing tickets: each probe sets the upstream's count from an instant against the stored one. */
  private async locate(client: Client, upstream: UpstreamTicketCounts, window: StoredTicketWindow, missing: number, stored: number): Promise<UpdatedAtWindow[]> {
    const tailCount = window.except.length;
    return locateMissing({
      window,
      missing,
      stored,
      pageSize: this.importSettings.pageSize,
      missingFrom: async (at) => {
        const [listed, storedFrom] = await Promise.all([upstream.from(at), this.census.countTickets(client.id, { ...window, from: at })]);
        return listed - tailCount - storedFrom;
      },
      storedAt: (rank) => this.census.ticketUpdatedAtAt(client.id, window, rank),
    });
  }

  /**
   * The sampled tickets' message counts, upstream against stored: the instants of those that
   * differ (what a repair re-imports), and those gone upstream (their messages answer 404).
   */
  private async compareMessages(client: Client, window: StoredTicketWindow, signal: AbortSignal | undefined) {
    const sample = await this.census.sampleTickets(client.id, window, this.settings.sampleSize);
    const mismatchedAt: string[] = [];
    const gone: string[] = [];
    let missing = 0;
    await Promise.all(
      sample.map(async (ticket) => {
        try {
          const upstream = await this.tickets.countMessages(client, ticket.uuid, signal);
          if (upstream === null || upstream === ticket.messageCount) return;
          mismatchedAt.push(ticket.updatedAt.toISOString());
          missing += Math.max(0, upstream - ticket.messageCount);
        } catch (error) {
          if (!(error instanceof TicketGoneUpstreamError)) throw error;
          gone.push(ticket.uuid);
        }
      }),
    );
    return { sampled: sample.length, mismatchedAt: [...new Set(mismatchedAt)].sort(), gone, missing };
  }

  private async compareContacts(client: Client, signal: AbortSignal | undefined): Promise<ReconcileFindings['contacts']> {
    const [listed, stored] = await Promise.all([this.contacts.listContacts(client, { page: 1, limit: 1 }, signal), this.census.countLiveContacts(client.id)]);
    return { upstream: listed.total, stored };
  }
}
