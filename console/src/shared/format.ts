import type { ClientRunStats, ReconcileStep, RunStatus } from '../api/types.js';

const FINISHED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export function isFinished(status: RunStatus): boolean {
  return FINISHED.includes(status);
}

/** `2026-11-28 10:00:03 UTC`: one zone for every operator reading the same run. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Between two ISO times; to now while the second is missing and `live`. */
export function durationBetween(startedAt: string | null | undefined, finishedAt: string | null | undefined, now = Date.now()): number | null {
  if (!startedAt) return null;
  const end = finishedAt ? Date.parse(finishedAt) : now;
  return Math.max(0, end - Date.parse(startedAt));
}

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toLocaleString('en-US');
}

/**
 * A client's progress in a run, 0–100, from the counts the run records against the upstream's
 * own estimate (tickets walked of those expected, or contacts stored of those expected), or for
 * a reconcile from its step (see stepText): null while there is no estimate. A client that
 * succeeded is done whatever the estimate said; one still at work is never shown done (an
 * estimate can be passed, and a reconcile's import may walk one ticket of one).
 */
export function progressPercent(stats: ClientRunStats): number | null {
  if (stats.status === 'succeeded') return 100;
  const percent = estimatedPercent(stats);
  return percent !== null && !isFinished(stats.status) ? Math.min(99, percent) : percent;
}

function estimatedPercent(stats: ClientRunStats): number | null {
  const contacts = typeof stats.contacts === 'number' ? stats.contacts : undefined;
  const pair: [number | undefined, number | null | undefined][] = stats.step
    ? [[stats.step.done, stats.step.total]]
    : [
        [stats.listedTickets, stats.expectedTickets],
        [contacts, stats.expectedContacts],
      ];
  for (const [done, expected] of pair) {
    if (expected === undefined) continue;
    if (expected === null) return null;
    if (expected === 0) return stats.status === 'queued' ? 0 : isFinished(stats.status) ? 100 : 0;
    return Math.min(100, Math.floor(((done ?? 0) / expected) * 100));
  }
  return stats.status === 'queued' ? 0 : null;
}

const STEP_WORDS: Record<ReconcileStep['phase'], { doing: string; unit: string; bound: string }> = {
  import: { doing: 'importing', unit: 'tickets walked', bound: 'of' },
  check: { doing: 'checking', unit: 'requests', bound: 'of at most' },
  repair: { doing: 'repairing', unit: 'windows re-imported', bound: 'of' },
  recheck: { doing: 'checking again', unit: 'requests', bound: 'of at most' },
};

/** A reconcile's step in words while it runs (`checking: 15 of at most 84 requests`); null for other kinds and once finished. */
export function stepText(stats: ClientRunStats): string | null {
  const step = stats.step;
  if (!step || isFinished(stats.status)) return null;
  const words = STEP_WORDS[step.phase];
  return `${words.doing}: ${formatCount(step.done)} ${step.total === null ? '' : `${words.bound} ${formatCount(step.total)} `}${words.unit}`;
}

/** `a1b2c3d4`: enough of a run id to tell runs apart on screen. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
