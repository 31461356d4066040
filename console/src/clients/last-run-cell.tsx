import type { ClientLastRun } from '../api/types.js';
import { durationBetween, formatDuration, formatTime, isFinished, progressPercent, shortId, stepText } from '../shared/format.js';
import { hrefOf } from '../shared/router.js';
import { ProgressBar, StatusBadge } from '../shared/widgets.js';

/** A client's latest run of one kind: status, when, how long; a progress bar while it runs. */
export function LastRunCell({ slug, kind, run }: { slug: string; kind: string; run: ClientLastRun | undefined }) {
  if (!run) return <span class="muted">never</span>;
  const live = !isFinished(run.status);
  return (
    <div class="last-run">
      <a href={hrefOf({ page: 'run', id: run.runId })} aria-label={`${kind} run ${shortId(run.runId)} of ${slug}`}>
        <StatusBadge status={run.status} />
      </a>
      {run.status === 'running' && <ProgressBar percent={progressPercent(run.stats)} label={`${slug} ${kind} progress`} step={stepText(run.stats)} />}
      <span class="muted">{formatTime(run.finishedAt ?? run.startedAt ?? run.requestedAt)}</span>
      <span class="muted">{live ? (run.startedAt ? `for ${formatDuration(durationBetween(run.startedAt, null))}` : 'waiting') : `took ${formatDuration(run.durationMs)}`}</span>
      {run.stats.coveredBy && <span class="muted">covered by run {shortId(run.stats.coveredBy)}</span>}
      {run.error && <span class="error-text">{run.error}</span>}
    </div>
  );
}
