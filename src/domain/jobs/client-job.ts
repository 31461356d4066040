import type { JobKind } from './job-run.js';

/** One client's share of a run, as queued for a worker. */
export interface ClientJob {
  runId: string;
  kind: JobKind;
  clientId: string;
  /** The client's key in the run's stats, known even if the client is deleted meanwhile. */
  slug: string;
}

/** One lock per client, whatever the kind of run: held by whoever works on the client. */
export function clientLockKey(clientId: string): string {
  return `client:${clientId}`;
}
