import { createHash } from 'node:crypto';
import type { ClientRunEntry, ClientRunStats, JobRun, RunSummary } from '../jobs/job-run.js';

export const WEBHOOK_EVENT_TYPES = ['run.finished', 'client_run.finished', 'reconcile.drift_detected'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The kind of run whose clients report `drift` (issue 11); compared as a string so this holds before the kind exists. */
export const RECONCILE_KIND = 'reconcile';

/** A run event lists each client's totals up to this many clients (as `GET /api/jobs/:id` does); a larger one gives its summary and the link to its client listing. */
export const CLIENTS_IN_RUN_EVENT = 100;

/** What a webhook says, following the Standard Webhooks payload shape: the body is `{type, timestamp, data}`. */
export interface WebhookEvent {
  type: WebhookEventType;
  /** When it happened, ISO-8601. */
  timestamp: string;
  data: Record<string, unknown>;
}

/** An event to queue, with the client whose own receiver (`webhookUrl`) also gets it, if any. */
export interface OutgoingEvent {
  /** The `webhook-id`: derived from what the event is about (webhookIdOf), so the same event queued twice is one delivery. */
  webhookId: string;
  runId: string;
  /** The client the event is about; null for a run's event. */
  clientSlug: string | null;
  /** Whose `webhookUrl` receives it besides the service's WEBHOOK_URL: a client only ever gets events about itself. */
  audienceSlug: string | null;
  event: WebhookEvent;
}

/**
 * The `webhook-id` of the event of type `type` about run `runId` (and client `clientSlug`): a
 * run ends once and a client's share of it once, so this names the event itself. Queuing is
 * idempotent on it — a share saved as finished a second time (a redelivered job) queues nothing
 * new, and receivers that deduplicate on `webhook-id` never see one happening twice.
 */
export function webhookIdOf(runId: string, clientSlug: string | null, type: WebhookEventType): string {
  const digest = createHash('sha256').update(JSON.stringify([runId, clientSlug, type])).digest('hex');
  return `msg_${digest.slice(0, 32)}`;
}

/** A client's share as events show it: its stats without the transient wait marker. */
function clientShare(stats: ClientRunStats): Omit<ClientRunStats, 'waitingForBudgetSince'> {
  const { waitingForBudgetSince: _transient, ...share } = stats;
  return share;
}

/**
 * `run.finished`: the run, its timings and, for up to CLIENTS_IN_RUN_EVENT clients, each
 * client's totals; always the summary over all of them and the link to its client listing.
 * A client's receiver gets the event of a run of that client alone, never of a run over
 * several clients (it would see the others' figures).
 */
export function runFinishedEvent(run: JobRun, summary: RunSummary | null, clients: ClientRunEntry[]): OutgoingEvent {
  const complete = (summary?.clients ?? 0) <= CLIENTS_IN_RUN_EVENT;
  const startedAt = run.startedAt ?? run.requestedAt;
  const finishedAt = run.finishedAt ?? startedAt;
  return {
    webhookId: webhookIdOf(run.id, null, 'run.finished'),
    runId: run.id,
    clientSlug: null,
    audienceSlug: summary?.clients === 1 && clients[0]?.slug === run.slug ? run.slug : null,
    event: {
      type: 'run.finished',
      timestamp: finishedAt.toISOString(),
      data: {
        id: run.id,
        kind: run.kind,
        slug: run.slug,
        trigger: run.trigger,
        status: run.status,
        error: run.error,
        requestedAt: run.requestedAt.toISOString(),
        startedAt: run.startedAt?.toISOString() ?? null,
        finishedAt: finishedAt.toISOString(),
        durationSeconds: Math.max(0, (finishedAt.getTime() - startedAt.getTime()) / 1000),
        stats: complete ? Object.fromEntries(clients.map(({ slug, stats }) => [slug, clientShare(stats)])) : {},
        summary: summary && { clients: summary.clients, byStatus: summary.byStatus, totals: summary.totals },
        clients: { href: `/api/jobs/${run.id}/clients`, complete },
      },
    },
  };
}

/** The run a client's share belongs to, as its events name it. */
export interface RunOfShare {
  id: string;
  kind: string;
  slug: string;
  trigger: string;
}

/**
 * The events of one client's share that just finished: `client_run.finished` always, and
 * `reconcile.drift_detected` when a reconcile found the client's data drifted from the upstream.
 */
export function clientShareFinishedEvents(run: RunOfShare, slug: string, stats: ClientRunStats, finishedAt: Date): OutgoingEvent[] {
  const share = clientShare(stats);
  const about = { runId: run.id, clientSlug: slug, audienceSlug: slug };
  const timestamp = (stats.finishedAt ? new Date(stats.finishedAt) : finishedAt).toISOString();
  const data = { id: run.id, kind: run.kind, runSlug: run.slug, trigger: run.trigger, client: slug, ...share, error: share.error ?? null };
  const event = (type: WebhookEventType): OutgoingEvent => ({ webhookId: webhookIdOf(run.id, slug, type), ...about, event: { type, timestamp, data } });
  const events = [event('client_run.finished')];
  if (run.kind === RECONCILE_KIND && (stats as { drift?: unknown }).drift === true) events.push(event('reconcile.drift_detected'));
  return events;
}
