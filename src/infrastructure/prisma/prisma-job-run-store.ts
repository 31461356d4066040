import { inject, injectable } from 'tsyringe';
import type { ClientRunStats, JobKind, JobRun, JobStatus } from '../../domain/jobs/job-run.js';
import type { JobRunStore, QueuedRun } from '../../domain/ports/job-run-store.port.js';
import type { JobRun as JobRunRow } from '../../generated/prisma/client.js';
import type { PrismaClient } from '../database/prisma-client.js';
import { INFRA_TOKENS } from '../infra-tokens.js';

@injectable()
export class PrismaJobRunStore implements JobRunStore {
  constructor(@inject(INFRA_TOKENS.Prisma) private readonly prisma: PrismaClient) {}

  /**
   * The partial unique index `job_runs_one_queued_per_target` makes "insert unless one is
   * queued" atomic across concurrent triggers and processes.
   */
  async enqueue(kind: JobKind, slug: string): Promise<QueuedRun> {
    for (;;) {
      const inserted = await this.prisma.$queryRaw<JobRunRow[]>`
        INSERT INTO job_runs (kind, slug) VALUES (${kind}, ${slug})
        ON CONFLICT (kind, slug) WHERE status = 'queued' DO NOTHING
        RETURNING id, kind, slug, status, requested_at AS "requestedAt", started_at AS "startedAt",
                  finished_at AS "finishedAt", stats, error`;
      if (inserted[0]) return { run: toJobRun(inserted[0]), coalesced: false };
      const queued = await this.prisma.jobRun.findFirst({ where: { kind, slug, status: 'queued' } });
      // Between the two statements the queued run may have started: try again.
      if (queued) return { run: toJobRun(queued), coalesced: true };
    }
  }

  async claim(id: string): Promise<JobRun | null> {
    const { count } = await this.prisma.jobRun.updateMany({ where: { id, status: 'queued' }, data: { status: 'running', startedAt: new Date() } });
    return count ? this.findById(id) : null;
  }

  async saveStats(id: string, stats: Record<string, ClientRunStats>): Promise<void> {
    await this.prisma.jobRun.update({ where: { id }, data: { stats: stats as object } });
  }

  async finish(id: string, status: Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled'>, stats: Record<string, ClientRunStats>, error: string | null): Promise<void> {
    await this.prisma.jobRun.update({ where: { id }, data: { status, stats: stats as object, error, finishedAt: new Date() } });
  }

  async findById(id: string): Promise<JobRun | null> {
    const row = await this.prisma.jobRun.findUnique({ where: { id } });
    return row ? toJobRun(row) : null;
  }
}

function toJobRun(row: JobRunRow): JobRun {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    slug: row.slug,
    status: row.status as JobStatus,
    requestedAt: row.requestedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    stats: (row.stats ?? {}) as unknown as Record<string, ClientRunStats>,
    error: row.error,
  };
}
