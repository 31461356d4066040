import type { RecurringJobKind } from '../../domain/jobs/job-run.js';

/** The pg-boss queues of the service; the in-process scheduler reports its backlog under the same names. */
export const QUEUES = {
  fanOut: 'job-run-fan-out',
  client: 'job-run-client',
  fanOutAbandoned: 'job-run-fan-out-abandoned',
  clientAbandoned: 'job-run-client-abandoned',
  prune: 'job-history-prune',
  /** One per recurring kind: the timekeeper sends a job to it on each tick of its cron. */
  schedule: { import: 'scheduled-import', 'contacts-sync': 'scheduled-contacts-sync' } satisfies Record<RecurringJobKind, string>,
  /** One job per (kind, tick), whatever the timekeeper sent: its id is derived from the tick. */
  tick: 'scheduled-run-tick',
} as const;
