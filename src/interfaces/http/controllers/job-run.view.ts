import type { JobRunDetail } from '../../../application/jobs/job-run-detail.js';
import type { ClientRunEntry } from '../../../domain/jobs/job-run.js';

/** How a run is shown by the status API. */
export function toJobRunView({ run, summary, clients }: JobRunDetail) {
  return {
    id: run.id,
    kind: run.kind,
    slug: run.slug,
    status: run.status,
    trigger: run.trigger,
    requestedAt: run.requestedAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    cancelRequestedAt: run.cancelRequestedAt?.toISOString() ?? null,
    params: run.params,
    stats: Object.fromEntries(clients.map((entry) => [entry.slug, entry.stats])),
    summary: summary && { clients: summary.clients, byStatus: summary.byStatus, totals: summary.totals },
    clients: { href: `/api/jobs/${run.id}/clients`, complete: clients.length === (summary?.clients ?? 0) },
    error: run.error,
  };
}

/** One client of a run in its client listing. */
export function toRunClientView(entry: ClientRunEntry) {
  return { slug: entry.slug, ...entry.stats };
}
