import { CLIENT_RUN_STATUSES, SUMMED_COUNTERS, type ClientRunStats, type ClientRunStatus } from '../../src/domain/jobs/job-run.js';
import type { JobRunView } from '../../src/interfaces/cli/admin-api-client.js';

/**
 * A run as the status API shows it, with per-client stats given as partial counters; its
 * summary is computed from them, as the service does for a run whose clients it all shows,
 * unless given (a large run shows only some of its clients).
 */
export function aRunView(fields: Partial<Omit<JobRunView, 'stats'>> & { stats?: Record<string, Partial<ClientRunStats>> } = {}): JobRunView {
  const { stats = {}, ...rest } = fields;
  const full = Object.fromEntries(
    Object.entries(stats).map(([slug, partial]) => [
      slug,
      { status: 'running', pages: 0, upstreamRequests: 0, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null, ...partial } satisfies ClientRunStats,
    ]),
  );
  const entries = Object.values(full);
  const summary = entries.length
    ? {
        clients: entries.length,
        byStatus: Object.fromEntries(CLIENT_RUN_STATUSES.map((status) => [status, entries.filter((e) => e.status === status).length])) as Record<ClientRunStatus, number>,
        totals: Object.fromEntries(SUMMED_COUNTERS.map((key) => [key, entries.reduce((sum, e) => sum + (typeof e[key] === 'number' ? e[key] : 0), 0)])) as Record<(typeof SUMMED_COUNTERS)[number], number>,
      }
    : null;
  return {
    id: '6f1c9d2e-0000-4000-8000-000000000001',
    kind: 'import',
    slug: 'all',
    status: 'running',
    trigger: 'manual',
    requestedAt: '2026-11-28T10:00:00.000Z',
    startedAt: '2026-11-28T10:00:01.000Z',
    finishedAt: null,
    cancelRequestedAt: null,
    params: {},
    error: null,
    summary,
    clients: { href: '/api/jobs/6f1c9d2e-0000-4000-8000-000000000001/clients', complete: true },
    ...rest,
    stats: full,
  };
}
