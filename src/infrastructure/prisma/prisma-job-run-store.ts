import { inject, injectable } from 'tsyringe';
import type { ClientRunStats, FinishedJobStatus, JobKind, JobRun, JobRunFilter, JobStatus, JobTrigger } from '../../domain/jobs/job-run.js';
import type { JobRunStore, QueuedRun } from '../../domain/ports/job-run-store.port.js';
import type { JobRun as JobRunRow } from '../../generated/prisma/client.js';
import type { PrismaClient } from '../database/prisma-client.js';
import { INFRA_TOKENS } from '../infra-tokens.js';
import type { ImporterMetrics } from '../metrics/importer-metrics.js';

const COLUMNS = `id, kind, slug, status, trigger, requested_at AS "requestedAt", last_requested_at AS "lastRequestedAt", started_at AS "startedAt", finished_at AS "finishedAt",
                 stats, error, cancel_requested_at AS "cancelRequestedAt"`;

/**
 * Every write is one statement that touches only what it owns (one client's entry of `stats`,
 * a status moving forward from an expected one), so workers in several processes can update
 * the same run at once without losing each other's writes.
 */
@injectable()
export class PrismaJobRunStore implements JobRunStore {
  constructor(
    @inject(INFRA_TOKENS.Prisma) private readonly prisma: PrismaClient,
    @inject(INFRA_TOKENS.Metrics) private readonly metrics: ImporterMetrics,
  ) {}

  /**
   * One statement: insert a queued run or, the partial unique index
   * `job_runs_one_queued_per_target` refusing a second queued run for the same kind and slug,
   * join the one already queued and move its `last_requested_at` to now. Atomic across
   * concurrent triggers and processes.
   */
  async enqueue(kind: JobKind, slug: string, trigger: JobTrigger): Promise<QueuedRun> {
    const rows = await this.prisma.$queryRawUnsafe<(JobRunRow & { coalesced: boolean })[]>(
      `INSERT INTO job_runs (kind, slug, trigger) VALUES ($1, $2, $3)
       ON CONFLICT (kind, slug) WHERE status = 'queued' DO UPDATE SET last_requested_at = now()
       RETURNING ${COLUMNS}, (xmax <> 0) AS coalesced`,
      kind,
      slug,
      trigger,
    );
    return { run: toJobRun(rows[0]!), coalesced: rows[0]!.coalesced };
  }

  async findById(id: string): Promise<JobRun | null> {
    const row = await this.prisma.jobRun.findUnique({ where: { id } });
    return row ? toJobRun(row) : null;
  }

  async list(filter: JobRunFilter): Promise<JobRun[]> {
    const rows = await this.prisma.jobRun.findMany({
      where: { kind: filter.kind, slug: filter.slug, status: filter.status, trigger: filter.trigger },
      orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
    });
    return rows.map(toJobRun);
  }

  async addClients(id: string, slugs: string[]): Promise<void> {
    const queued = Object.fromEntries(slugs.map((slug) => [slug, { status: 'queued', pages: 0, upstreamRequests: 0, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null }]));
    // Existing entries win: a repeated fan-out must not reset a client already under way.
    await this.prisma.$executeRaw`
      UPDATE job_runs SET stats = ${JSON.stringify(queued)}::jsonb || stats
      WHERE id = ${id}::uuid AND status IN ('queued', 'running')`;
  }

  async markRunning(id: string): Promise<JobRun | null> {
    await this.prisma.$executeRaw`UPDATE job_runs SET status = 'running', started_at = now() WHERE id = ${id}::uuid AND status = 'queued'`;
    const run = await this.findById(id);
    return run?.status === 'running' ? run : null;
  }

  async saveClientStats(id: string, slug: string, stats: ClientRunStats): Promise<JobRun> {
    const rows = await this.prisma.$queryRawUnsafe<JobRunRow[]>(
      `UPDATE job_runs SET stats = jsonb_set(stats, ARRAY[$2::text], $3::jsonb) WHERE id = $1::uuid RETURNING ${COLUMNS}`,
      id,
      slug,
      JSON.stringify(stats),
    );
    if (!rows[0]) throw new Error(`job run ${id} vanished`);
    return toJobRun(rows[0]);
  }

  async finish(id: string, status: FinishedJobStatus, error: string | null): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<Pick<JobRunRow, 'kind' | 'status' | 'requestedAt' | 'startedAt' | 'finishedAt'>[]>`
      UPDATE job_runs SET status = ${status}, error = ${error}, finished_at = now()
      WHERE id = ${id}::uuid AND status IN ('queued', 'running')
      RETURNING kind, status, requested_at AS "requestedAt", started_at AS "startedAt", finished_at AS "finishedAt"`;
    if (rows[0]) this.observeEnd(rows[0]);
    return rows.length > 0;
  }

  /**
   * A queued run ends at once, its clients' entries marked cancelled too (none of them will
   * start). The status the run had is read in the same statement: only a queued run ends here
   * (a running one ends when its last client stops, and is measured there).
   */
  async requestCancel(id: string): Promise<JobRun | null> {
    const rows = await this.prisma.$queryRawUnsafe<(JobRunRow & { previousStatus: string })[]>(
      `WITH previous AS (SELECT status AS previous_status FROM job_runs WHERE id = $1::uuid AND status IN ('queued', 'running') FOR UPDATE)
       UPDATE job_runs SET
         status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
         finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END,
         stats = CASE WHEN status = 'queued'
                   THEN COALESCE((SELECT jsonb_object_agg(key, value || '{"status":"cancelled"}') FROM jsonb_each(stats)), '{}')
                   ELSE stats END,
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

  async findRunCoveringClient(kind: JobKind, slug: string, since: Date, exceptRunId: string): Promise<string | null> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM job_runs
      WHERE kind = ${kind} AND id <> ${exceptRunId}::uuid AND requested_at >= ${since}::timestamptz - interval '1 day'
        AND stats -> ${slug} ->> 'status' = 'succeeded'
        AND (stats -> ${slug} ->> 'startedAt')::timestamptz >= ${since}::timestamptz
      LIMIT 1`;
    return rows[0]?.id ?? null;
  }

  async currentTime(): Promise<Date> {
    const rows = await this.prisma.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
    return rows[0]!.now;
  }

  async deleteFinishedBefore(before: Date): Promise<number> {
    const { count } = await this.prisma.jobRun.deleteMany({
      where: { requestedAt: { lt: before }, status: { in: ['succeeded', 'failed', 'cancelled'] } },
    });
    return count;
  }
}

function toJobRun(row: JobRunRow): JobRun {
  return {
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
  };
}
