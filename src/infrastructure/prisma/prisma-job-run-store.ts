import type pg from 'pg';
import { inject, injectable } from 'tsyringe';
import {
  CLIENT_RUN_STATUSES,
  isClientFinished,
  JobRun,
  SUMMED_COUNTERS,
  canonicalParams,
  type ClientRunEntry,
  type ClientRunFilter,
  type ClientRunStats,
  type ClientRunStatus,
  type ClientTally,
  type FinishedJobStatus,
  type JobKind,
  type JobRunFilter,
  type JobRunParams,
  type JobStatus,
  type JobTrigger,
  type RunSummary,
} from '../../domain/jobs/job-run.js';
import { TOKENS } from '../../application/tokens.js';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { JobRunStore, QueuedRun, RunTarget } from '../../domain/ports/job-run-store.port.js';
import { CLIENTS_IN_RUN_EVENT, clientShareFinishedEvents, runFinishedEvent, type OutgoingEvent, type RunOfShare } from '../../domain/webhooks/webhook-event.js';
import type { JobRun as JobRunRow } from '../../generated/prisma/client.js';
import type { PrismaClient } from '../database/prisma-client.js';
import { INFRA_TOKENS } from '../infra-tokens.js';
import type { ImporterMetrics } from '../metrics/importer-metrics.js';
import type { WebhookOutbox } from '../webhooks/webhook-outbox.js';

/** What runs this store's reads: the client itself, or one of its transactions. */
type Db = Pick<PrismaClient, '$queryRaw' | '$queryRawUnsafe' | '$executeRawUnsafe'>;

const COLUMNS = `id, kind, slug, status, trigger, requested_at AS "requestedAt", last_requested_at AS "lastRequestedAt", started_at AS "startedAt", finished_at AS "finishedAt",
                 stats, error, cancel_requested_at AS "cancelRequestedAt", params`;

/** A finished run's row without its stats (copied from its clients, possibly thousands of them). */
const COLUMNS_BUT_STATS = COLUMNS.replace('stats,', `'{}'::jsonb AS stats,`);

/** Replaces one client's row of a run ($1 run, $2 slug, $3 status, $4 stats, $5 started at). */
const UPSERT_CLIENT_ROW = `INSERT INTO job_run_clients (run_id, slug, status, stats, started_at, updated_at)
  VALUES ($1::uuid, $2, $3, $4::jsonb, $5::timestamptz, now())
  ON CONFLICT (run_id, slug) DO UPDATE SET status = excluded.status, stats = excluded.stats, started_at = excluded.started_at, updated_at = now()
  RETURNING run_id`;

/** A cancel's transaction waits this long for a connection and may last this long: far beyond a healthy pool's needs. */
const CANCEL_TRANSACTION_LIMITS = { maxWait: 60_000, timeout: 60_000 };

/** How many failed clients a tally names (the run's error names them). */
const FAILURES_LISTED = 20;

/**
 * Every write is one statement that touches only what it owns (one client's row of
 * `job_run_clients`, a status moving forward from an expected one), so workers in several
 * processes can update the same run at once without losing each other's writes, and a
 * checkpoint costs the same in a run of one client as in a run of a thousand.
 *
 * Finishing a run or a client's share also queues its webhook events (when this process queues
 * any, see receiversToQueue) in the same statement: the event exists exactly when the finish
 * was committed. Which events, for whom and once: see JobRunStore.
 */
