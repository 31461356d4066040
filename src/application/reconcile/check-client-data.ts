import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import { ReconcileNotPossibleError, TicketGoneUpstreamError } from '../../domain/errors.js';
import type { MissingRows, ReconcileFindings, UpdatedAtWindow } from '../../domain/jobs/job-run.js';
import type { ContactSource } from '../../domain/ports/contact-source.port.js';
import type { CursorStore } from '../../domain/ports/cursor-store.port.js';
import type { StoredDataCensus, StoredTicketWindow } from '../../domain/ports/stored-data-census.port.js';
import type { TicketSource } from '../../domain/ports/ticket-source.port.js';
import { CURSOR_KEYS } from '../../domain/sync-cursor.js';
import { importWindowStart, NEXT_INSTANT_MS } from '../../domain/tickets/updated-at.js';
import type { ImportSettings, ReconcileSettings } from '../settings.js';
import { TOKENS } from '../tokens.js';
import { hullOf } from './hull-of.js';
import { locateDrift, MAX_PROBES, type DriftStretch } from './locate-drift.js';
import { LISTING_PAGE, UpstreamTicketCounts } from './upstream-ticket-counts.js';

/** Counting again when the tail moved while it was counted, at most this many times. */
const COUNT_ATTEMPTS = 3;

/** How far a check is: its bisection probes and its sampled tickets' message counts made, of at most MAX_PROBES and the sample size. */
export interface CheckProgress {
  done: number;
  total: number;
}

/** What one check found, and what a repair would re-import. */
export interface ClientDataCheck {
  findings: ReconcileFindings;
  missing: MissingRows;
  /** Windows to re-import: those holding the missing tickets, and one instant per sampled ticket whose messages differ. */
  repairWindows: UpdatedAtWindow[];
  /** Stored tickets found deleted upstream (their messages answered 404), not flagged yet. */
  goneTickets: string[];
  /** Its requests made, at the end (a check with little to bisect ends before its budget). */
  progress: CheckProgress;
}

/** What the tickets' side of a check found. */
interface TicketsFound {
  upstream: number;
  stored: number;
  window: StoredTicketWindow;
  missing: number;
  missingWindows: UpdatedAtWindow[];
  gone: string[];
}

