import { FINISHED_CLIENT_STATUSES, FINISHED_JOB_STATUSES } from '../../domain/jobs/job-run.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';

/**
 * Ends a run once every one of its clients has finished: `cancelled` if it was cancelled, else
 * `failed` (the error listing each failed client on its own line) if any client failed, else
 * `succeeded` (a client skipped because it was deleted or deactivated fails nothing).
 * Whoever records a client's end calls it; only the last one ends the run.
 */
export async function endRunWhenClientsFinish(runs: JobRunStore, runId: string): Promise<void> {
  const run = await runs.findById(runId);
  if (!run || FINISHED_JOB_STATUSES.includes(run.status)) return;
  const entries = Object.entries(run.stats);
  if (!entries.every(([, s]) => FINISHED_CLIENT_STATUSES.includes(s.status))) return;
  const failed = entries.filter(([, s]) => s.status === 'failed');
  const status = run.cancelRequestedAt ? 'cancelled' : failed.length ? 'failed' : 'succeeded';
  await runs.finish(run.id, status, failed.length ? failed.map(([slug, s]) => `${slug}: ${s.error}`).join('\n') : null);
}

export function emptyClientStats() {
  return { status: 'queued' as const, pages: 0, upstreamRequests: 0, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null };
}
