import type { ComponentChildren } from 'preact';
import type { RunStatus } from '../api/types.js';

/** A client's progress: role progressbar with aria-valuenow; without an estimate, indeterminate (no value). `step`: what the bar measures, shown beside it (a reconcile's step). */
export function ProgressBar({ percent, label, step }: { percent: number | null; label: string; step?: string | null }) {
  const value = percent === null ? 'in progress, no estimate' : `${percent}%`;
  const bar = (
    <div
      class={percent === null ? 'progress progress--indeterminate' : 'progress'}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={step ? `${value}, ${step}` : value}
    >
      {/* The width goes through the CSSOM (element.style), which a CSP without 'unsafe-inline' allows. */}
      <span class="progress__fill" style={{ width: `${percent ?? 100}%` }} />
      <span class="progress__text" aria-hidden="true">
        {percent === null ? '…' : `${percent}%`}
      </span>
    </div>
  );
  if (!step) return bar;
  return (
    <div class="progress-step">
      {bar}
      <span class="muted">{step}</span>
    </div>
  );
}

export function StatusBadge({ status }: { status: RunStatus | string }) {
  return <span class={`status status--${status}`}>{status}</span>;
}

/** A table that scrolls sideways on a narrow screen, reachable with the keyboard. */
export function TableRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-region" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function ErrorNotice({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p class="notice notice--error" role="alert">
      {error}
    </p>
  );
}
