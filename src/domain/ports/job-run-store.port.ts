import type { ClientRunStats, JobKind, JobRun, JobStatus } from '../jobs/job-run.js';

export interface QueuedRun {
  run: JobRun;
  /** True when the trigger joined a run that was already queued for the same kind and slug. */
  coalesced: boolean;
}

/** The history of job runs (`job_runs`). */
export interface JobRunStore {
  /** Creates a queued run, or returns the one already queued for the same kind and slug. */
  enqueue(kind: JobKind, slug: string): Promise<QueuedRun>;
  /** Moves a queued run to running; returns null when it is no longer queued (cancelled, taken). */
  claim(id: string): Promise<JobRun | null>;
  saveStats(id: string, stats: Record<string, ClientRunStats>): Promise<void>;
  finish(id: string, status: Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled'>, stats: Record<string, ClientRunStats>, error: string | null): Promise<void>;
  findById(id: string): Promise<JobRun | null>;
}