/**
 * Sets a client's stored data against the upstream's, in few requests: the tickets updated in
 * [IMPORT_START_AT or the beginning, the cursor] counted on both sides (the tickets that moved
 * past the cursor since they were stored left out on both), the stretches whose counts differ
 * located by bisection and listed in full, so that a ticket lost from the database and one
 * deleted upstream never cancel out where they lie in different stretches; the message counts
 * of a sample of tickets spread over the window; the contacts. Reads only: it stores nothing.
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

  /** `onProgress` is told as it begins, after each bisection probe and after each sampled ticket's message count: what a run's progress shows. */
  async execute(client: Client, signal?: AbortSignal, onProgress: (progress: CheckProgress) => Promise<void> = async () => {}): Promise<ClientDataCheck> {
    const progress: CheckProgress = { done: 0, total: MAX_PROBES + this.settings.sampleSize };
    let [probes, counted] = [0, 0];
    const tell = () => {
      progress.done = probes + counted;
      return onProgress({ ...progress });
    };
    // A check counted again after the tail moved makes its probes over: the progress never goes back.
    const onProbe = (made: number) => {
      probes = Math.max(probes, made);
      return tell();
    };
    const onCounted = () => {
      counted += 1;
      return tell();
    };
    await tell();
    const cursor = await this.cursors.get(client.id, CURSOR_KEYS.ticketsLastImportAt);
    const start = importWindowStart(this.importSettings.importStartAt);
    // No cursor yet, or IMPORT_START_AT later than it: no ticket imported to check.
    const window: StoredTicketWindow | null = cursor && new Date(cursor) >= start ? { from: start, to: new Date(cursor), except: [] } : null;

    const tickets = window ? await this.checkTickets(client, window, signal, onProbe) : null;
    const messages = tickets ? await this.compareMessages(client, tickets.window, signal, onCounted) : { sampled: 0, mismatchedAt: [], gone: [], missing: 0 };
    const contacts = await this.compareContacts(client, signal);

    const missingTickets = tickets?.missing ?? 0;
    const goneTickets = [...new Set([...(tickets?.gone ?? []), ...messages.gone])];
    const ticketsDrift = tickets !== null && (missingTickets > 0 || tickets.gone.length > 0 || tickets.upstream !== tickets.stored);
    const contactsDrift = contacts.upstream !== null && contacts.upstream !== contacts.stored;
    const missingWindows = tickets?.missingWindows ?? [];
    const findings: ReconcileFindings = {
      drift: ticketsDrift || messages.mismatchedAt.length > 0 || messages.gone.length > 0 || contactsDrift,
      tickets: {
        upstream: tickets?.upstream ?? 0,
        stored: tickets?.stored ?? 0,
        missing: missingTickets,
        goneUpstream: tickets?.gone.length ?? 0,
        window: hullOf(missingWindows),
        ...(missingWindows.length > 1 ? { windows: missingWindows } : {}),
      },
      messages: { sampled: messages.sampled, mismatched: messages.mismatchedAt.length + messages.gone.length },
      contacts,
    };
    return {
      findings,
      missing: { tickets: missingTickets, messages: messages.missing, contacts: Math.max(0, (contacts.upstream ?? 0) - contacts.stored) },
      repairWindows: [...missingWindows, ...messages.mismatchedAt.map((at) => ({ from: at, to: at }))],
      goneTickets,
      progress: { ...progress },
    };
  }

  /**
   * Counts the window on both sides, without the tickets listed past the cursor (they moved
   * there since they were stored, or are new), locates and lists the stretches that differ;
   * the tail is listed first and counted again at the end, and all is done again if it moved
   * meanwhile (a ticket moving past the cursor during the probes would shift their counts).
   */
  private async checkTickets(client: Client, window: StoredTicketWindow, signal: AbortSignal | undefined, onProbe: (probes: number) => Promise<void>): Promise<TicketsFound> {
    const pastCursor = new Date(window.to.getTime() + NEXT_INSTANT_MS);
    for (let attempt = 1; attempt <= COUNT_ATTEMPTS; attempt += 1) {
      const upstream = new UpstreamTicketCounts(this.tickets, client, signal);
      const tail = await upstream.tail(pastCursor);
      if (!tail) break;
      const counted = { ...window, except: tail.uuids };
      const [fromStart, stored] = await Promise.all([upstream.from(window.from), this.census.countTickets(client.id, counted)]);
      const listed = fromStart - tail.count;
      const found = await this.locate(client, upstream, counted, listed - stored, stored, signal, onProbe);
      const tailMoved = (await upstream.fresh(pastCursor)) !== tail.count;
      if (!tailMoved) return { upstream: listed, stored, window: counted, ...found };
    }
    throw new ReconcileNotPossibleError(`the tickets of client "${client.slug}" past its cursor keep changing faster than they can be counted: import it, then reconcile again`);
  }

  /** Bisection to the stretches whose counts differ, each then listed in full and set against what is stored there. */
  private async locate(client: Client, upstream: UpstreamTicketCounts, window: StoredTicketWindow, net: number, stored: number, signal: AbortSignal | undefined, onProbe: (probes: number) => Promise<void>) {
    const tailCount = window.except.length;
    const stretches = await locateDrift({
      window,
      net,
      stored,
      pageSize: LISTING_PAGE,
      netFrom: async (at) => {
        const [listed, storedFrom] = await Promise.all([upstream.from(at), this.census.countTickets(client.id, { ...window, from: at })]);
        return listed - tailCount - storedFrom;
      },
      storedAt: (rank) => this.census.ticketUpdatedAtAt(client.id, window, rank),
      onProbe,
    });
    const missingWindows: UpdatedAtWindow[] = [];
    const gone: string[] = [];
    let missing = 0;
    for (const stretch of stretches) {
      const diff = await this.diffStretch(client, upstream, window, stretch, signal);
      missing += diff.missing;
      gone.push(...diff.gone);
      if (diff.window) missingWindows.push(diff.window);
    }
    return { missing, missingWindows, gone };
  }

  /**
   * One stretch listed upstream and set against the stored uuids: those listed and not stored
   * are missing (the window to re-import spans just them); those stored and not listed are
   * asked for their messages, and a 404 says they were deleted upstream (else they moved
   * meanwhile, and nothing is wrong). A stretch too wide to list is judged by its counts.
   */
  private async diffStretch(client: Client, upstream: UpstreamTicketCounts, window: StoredTicketWindow, stretch: DriftStretch, signal: AbortSignal | undefined) {
    const to = stretch.before ? new Date(stretch.before.getTime() - NEXT_INSTANT_MS) : window.to;
    const whole = { from: stretch.from.toISOString(), to: to.toISOString() };
    if (to < stretch.from) return { missing: 0, gone: [], window: null };
    const stored = new Set(stretch.narrow ? await this.census.ticketUuids(client.id, { ...window, from: stretch.from, to }) : []);
    const listed = stretch.narrow ? await upstream.stretch(stretch.from, to, stored.size + stretch.net) : null;
    if (!listed) return { missing: Math.max(0, stretch.net), gone: [], window: stretch.net > 0 ? whole : null };
    for (const uuid of window.except) listed.delete(uuid);
    const missingAt = [...listed].filter(([uuid]) => !stored.has(uuid)).map(([, updatedAt]) => updatedAt.toISOString());
    const unlisted = [...stored].filter((uuid) => !listed.has(uuid));
    const gone = await this.confirmGone(client, unlisted, signal);
    return { missing: missingAt.length, gone, window: missingAt.length ? { from: missingAt.sort()[0]!, to: missingAt.at(-1)! } : null };
  }

  /** Of these stored tickets, those whose messages answer 404: deleted upstream. */
  private async confirmGone(client: Client, uuids: string[], signal: AbortSignal | undefined): Promise<string[]> {
    const gone: string[] = [];
    for (const uuid of uuids) {
      try {
        await this.tickets.countMessages(client, uuid, signal);
      } catch (error) {
        if (!(error instanceof TicketGoneUpstreamError)) throw error;
        gone.push(uuid);
      }
    }
    return gone;
  }

  /**
   * The sampled tickets' message counts, upstream against stored: the instants of those that
   * differ (what a repair re-imports), and those gone upstream (their messages answer 404). The
   * first failure stops the requests still out.
   */
  private async compareMessages(client: Client, window: StoredTicketWindow, signal: AbortSignal | undefined, onCounted: () => Promise<void>) {
    const sample = await this.census.sampleTickets(client.id, window, this.settings.sampleSize);
    const mismatchedAt: string[] = [];
    const gone: string[] = [];
    let missing = 0;
    const siblings = new AbortController();
    const requests = signal ? AbortSignal.any([signal, siblings.signal]) : siblings.signal;
    await Promise.all(
      sample.map(async (ticket) => {
        try {
          const upstream = await this.tickets.countMessages(client, ticket.uuid, requests);
          await onCounted();
          if (upstream === null || upstream === ticket.messageCount) return;
          mismatchedAt.push(ticket.updatedAt.toISOString());
          missing += Math.max(0, upstream - ticket.messageCount);
        } catch (error) {
          if (error instanceof TicketGoneUpstreamError) {
            gone.push(ticket.uuid);
            return;
          }
          siblings.abort(error);
          throw error;
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
