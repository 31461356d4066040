/** Keys of the per-client cursors in `sync_cursors`; their values are part of the data contract. */
export const CURSOR_KEYS = {
  /** ISO-8601 `updatedAt` of the newest ticket whose messages are all stored. */
  ticketsLastImportAt: 'tickets:lastImportAt',
  /** Last fully stored contacts page; `0` = none / pass complete. */
  contactsPage: 'contacts:page',
  /** Number of the contacts pass in progress (or last completed), to tell seen from unseen contacts. */
  contactsPass: 'contacts:pass',
} as const;

/** The checkpoint of a backfill run (its own, never `tickets:lastImportAt`): ISO-8601 `updatedAt`, deleted when the backfill ends. */
export function backfillCursorKey(runId: string): string {
  return `backfill:${runId}`;
}

/** The checkpoint of a reconcile's re-import of one window. */
export function repairCursorKey(runId: string, window: { from: string; to: string }): string {
  return `${repairCursorPrefix(runId)}${window.from}/${window.to}`;
}

/** What the checkpoints of one reconcile's re-imports start with: all forgotten once its repair ends. */
export function repairCursorPrefix(runId: string): string {
  return `reconcile:${runId}:`;
}
