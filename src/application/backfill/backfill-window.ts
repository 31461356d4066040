import { inject, injectable } from 'tsyringe';
import type { Client } from '../../domain/clients/client.js';
import type { CursorStore } from '../../domain/ports/cursor-store.port.js';
import { ImportTicketsUseCase, type ImportTicketsReport } from '../import-tickets/import-tickets.use-case.js';
import { TOKENS } from '../tokens.js';

/**
 * Re-imports the tickets updated in a window with all their messages: the import's own keyset
 * walk, per-ticket writes and abort, under a checkpoint of its own (`checkpoint`, resumed from
 * after a crash, a shutdown or a lost lock, and forgotten once the window's work ends otherwise:
 * done, failed or cancelled), never `tickets:lastImportAt`.
 */
@injectable()
export class BackfillWindow {
  constructor(
    @inject(ImportTicketsUseCase) private readonly importTickets: ImportTicketsUseCase,
    @inject(TOKENS.CursorStore) private readonly cursors: CursorStore,
  ) {}

  async execute(client: Client, window: { from: Date; to: Date }, checkpoint: string, onProgress?: (report: ImportTicketsReport) => Promise<void>, signal?: AbortSignal): Promise<ImportTicketsReport> {
    try {
      const report = await this.importTickets.execute(client, onProgress, signal, { from: window.from, to: window.to, cursorKey: checkpoint, refetchAll: true });
      await this.cursors.delete(client.id, checkpoint);
      return report;
    } catch (error) {
      // Interrupted (signal): the retried job resumes from the checkpoint. Anything else ends the work.
      if (!signal?.aborted) await this.cursors.delete(client.id, checkpoint);
      throw error;
    }
  }
}
