import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import type { ReconcileFindings, UpdatedAtWindow } from '../../domain/jobs/job-run.js';
import type { ReconcileGauge } from '../../domain/ports/reconcile-gauge.port.js';
import type { TicketStore } from '../../domain/ports/ticket-store.port.js';
import { repairCursorKey } from '../../domain/sync-cursor.js';
import { BackfillWindow } from '../backfill/backfill-window.js';
import { ImportTicketsUseCase, type ImportTicketsReport } from '../import-tickets/import-tickets.use-case.js';
import { SyncContactsUseCase } from '../sync-contacts/sync-contacts.use-case.js';
import { TOKENS } from '../tokens.js';
import { CheckClientData, type ClientDataCheck } from './check-client-data.js';
import { hullOf } from './hull-of.js';

/** A reconcile as its run asked for it. */
export interface ReconcileRequest {
  runId: string;
  repair: boolean;
}

/** What a reconcile of one client reports: its incremental import's walk, then its findings (and repair). */
export type ReconcileReport = Pick<ImportTicketsReport, 'pages' | 'listedTickets' | 'expectedTickets' | 'skippedTickets' | 'cursorBefore' | 'cursorAfter'> &
  ReconcileFindings & { repair?: { window: UpdatedAtWindow | null; complete: boolean } };

/**
 * Proves a client's data complete, or says where it is not: bring the cursor current (an
 * incremental import), then check the stored data against the upstream's counts. With
 * `repair`, a client with drift has its drift windows re-imported (as a backfill would), its
 * contacts synced when they drifted and the tickets found gone upstream flagged; then it is
 * checked again, and the repair is complete when that check finds nothing missing. Without
 * `repair` it stores nothing beyond what its import brings.
 */
@injectable()
export class ReconcileClientUseCase {
  constructor(
    @inject(ImportTicketsUseCase) private readonly importTickets: ImportTicketsUseCase,
    @inject(SyncContactsUseCase) private readonly syncContacts: SyncContactsUseCase,
    @inject(CheckClientData) private readonly check: CheckClientData,
    @inject(BackfillWindow) private readonly backfillWindow: BackfillWindow,
    @inject(TOKENS.TicketStore) private readonly tickets: TicketStore,
    @inject(TOKENS.ReconcileGauge) private readonly gauge: ReconcileGauge,
  ) {}

  async execute(client: Client, request: ReconcileRequest, onProgress: (report: Partial<ReconcileReport>) => Promise<void> = async () => {}, signal?: AbortSignal): Promise<ReconcileReport> {
    const imported = await this.importTickets.execute(client, (walk) => onProgress(walkOf(walk)), signal);
    const found = await this.check.execute(client, signal);
    const report: ReconcileReport = { ...walkOf(imported), ...found.findings };
    if (!request.repair || !found.findings.drift) {
      this.gauge.record(client.slug, found.missing);
      return report;
    }
    // Every checkpoint of the repair reports the findings again: a cancel is heard there.
    const checkpoint = () => onProgress(report);
    await checkpoint();
    const again = await this.repair(client, request.runId, found, checkpoint, signal);
    this.gauge.record(client.slug, again.missing);
    return { ...report, repair: { window: hullOf(found.repairWindows), complete: !again.findings.drift } };
  }

  private async repair(client: Client, runId: string, found: ClientDataCheck, checkpoint: () => Promise<void>, signal: AbortSignal | undefined): Promise<ClientDataCheck> {
    for (const window of found.repairWindows) {
      await this.backfillWindow.execute(client, { from: new Date(window.from), to: new Date(window.to) }, repairCursorKey(runId, window), checkpoint, signal);
    }
    await this.tickets.flagDeleted(client.id, found.goneTickets);
    const { upstream, stored } = found.findings.contacts;
    if (upstream !== null && upstream !== stored) await this.syncContacts.execute(client, checkpoint, signal);
    return this.check.execute(client, signal);
  }
}

function walkOf(report: ImportTicketsReport): Pick<ReconcileReport, 'pages' | 'listedTickets' | 'expectedTickets' | 'skippedTickets' | 'cursorBefore' | 'cursorAfter'> {
  const { pages, listedTickets, expectedTickets, skippedTickets, cursorBefore, cursorAfter } = report;
  return { pages, listedTickets, expectedTickets, skippedTickets, cursorBefore, cursorAfter };
}
