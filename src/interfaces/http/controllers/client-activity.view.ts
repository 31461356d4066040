import type { ClientActivity, ClientLastRun } from '../../../domain/clients/client-activity.js';

/** How a client's activity is shown: its latest runs keyed by kind, each with when and how long. */
export function toClientActivityView(activity: ClientActivity) {
  return {
    slug: activity.slug,
    stored: activity.stored,
    cursors: activity.cursors,
    lastRuns: Object.fromEntries(activity.lastRuns.map((run) => [run.kind, toLastRunView(run)])),
  };
}

function toLastRunView({ runId, requestedAt, stats }: ClientLastRun) {
  const startedAt = stats.startedAt ?? null;
  const finishedAt = stats.finishedAt ?? null;
  return {
    runId,
    href: `/api/jobs/${runId}`,
    status: stats.status,
    requestedAt: requestedAt.toISOString(),
    startedAt,
    finishedAt,
    durationMs: startedAt && finishedAt ? Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)) : null,
    error: stats.error ?? null,
    stats,
  };
}
