import { countOf, type StoredRows } from '../../domain/jobs/job-run.js';
import type { StoredChange } from '../../domain/ports/change-feed.port.js';

/** The part of a client run's (cumulative) progress report the change feed reads. */
export interface StoredProgress {
  tickets?: unknown;
  messages?: unknown;
  contacts?: unknown;
  skippedTickets?: number;
  deletedContacts?: number;
  /** A reconcile's rows written (its `tickets`, `messages`, `contacts` being findings): read instead of those when present. */
  rowsStored?: StoredRows;
  cursorBefore?: string | null;
  cursorAfter?: string | null;
}

type Counted = 'tickets' | 'messages' | 'contacts' | 'deletedTickets' | 'deletedContacts';

/**
 * Turns one attempt's cumulative progress reports into what was stored since the previous
 * announcement: null when nothing was (no rows written, the cursor where it was). A reconcile's
 * `tickets`, `messages` and `contacts` are its findings, not counts: its `rowsStored` say what
 * its import and its repair wrote.
 */
export class StoredChanges {
  private readonly announced: Record<Counted, number> = { tickets: 0, messages: 0, contacts: 0, deletedTickets: 0, deletedContacts: 0 };
  private cursor: string | null | undefined;

  constructor(private readonly subject: Pick<StoredChange, 'clientId' | 'slug' | 'kind' | 'runId'>) {}

  next(progress: StoredProgress | undefined): StoredChange | null {
    const count = (value: unknown) => countOf(value) ?? 0;
    const now: Record<Counted, number> = progress?.rowsStored
      ? { ...progress.rowsStored }
      : {
          tickets: count(progress?.tickets),
          messages: count(progress?.messages),
          contacts: count(progress?.contacts),
          deletedTickets: count(progress?.skippedTickets),
          deletedContacts: count(progress?.deletedContacts),
        };
    const since = this.cursor !== undefined ? this.cursor : (progress?.cursorBefore ?? null);
    const cursor = progress?.cursorAfter ?? since;
    const change = Object.fromEntries(Object.entries(now).map(([key, value]) => [key, value - this.announced[key as Counted]])) as Record<Counted, number>;
    if (Object.values(change).every((n) => n === 0) && cursor === since) return null;
    Object.assign(this.announced, now);
    this.cursor = cursor;
    return { ...this.subject, ...change, cursor };
  }
}
