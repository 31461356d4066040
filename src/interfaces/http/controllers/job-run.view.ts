import type { JobRun } from '../../../domain/jobs/job-run.js';

/** How a run is shown by the status API. */
export function toJobRunView(run: JobRun) {
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
    stats: run.stats,
    error: run.error,
  };
}
