export const JOB_KINDS = ['import', 'contacts-sync'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What created a run: someone asking (the API, the CLI, an embedding service) or a cron tick. */
export const JOB_TRIGGERS = ['manual', 'schedule'] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

/** The slug of a run that covers every active client. */
export const ALL_CLIENTS = 'all';

export type ClientRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const FINISHED_CLIENT_STATUSES: readonly ClientRunStatus[] = ['succeeded', 'failed', 'cancelled'];
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];
export type FinishedJobStatus = Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled'>;

/** Per-client progress of a run, as stored in `job_runs.stats` under the client's slug. */
export interface ClientRunStats {
  status: ClientRunStatus;
  /** When this client's work began (inside its lock) and ended, ISO-8601. */
  startedAt?: string;
  finishedAt?: string;
  pages: number;
  tickets?: number;
  messages?: number;
  skippedTickets?: number;
  /** Imports: tickets walked so far, changed or not; heads for `expectedTickets`. */
  listedTickets?: number;
  /** Imports: the upstream's count of tickets updated since the cursor as the work began (an estimate; null: no count). */
  expectedTickets?: number | null;
  /** Contacts syncs: contacts left in the pass as the work began (an estimate; null: no count); `contacts` heads for it. */
  expectedContacts?: number | null;
  contacts?: number;
  tags?: number;
  deletedContacts?: number;
  upstreamRequests: number;
  retries: number;
  rateLimited: number;
  cursorBefore: string | null;
  cursorAfter: string | null;
  error?: string;
  /** Set when a later-started run of this client already did the work this run was asked for. */
  coveredBy?: string;
}

export interface JobRun {
  id: string;
  kind: JobKind;
  slug: string;
  status: JobStatus;
  /** What created the run; a trigger that joins a queued run does not change it. */
  trigger: JobTrigger;
  requestedAt: Date;
  /** The latest trigger that joined the run while it was queued: the work must cover up to here. */
  lastRequestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  stats: Record<string, ClientRunStats>;
  error: string | null;
  /** When the run was cancelled; clients still working stop at their next page boundary. */
  cancelRequestedAt: Date | null;
}

export interface JobRunFilter {
  kind?: JobKind;
  slug?: string;
  status?: JobStatus;
  trigger?: JobTrigger;
  /** Newest first, at most this many. */
  limit: number;
}
