import { countOf, type ClientRunStats, type JobKind } from '../../domain/jobs/job-run.js';
import type { JobRunView } from './admin-api-client.js';

type Counter = Extract<keyof ClientRunStats, 'pages' | 'tickets' | 'messages' | 'contacts' | 'tags' | 'deletedContacts' | 'upstreamRequests'>;

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
    ['tags', 'tag links'],
    ['deletedContacts', 'deleted'],
  ],
  // A reconcile's tickets, messages and contacts are its findings (in the summary per client), not counters.
  reconcile: [
    ['pages', 'pages'],
    ['upstreamRequests', 'requests'],
  ],
  backfill: [
    ['pages', 'pages'],
    ['tickets', 'tickets'],
    ['messages', 'messages'],
  ],
};

const FINISHED_CLIENT = new Set(['succeeded', 'failed', 'cancelled']);

export interface RunProgress {
  status: string;
  /**
   * How far the run is, 0 to 1: the mean over its clients of each one's share done — 1 when it
   * has finished, else the items it walked over the upstream's count of them (tickets for an
   * import, contacts for a sync), 0 while there is no count. An estimate: the upstream's data
   * changes while it is walked.
   */
  done: number;
  clientsFinished: number;
  /** Clients in the run; 0 until the run has been fanned out to its clients. */
  clients: number;
  /** Summed over the run's clients, in display order. */
  counters: { label: string; value: number }[];
  /** The clients shown whose requests wait for their rate budget (or a Retry-After), longest first. */
  waiting: { slug: string; since: string }[];
}

/** How many waiting clients are named; the others are counted. */
const WAITING_NAMED = 3;

export function progressOf(run: JobRunView): RunProgress {
  const summary = run.summary;
  if (!summary) return { status: run.status, done: 0, clientsFinished: 0, clients: 0, counters: COUNTERS[run.kind].map(([, label]) => ({ label, value: 0 })), waiting: [] };
  const finished = summary.byStatus.succeeded + summary.byStatus.failed + summary.byStatus.cancelled;
  // A large run shows only some of its clients: those not shown and not finished count as not started.
  const unfinishedShown = Object.values(run.stats).filter((stats) => !FINISHED_CLIENT.has(stats.status));
  return {
    status: run.status,
    done: summary.clients ? (finished + unfinishedShown.reduce((sum, stats) => sum + shareDone(run.kind, stats), 0)) / summary.clients : 0,
    clientsFinished: finished,
    clients: summary.clients,
    counters: COUNTERS[run.kind].map(([key, label]) => ({ label, value: summary.totals[key] })),
    waiting: Object.entries(run.stats)
      .flatMap(([slug, stats]) => (stats.status === 'running' && stats.waitingForBudgetSince ? [{ slug, since: stats.waitingForBudgetSince }] : []))
      .sort((a, b) => a.since.localeCompare(b.since)),
  };
}

/** `acme waiting for its rate budget since 10:00:00Z` — stable while the wait lasts, so a plain log gets one line per wait. */
export function waitingSinceText(waiting: RunProgress['waiting']): string {
  if (waiting.length === 0) return '';
  const named = waiting.slice(0, WAITING_NAMED).map(({ slug, since }) => `${slug} since ${since.slice(11, 19)}Z`);
  const more = waiting.length > WAITING_NAMED ? ` and ${waiting.length - WAITING_NAMED} more` : '';
  return `waiting for the rate budget: ${named.join(', ')}${more}`;
}

/** `waiting for the rate budget: acme 42 s` — for a live bar, which redraws every second. */
export function waitingForText(waiting: RunProgress['waiting'], now = Date.now()): string {
  if (waiting.length === 0) return '';
  const named = waiting.slice(0, WAITING_NAMED).map(({ slug, since }) => `${slug} ${Math.max(0, Math.round((now - Date.parse(since)) / 1000))} s`);
  const more = waiting.length > WAITING_NAMED ? ` and ${waiting.length - WAITING_NAMED} more` : '';
  return `waiting for the rate budget: ${named.join(', ')}${more}`;
}

function shareDone(kind: JobKind, stats: ClientRunStats): number {
  const [walked, expected] = kind === 'contacts-sync' ? [countOf(stats.contacts) ?? 0, stats.expectedContacts] : [stats.listedTickets ?? 0, stats.expectedTickets];
  return expected ? Math.min(1, walked / expected) : 0;
}

/** `import running: 42%, 1/2 clients finished, pages 3, tickets 300, messages 5120`: plain ASCII, for logs. */
export function progressLine(run: JobRunView): string {
  const progress = progressOf(run);
  const counters = progress.counters.map(({ label, value }) => `${label} ${value}`).join(', ');
  const waiting = waitingSinceText(progress.waiting);
  return `${run.kind} ${progress.status}: ${Math.floor(progress.done * 100)}%, ${progress.clientsFinished}/${progress.clients} clients finished, ${counters}${waiting ? `; ${waiting}` : ''}`;
}