@injectable()
export class PrismaJobRunStore implements JobRunStore {
  constructor(
    @inject(INFRA_TOKENS.Prisma) private readonly prisma: PrismaClient,
    @inject(INFRA_TOKENS.Pool) private readonly pool: pg.Pool,
    @inject(INFRA_TOKENS.Metrics) private readonly metrics: ImporterMetrics,
    @inject(INFRA_TOKENS.WebhookOutbox) private readonly outbox: WebhookOutbox,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /**
   * One statement: insert a queued run or, the partial unique index
   * `job_runs_one_queued_per_target` refusing a second queued run for the same kind, slug and
   * parameters, join the one already queued and move its `last_requested_at` to now. Atomic
   * across concurrent triggers and processes. Through the pool Prisma itself runs on, not
   * Prisma: this is a trigger's one statement, and Prisma's own work per query was a large share
   * of a trigger's cost under a storm of them.
   */
  async enqueue(kind: JobKind, slug: string, trigger: JobTrigger, params: JobRunParams = {}): Promise<QueuedRun> {
    const { rows } = await this.pool.query<JobRunRow & { coalesced: boolean }>(
      `INSERT INTO job_runs (kind, slug, trigger, params) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (kind, slug, params) WHERE status = 'queued' DO UPDATE SET last_requested_at = now()
       RETURNING ${COLUMNS}, (xmax <> 0) AS coalesced`,
      [kind, slug, trigger, JSON.stringify(canonicalParams(params))],
    );
    return { run: toJobRun(rows[0]!), coalesced: rows[0]!.coalesced };
  }

  async findById(id: string): Promise<JobRun | null> {
    const row = await this.prisma.jobRun.findUnique({ where: { id } });
    return row ? toJobRun(row) : null;
  }

  async list(filter: JobRunFilter): Promise<JobRun[]> {
    const after = filter.before === undefined ? null : await this.prisma.jobRun.findUnique({ where: { id: filter.before }, select: { id: true, requestedAt: true } });
    // A page after a run that is gone (pruned) has nothing to follow.
    if (filter.before !== undefined && !after) return [];
    const rows = await this.prisma.jobRun.findMany({
      where: {
        kind: filter.kind,
        slug: filter.slug,
        status: filter.status,
        trigger: filter.trigger,
        ...(after ? { OR: [{ requestedAt: { lt: after.requestedAt } }, { requestedAt: after.requestedAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
    });
    return rows.map(toJobRun);
  }

  async addClients(id: string, targets: RunTarget[]): Promise<void> {
    // Existing rows win: a repeated fan-out must not reset a client already under way. A client
    // recorded with no id (its client deleted before the rows were migrated) comes back as ''.
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO job_run_clients (run_id, slug, client_id, stats)
       SELECT $1::uuid, t.slug, NULLIF(t.client_id, '')::uuid, $4::jsonb FROM unnest($2::text[], $3::text[]) AS t(slug, client_id)
       WHERE EXISTS (SELECT 1 FROM job_runs WHERE id = $1::uuid AND status IN ('queued', 'running'))
       ON CONFLICT (run_id, slug) DO NOTHING`,
      id,
      targets.map((t) => t.slug),
      targets.map((t) => t.clientId),
      JSON.stringify({ status: 'queued', pages: 0, upstreamRequests: 0, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null } satisfies ClientRunStats),
    );
  }

  async targetsOf(id: string): Promise<RunTarget[]> {
    const rows = await this.prisma.$queryRaw<{ slug: string; clientId: string | null }[]>`
      SELECT slug, client_id AS "clientId" FROM job_run_clients WHERE run_id = ${id}::uuid ORDER BY slug`;
    return rows.map((row) => ({ slug: row.slug, clientId: row.clientId ?? '' }));
  }

  async findClient(id: string, slug: string): Promise<ClientRunStats | null> {
    const rows = await this.prisma.$queryRaw<{ stats: ClientRunStats }[]>`SELECT stats FROM job_run_clients WHERE run_id = ${id}::uuid AND slug = ${slug}`;
    return rows[0]?.stats ?? null;
  }

  async listClients(id: string, filter: ClientRunFilter, db: Db = this.prisma): Promise<ClientRunEntry[]> {
    const rows = await db.$queryRawUnsafe<ClientRunEntry[]>(
      `SELECT slug, stats FROM job_run_clients
       WHERE run_id = $1::uuid AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR slug > $3)
       ORDER BY slug LIMIT $4`,
      id,
      filter.status ?? null,
      filter.after ?? null,
      filter.limit,
    );
    return rows;
  }

  async recentClients(ids: string[], limit: number): Promise<Map<string, ClientRunEntry[]>> {
    const found = new Map<string, ClientRunEntry[]>();
    if (ids.length === 0) return found;
    const rows = await this.prisma.$queryRawUnsafe<(ClientRunEntry & { runId: string })[]>(
      `SELECT r.id AS "runId", c.slug, c.stats
       FROM unnest($1::uuid[]) AS r(id)
       CROSS JOIN LATERAL (SELECT slug, stats FROM job_run_clients WHERE run_id = r.id ORDER BY updated_at DESC, slug LIMIT $2) c`,
      ids,
      limit,
    );
    for (const { runId, slug, stats } of rows) found.set(runId, [...(found.get(runId) ?? []), { slug, stats }]);
    return found;
  }

  async summarize(ids: string[], db: Db = this.prisma): Promise<Map<string, RunSummary>> {
    if (ids.length === 0) return new Map();
    // A reconcile's `tickets`, `messages` and `contacts` are objects (its findings), not counts: left out of the sums.
    const sums = SUMMED_COUNTERS.map((key) => `COALESCE(sum(CASE WHEN jsonb_typeof(stats -> '${key}') = 'number' THEN (stats ->> '${key}')::bigint END), 0)::bigint AS "${key}"`).join(', ');
    const rows = await db.$queryRawUnsafe<(Record<string, string | number> & { runId: string; status: ClientRunStatus; clients: number })[]>(
      `SELECT run_id AS "runId", status, count(*)::int AS clients, ${sums}
       FROM job_run_clients WHERE run_id = ANY($1::uuid[]) GROUP BY run_id, status`,
      ids,
    );
    const summaries = new Map<string, RunSummary>();
    for (const row of rows) {
      const summary = summaries.get(row.runId) ?? emptySummary();
      summary.clients += row.clients;
      summary.byStatus[row.status] += row.clients;
      for (const key of SUMMED_COUNTERS) summary.totals[key] += Number(row[key]);
      summaries.set(row.runId, summary);
    }
    const failures = await this.failures(ids.filter((id) => (summaries.get(id)?.byStatus.failed ?? 0) > 0), db);
    for (const [runId, list] of failures) summaries.get(runId)!.failures = list;
    return summaries;
  }

  async tally(id: string): Promise<ClientTally> {
    const rows = await this.prisma.$queryRaw<{ status: ClientRunStatus; clients: number }[]>`
      SELECT status, count(*)::int AS clients FROM job_run_clients WHERE run_id = ${id}::uuid GROUP BY status`;
    const tally: ClientTally = { clients: 0, byStatus: noClients(), failures: [] };
    for (const row of rows) {
      tally.clients += row.clients;
      tally.byStatus[row.status] += row.clients;
    }
    if (tally.byStatus.failed) tally.failures = (await this.failures([id])).get(id) ?? [];
    return tally;
  }

  private async failures(ids: string[], db: Db = this.prisma): Promise<Map<string, { slug: string; error: string }[]>> {
    const found = new Map<string, { slug: string; error: string }[]>();
    if (ids.length === 0) return found;
    const rows = await db.$queryRawUnsafe<{ runId: string; slug: string; error: string | null }[]>(
      `SELECT f.run_id AS "runId", f.slug, f.stats ->> 'error' AS error
       FROM unnest($1::uuid[]) AS r(id)
       CROSS JOIN LATERAL (SELECT run_id, slug, stats FROM job_run_clients WHERE run_id = r.id AND status = 'failed' ORDER BY slug LIMIT ${FAILURES_LISTED}) f`,
      ids,
    );
    for (const row of rows) found.set(row.runId, [...(found.get(row.runId) ?? []), { slug: row.slug, error: row.error ?? 'failed' }]);
    return found;
  }

  async markRunning(id: string): Promise<JobRun | null> {
    // One statement: the first client of a run starts it, every later one reads it as it is.
    const rows = await this.prisma.$queryRawUnsafe<JobRunRow[]>(
      `WITH started AS (
         UPDATE job_runs SET status = 'running', started_at = now() WHERE id = $1::uuid AND status = 'queued' RETURNING ${COLUMNS})
       SELECT * FROM started
       UNION ALL
       SELECT ${COLUMNS} FROM job_runs WHERE id = $1::uuid AND NOT EXISTS (SELECT 1 FROM started)`,
      id,
    );
    const run = rows[0] ? toJobRun(rows[0]) : null;
    // Still queued in this statement's snapshot: another client of the run marked it running
    // meanwhile (this update waited for its row lock, then matched nothing). Read it again.
    if (run?.status === 'queued') {
      const current = await this.findById(id);
      return current?.status === 'running' ? current : null;
    }
    return run?.status === 'running' ? run : null;
  }

  async saveClientStats(id: string, slug: string, stats: ClientRunStats): Promise<{ stopRequested: boolean }> {
    // A checkpoint (the hot path) queues nothing; the save that ends a share also queues its events.
    const run = this.outbox.active && isClientFinished(stats.status) ? await this.runOfShare(id) : null;
    const events = run ? clientShareFinishedEvents(run, slug, stats, this.clock.now()) : [];
    const queue = this.outbox.insert(events, 6, 'EXISTS (SELECT 1 FROM saved)');
    // One statement either way: the share's end and its events commit together, and the save
    // waits for a connection like any statement (no transaction to open under load).
    const rows = await this.prisma.$queryRawUnsafe<{ stopRequested: boolean }[]>(
      `WITH saved AS (${UPSERT_CLIENT_ROW})${queue ? `, queued AS (${queue.sql})` : ''}
       SELECT (r.status NOT IN ('queued', 'running') OR r.cancel_requested_at IS NOT NULL) AS "stopRequested"
       FROM saved JOIN job_runs r ON r.id = saved.run_id`,
      id,
      slug,
      stats.status,
      JSON.stringify(stats),
      stats.startedAt ?? null,
      ...(queue?.values ?? []),
    );
    if (!rows[0]) throw new Error(`job run ${id} vanished`);
    return rows[0];
  }

  /** What a share's events say of its run; what they read never changes once the run exists. */
  private async runOfShare(id: string): Promise<RunOfShare | null> {
    const rows = await this.prisma.$queryRaw<RunOfShare[]>`SELECT id, kind, slug, trigger FROM job_runs WHERE id = ${id}::uuid`;
    return rows[0] ?? null;
  }

  async finish(id: string, status: FinishedJobStatus, error: string | null): Promise<boolean> {
    const event = this.outbox.active ? await this.runFinishedEventOf(id, status, error) : null;
    const queue = event ? this.outbox.insert([event.outgoing], 5, 'EXISTS (SELECT 1 FROM finished)') : null;
    // One statement: the run's end and its event commit together. Ended at the time the event says (the database's clock, read just before).
    const rows = await this.prisma.$queryRawUnsafe<JobRunRow[]>(
      `WITH finished AS (
         UPDATE job_runs SET status = $2, error = $3, finished_at = COALESCE($4::timestamptz, now()),
           stats = COALESCE((SELECT jsonb_object_agg(slug, stats ORDER BY slug) FROM job_run_clients WHERE run_id = $1::uuid), '{}')
         WHERE id = $1::uuid AND status IN ('queued', 'running')
         RETURNING ${COLUMNS_BUT_STATS})${queue ? `, queued AS (${queue.sql})` : ''}
       SELECT * FROM finished`,
      id,
      status,
      error,
      event?.finishedAt ?? null,
      ...(queue?.values ?? []),
    );
    const run = rows[0] ? toJobRun(rows[0]) : null;
    if (run) this.observeEnd(run);
    return run !== null;
  }

  /**
   * The run.finished of a run about to end, read before the statement that ends it: its clients
   * have all stopped by then (or are told to), and the end's time is the database's now. Null
   * when the run has already ended.
   */
  private async runFinishedEventOf(id: string, status: FinishedJobStatus, error: string | null): Promise<{ outgoing: OutgoingEvent; finishedAt: Date } | null> {
    const rows = await this.prisma.$queryRawUnsafe<(JobRunRow & { now: Date })[]>(`SELECT ${COLUMNS_BUT_STATS}, now() AS now FROM job_runs WHERE id = $1::uuid`, id);
    const row = rows[0];
    if (!row || (row.status !== 'queued' && row.status !== 'running')) return null;
    const run = toJobRun({ ...row, status, error, finishedAt: row.now });
    return { outgoing: await this.runFinishedEvent(this.prisma, run), finishedAt: row.now };
  }

  private async runFinishedEvent(db: Db, run: JobRun): Promise<OutgoingEvent> {
    const summary = (await this.summarize([run.id], db)).get(run.id) ?? null;
    const clients = summary && summary.clients <= CLIENTS_IN_RUN_EVENT ? await this.listClients(run.id, { limit: CLIENTS_IN_RUN_EVENT }, db) : [];
    return runFinishedEvent(run, summary, clients);
  }

  /**
   * A queued run ends at once, its clients' rows marked cancelled too (none of them will
   * start). The status the run had is read in the same statement: only a queued run ends here
   * (a running one ends when its last client stops, and is measured there).
   */
  async requestCancel(id: string): Promise<JobRun | null> {
    if (!this.outbox.active) return this.cancel(this.prisma, id);
    // Rare (an operator's cancel) and its events read what the cancel wrote: a transaction, with
    // limits far above what a healthy pool needs, so a busy pool makes it wait rather than fail.
    return this.prisma.$transaction(
      async (tx) => {
        const run = await this.cancel(tx, id);
        // Only a queued run ends here; a running one ends (with its events) when its last client stops.
        if (run?.finished) {
          const clients = await tx.$queryRaw<ClientRunEntry[]>`SELECT slug, stats FROM job_run_clients WHERE run_id = ${id}::uuid ORDER BY slug`;
          const shares = clients.flatMap(({ slug, stats }) => clientShareFinishedEvents(run, slug, stats, run.finishedAt!));
          const queue = this.outbox.insert([...shares, await this.runFinishedEvent(tx, run)], 1);
          if (queue) await tx.$executeRawUnsafe(queue.sql, ...queue.values);
        }
        return run;
      },
      CANCEL_TRANSACTION_LIMITS,
    );
  }

  private async cancel(db: Db, id: string): Promise<JobRun | null> {
    const rows = await db.$queryRawUnsafe<(JobRunRow & { previousStatus: string })[]>(
      `WITH previous AS (SELECT status AS previous_status FROM job_runs WHERE id = $1::uuid AND status IN ('queued', 'running') FOR UPDATE),
       cancelled_clients AS (
         UPDATE job_run_clients SET status = 'cancelled', stats = stats || '{"status":"cancelled"}', updated_at = now()
         WHERE run_id = $1::uuid AND EXISTS (SELECT 1 FROM previous WHERE previous_status = 'queued')
         RETURNING slug, stats)
       UPDATE job_runs SET
         status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
         finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END,
         stats = CASE WHEN status = 'queued' THEN COALESCE((SELECT jsonb_object_agg(slug, stats) FROM cancelled_clients), '{}') ELSE stats END,
         cancel_requested_at = COALESCE(cancel_requested_at, now())
       FROM previous
       WHERE id = $1::uuid
       RETURNING ${COLUMNS}, previous_status AS "previousStatus"`,
      id,
    );
    const row = rows[0];
    if (!row) return null;
    const run = toJobRun(row);
    if (row.previousStatus === 'queued') this.observeEnd(run);
    return run;
  }

  private observeEnd(run: { kind: string; status: string; requestedAt: Date; startedAt: Date | null; finishedAt: Date | null }): void {
    const from = run.startedAt ?? run.requestedAt;
    this.metrics.runEnded(run.kind, run.status, Math.max(0, (run.finishedAt!.getTime() - from.getTime()) / 1000));
  }

  async findRunCoveringClient(kind: JobKind, slug: string, since: Date, exceptRunId: string, params: JobRunParams = {}): Promise<string | null> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT c.run_id AS id FROM job_run_clients c JOIN job_runs r ON r.id = c.run_id
      WHERE c.slug = ${slug} AND c.status = 'succeeded' AND c.started_at >= ${since}::timestamptz
        AND r.kind = ${kind} AND r.params = ${JSON.stringify(canonicalParams(params))}::jsonb AND c.run_id <> ${exceptRunId}::uuid
      LIMIT 1`;
    return rows[0]?.id ?? null;
  }

  async currentTime(): Promise<Date> {
    const rows = await this.prisma.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
    return rows[0]!.now;
  }

  async deleteFinishedBefore(before: Date): Promise<number> {
    // A run goes with its deliveries (cascade): one whose deliveries are still being tried stays until they settle or their window ends.
    return this.prisma.$executeRaw`
      DELETE FROM job_runs r
      WHERE r.status IN ('succeeded', 'failed', 'cancelled') AND r.finished_at < ${before}::timestamptz
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.run_id = r.id AND d.status = 'pending' AND d.give_up_at > now())`;
  }
}

function noClients(): Record<ClientRunStatus, number> {
  return Object.fromEntries(CLIENT_RUN_STATUSES.map((status) => [status, 0])) as Record<ClientRunStatus, number>;
}

function emptySummary(): RunSummary {
  return { clients: 0, byStatus: noClients(), failures: [], totals: Object.fromEntries(SUMMED_COUNTERS.map((key) => [key, 0])) as RunSummary['totals'] };
}

function toJobRun(row: JobRunRow): JobRun {
  return new JobRun({
    id: row.id,
    kind: row.kind as JobKind,
    slug: row.slug,
    status: row.status as JobStatus,
    trigger: row.trigger as JobTrigger,
    requestedAt: row.requestedAt,
    lastRequestedAt: row.lastRequestedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    stats: (row.stats ?? {}) as unknown as Record<string, ClientRunStats>,
    error: row.error,
    cancelRequestedAt: row.cancelRequestedAt,
    params: (row.params ?? {}) as JobRunParams,
  });
}
