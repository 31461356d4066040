import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import type { JobRunParams } from '../../domain/jobs/job-run.js';
import type { CursorStore } from '../../domain/ports/cursor-store.port.js';
import { backfillCursorKey, CURSOR_KEYS } from '../../domain/sync-cursor.js';
import type { ImportTicketsReport } from '../import-tickets/import-tickets.use-case.js';
import { TOKENS } from '../tokens.js';
import { BackfillWindow } from './backfill-window.js';

/** A backfill as its run asked for it. */
export interface BackfillRequest {
  runId: string;
  params: JobRunParams;
}

/**
 * Re-imports a client's tickets updated in [from, to] (`to`: the client's cursor, by default)
 * with all their messages, restoring rows lost or altered in the database, under a checkpoint
 * of the run's own (a crash resumes there), never moving `tickets:lastImportAt`.
 */
@injectable()
export class BackfillClientUseCase {
  constructor(
    @inject(BackfillWindow) private readonly backfillWindow: BackfillWindow,
    @inject(TOKENS.CursorStore) private readonly cursors: CursorStore,
  ) {}

  async execute(client: Client, request: BackfillRequest, onProgress?: (report: ImportTicketsReport) => Promise<void>, signal?: AbortSignal): Promise<ImportTicketsReport> {
    const from = new Date(request.params.from!);
    const to = request.params.to ?? (await this.cursors.get(client.id, CURSOR_KEYS.ticketsLastImportAt));
    const checkpoint = backfillCursorKey(request.runId);
    // Nothing imported yet, or a window ending before it starts: nothing to re-import.
    if (!to || new Date(to) < from) return { pages: 0, tickets: 0, messages: 0, skippedTickets: 0, listedTickets: 0, expectedTickets: 0, cursorBefore: null, cursorAfter: null };
    return this.backfillWindow.execute(client, { from, to: new Date(to) }, checkpoint, onProgress, signal);
  }
}
