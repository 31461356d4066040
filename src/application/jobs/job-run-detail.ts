import type { ClientRunEntry, JobRun, RunSummary } from '../../domain/jobs/job-run.js';
import type { JobRunStore } from '../../domain/ports/job-run-store.port.js';

/** A run as the status API shows it: the run, counts over all its clients, and the clients themselves up to a bound. */
export interface JobRunDetail {
  run: JobRun;
  /** Null until the run has been fanned out to its clients (or when it targeted none). */
  summary: RunSummary | null;
  /** Every client when the run has at most CLIENTS_SHOWN of them; else the ones updated most recently. */
  clients: ClientRunEntry[];
}

/** How many clients a run's status shows inline; larger runs are paged through their client listing. */
export const CLIENTS_SHOWN = 100;

/** The details of several runs in three statements, whatever their number of clients. */
export async function detailsOf(runs: JobRunStore, list: JobRun[]): Promise<JobRunDetail[]> {
  const ids = list.map((run) => run.id);
  const [summaries, clients] = await Promise.all([runs.summarize(ids), runs.recentClients(ids, CLIENTS_SHOWN)]);
  return list.map((run) => ({ run, summary: summaries.get(run.id) ?? null, clients: (clients.get(run.id) ?? []).sort((a, b) => a.slug.localeCompare(b.slug)) }));
}
