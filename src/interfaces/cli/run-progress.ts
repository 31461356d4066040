import type { ClientRunStats, JobKind } from '../../domain/jobs/job-run.js';
import type { JobRunView } from './admin-api-client.js';

type Counter = Extract<keyof ClientRunStats, 'pages' | 'tickets' | 'messages' | 'contacts' | 'tags' | 'deletedContacts'>;

/** The per-client counters worth following for each kind of job, with the label they are shown under. */
export const COUNTERS: Record<JobKind, readonly (readonly [Counter, string])[]> = {
  import: [
    ['pages', 'pages'],
    ['tickets', 'tickets'],
    ['messages', 'messages'],
  ],
  'contacts-sync': [
    ['pages', 'pages'],
    ['contacts', 'contacts'],
    ['tags', 'tags'],
    ['deletedContacts', 'deleted'],
  ],
};

const FINISHED_CLIENT = new Set(['succeeded', 'failed', 'cancelled']);

export interface RunProgress {
  status: string;
  clientsFinished: number;
  /** Clients in the run; 0 until the run has been fanned out to its clients. */
  clients: number;
  /** Summed over the run's clients, in display order. */
  counters: { label: string; value: number }[];
}

export function progressOf(run: JobRunView): RunProgress {
  const clients = Object.values(run.stats);
  return {
    status: run.status,
    clientsFinished: clients.filter((stats) => FINISHED_CLIENT.has(stats.status)).length,
    clients: clients.length,
    counters: COUNTERS[run.kind].map(([key, label]) => ({ label, value: clients.reduce((sum, stats) => sum + (stats[key] ?? 0), 0) })),
  };
}

/** `import running: 1/2 clients finished, pages 3, tickets 300, messages 5120`: plain ASCII, for logs. */
export function progressLine(run: JobRunView): string {
  const progress = progressOf(run);
  const counters = progress.counters.map(({ label, value }) => `${label} ${value}`).join(', ');
  return `${run.kind} ${progress.status}: ${progress.clientsFinished}/${progress.clients} clients finished, ${counters}`;
}
