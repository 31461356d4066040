import type { ClientRunStats } from '../../src/domain/jobs/job-run.js';
import type { JobRunView } from '../../src/interfaces/cli/admin-api-client.js';

/** A run as the status API shows it, with per-client stats given as partial counters. */
export function aRunView(fields: Partial<Omit<JobRunView, 'stats'>> & { stats?: Record<string, Partial<ClientRunStats>> } = {}): JobRunView {
  const { stats = {}, ...rest } = fields;
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
    error: null,
    ...rest,
    stats: Object.fromEntries(
      Object.entries(stats).map(([slug, partial]) => [
        slug,
        { status: 'running', pages: 0, upstreamRequests: 0, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null, ...partial } satisfies ClientRunStats,
      ]),
    ),
  };
}
