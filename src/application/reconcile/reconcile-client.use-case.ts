import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import type { MissingRows, ReconcileFindings, ReconcilePhase, ReconcileStep, StoredRows, UpdatedAtWindow } from '../../domain/jobs/job-run.js';
import type { CursorStore } from '../../domain/ports/cursor-store.port.js';
import type { TicketStore } from '../../domain/ports/ticket-store.port.js';
import { repairCursorKey, repairCursorPrefix } from '../../domain/sync-cursor.js';
import { BackfillWindow } from '../backfill/backfill-window.js';
import { ImportTicketsUseCase, type ImportTicketsReport } from '../import-tickets/import-tickets.use-case.js';
import { SyncContactsUseCase } from '../sync-contacts/sync-contacts.use-case.js';
import { TOKENS } from '../tokens.js';
import { CheckClientData, type CheckProgress, type ClientDataCheck } from './check-client-data.js';
import { hullOf } from './hull-of.js';

/** A reconcile as its run asked for it. */
export interface ReconcileRequest {
  runId: string;
  repair: boolean;
}

type Walk = Pick<ImportTicketsReport, 'pages' | 'listedTickets' | 'expectedTickets' | 'skippedTickets' | 'cursorBefore' | 'cursorAfter'>;

/**
 * What a reconcile of one client reports: its incremental import's walk, its findings (and
 * repair), the rows its import and repair wrote, and what the last check found missing (after
 * the repair, when it repaired: what the gauge shows).
 */
export type ReconcileReport = Walk &
  ReconcileFindings & { repair?: { window: UpdatedAtWindow | null; complete: boolean }; rowsStored: StoredRows; missingRows: MissingRows; step: ReconcileStep };

type Progress = (report: Partial<ReconcileReport>) => Promise<void>;

/**
 * Proves a client's data complete, or says where it is not: bring the cursor current (an
 * incremental import), then check the stored data against the upstream's counts. With
 * `repair`, a client with drift has its drift windows re-imported (as a backfill would), its
 * contacts synced when they drifted and the tickets found gone upstream flagged; then it is
 * checked again, and the repair is complete when that check finds nothing missing: no ticket,
 * no sampled message, no contact the upstream has and the database lacks (more stored than
 * upstream is no loss). Without `repair` it stores nothing beyond what its import brings.
 */
@injectable()
export class ReconcileClientUseCase {
  constructor(
    @inject(ImportTicketsUseCase) private readonly importTickets: ImportTicketsUseCase,
    @inject(SyncContactsUseCase) private readonly syncContacts: SyncContactsUseCase,
    @inject(CheckClientData) private readonly check: CheckClientData,
    @inject(BackfillWindow) private readonly backfillWindow: BackfillWindow,
    @inject(TOKENS.TicketStore) private readonly tickets: TicketStore,
    @inject(TOKENS.CursorStore) private readonly cursors: CursorStore,
  ) {}

  /** `onProgress` is told at every checkpoint of the import and the repair and at every request of a check: the step it is at moves as it goes. */
  async execute(client: Client, request: ReconcileRequest, onProgress: Progress = async () => {}, signal?: AbortSignal): Promise<ReconcileReport> {
    const imported = await this.importTickets.execute(client, (walk) => onProgress({ ...walkOf(walk), rowsStored: rowsOf(walk), step: { phase: 'import', done: walk.listedTickets, total: walk.expectedTickets } }), signal);
    const walked = { ...walkOf(imported), rowsStored: rowsOf(imported) };
    const found = await this.checkTelling(client, 'check', walked, onProgress, signal);
    const report: ReconcileReport = { ...walked, ...found.findings, missingRows: found.missing, step: { phase: 'check', ...found.progress } };
    if (!request.repair || !found.findings.drift) return report;
    try {
      const again = await this.repair(client, request.runId, found, report, onProgress, signal);
      return { ...report, missingRows: again.missing, repair: { window: hullOf(found.repairWindows), complete: nothingMissing(again.missing) }, step: { phase: 'recheck', ...again.progress } };
    } finally {
      // A resumed reconcile checks again and re-imports other windows: the checkpoints of this attempt's would stay behind.
      if (!signal?.aborted) await this.cursors.deleteStartingWith(client.id, repairCursorPrefix(request.runId));
    }
  }

  /** A check that tells its progress as the step's, with what the reconcile reported before it. */
  private checkTelling(client: Client, phase: Extract<ReconcilePhase, 'check' | 'recheck'>, before: Partial<ReconcileReport>, onProgress: Progress, signal: AbortSignal | undefined): Promise<ClientDataCheck> {
    return this.check.execute(client, signal, (progress: CheckProgress) => onProgress({ ...before, step: { phase, ...progress } }));
  }

  /** Every checkpoint of the repair reports the findings, the rows written so far and the windows re-imported: a cancel is heard there. */
  private async repair(client: Client, runId: string, found: ClientDataCheck, report: ReconcileReport, onProgress: Progress, signal: AbortSignal | undefined): Promise<ClientDataCheck> {
    const done = { ...report.rowsStored };
    const windows = found.repairWindows.length;
    let windowsDone = 0;
    const tell = (rows: StoredRows) => {
      report.rowsStored = rows;
      report.step = { phase: 'repair', done: windowsDone, total: windows };
      return onProgress(report);
    };
    await tell(done);
    for (const window of found.repairWindows) {
      const key = repairCursorKey(runId, window);
      const walked = await this.backfillWindow.execute(client, { from: new Date(window.from), to: new Date(window.to) }, key, (walk) => tell(plus(done, rowsOf(walk))), signal);
      Object.assign(done, plus(done, rowsOf(walked)));
      windowsDone += 1;
      await tell({ ...done });
    }
    await this.tickets.flagDeleted(client.id, found.goneTickets);
    done.deletedTickets += found.goneTickets.length;
    await tell({ ...done });
    const { upstream, stored } = found.findings.contacts;
    if (upstream !== null && upstream !== stored) {
      const synced = await this.syncContacts.execute(client, (pass) => tell(plus(done, { tickets: 0, messages: 0, contacts: pass.contacts, deletedTickets: 0, deletedContacts: pass.deletedContacts })), signal);
      Object.assign(done, plus(done, { tickets: 0, messages: 0, contacts: synced.contacts, deletedTickets: 0, deletedContacts: synced.deletedContacts }));
    }
    report.rowsStored = done;
    return this.checkTelling(client, 'recheck', report, onProgress, signal);
  }
}

function nothingMissing(missing: MissingRows): boolean {
  return missing.tickets === 0 && missing.messages === 0 && missing.contacts === 0;
}

function walkOf(report: ImportTicketsReport): Walk {
  const { pages, listedTickets, expectedTickets, skippedTickets, cursorBefore, cursorAfter } = report;
  return { pages, listedTickets, expectedTickets, skippedTickets, cursorBefore, cursorAfter };
}

function rowsOf(report: ImportTicketsReport): StoredRows {
  return { tickets: report.tickets, messages: report.messages, contacts: 0, deletedTickets: report.skippedTickets, deletedContacts: 0 };
}

function plus(a: StoredRows, b: StoredRows): StoredRows {
  return { tickets: a.tickets + b.tickets, messages: a.messages + b.messages, contacts: a.contacts + b.contacts, deletedTickets: a.deletedTickets + b.deletedTickets, deletedContacts: a.deletedContacts + b.deletedContacts };
}
