import { FINISHED_JOB_STATUSES, type ClientRunStats, type FinishedJobStatus, type JobKind, type JobRun, type JobRunFilter, type JobTrigger } from '../../src/domain/jobs/job-run.js';
import type { JobRunStore, QueuedRun } from '../../src/domain/ports/job-run-store.port.js';

interface StoredRun {
  run: JobRun;
  /** Insertion order: breaks ties between runs requested at the same instant (newest first). */
  seq: number;
}

/**
 * Job runs in a map, with the JobRunStore semantics of the port (and of PrismaJobRunStore):
 * `enqueue` coalesces onto a queued run of the same kind and slug; statuses only move forward
 * from the expected ones; `saveClientStats` replaces one client's entry. Every client stats
 * save is kept as a snapshot, in order. `now` stamps the times (a clock the test may drive).
 */
export class InMemoryJobRunStore implements JobRunStore {
  readonly statsSaves: { id: string; slug: string; stats: ClientRunStats }[] = [];
  /** Called before `markRunning` applies: lets a test slip another write in just before it. */
  onMarkRunning: ((id: string) => void | Promise<void>) | undefined;
  private readonly runs = new Map<string, StoredRun>();
  private nextId = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Stores a run in any state, as if earlier work had left it so. */
  seed(fields: Partial<JobRun> = {}): JobRun {
    const requestedAt = fields.requestedAt ?? this.now();
    const run: JobRun = {
      id: `run-${this.nextId}`,
      kind: 'import',
      slug: 'all',
      status: 'queued',
      trigger: 'manual',
      requestedAt,
      lastRequestedAt: requestedAt,
      startedAt: null,
      finishedAt: null,
      stats: {},
      error: null,
      cancelRequestedAt: null,
      ...structuredClone(fields),
    };
    this.runs.set(run.id, { run, seq: this.nextId++ });
    return structuredClone(run);
  }

  /** Synchronous read for assertions; throws when there is no such run. */
  run(id: string): JobRun {
    const stored = this.runs.get(id);
    if (!stored) throw new Error(`fake job run store: no run ${id}`);
    return structuredClone(stored.run);
  }

  /** Ids of every stored run, in insertion order. */
  ids(): string[] {
    return [...this.runs.keys()];
  }

  async enqueue(kind: JobKind, slug: string, trigger: JobTrigger): Promise<QueuedRun> {
    const queued = [...this.runs.values()].find(({ run }) => run.kind === kind && run.slug === slug && run.status === 'queued');
    if (queued) {
      queued.run.lastRequestedAt = this.now();
      return { run: structuredClone(queued.run), coalesced: true };
    }
    return { run: this.seed({ kind, slug, trigger }), coalesced: false };
  }

  async findById(id: string): Promise<JobRun | null> {
    const stored = this.runs.get(id);
    return stored ? structuredClone(stored.run) : null;
  }

  async list(filter: JobRunFilter): Promise<JobRun[]> {
    return [...this.runs.values()]
      .filter(({ run }) => (filter.kind === undefined || run.kind === filter.kind) && (filter.slug === undefined || run.slug === filter.slug) && (filter.status === undefined || run.status === filter.status) && (filter.trigger === undefined || run.trigger === filter.trigger))
      .sort((a, b) => b.run.requestedAt.getTime() - a.run.requestedAt.getTime() || b.seq - a.seq)
      .slice(0, filter.limit)
      .map(({ run }) => structuredClone(run));
  }

  async addClients(id: string, slugs: string[]): Promise<void> {
    const run = this.runs.get(id)?.run;
    if (!run) return;
    for (const slug of slugs) {
      run.stats[slug] ??= { status: 'queued', pages: 0, upstreamRequests: 0, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null };
    }
  }

  async markRunning(id: string): Promise<JobRun | null> {
    await this.onMarkRunning?.(id);
    const run = this.runs.get(id)?.run;
    if (run?.status === 'queued') {
      run.status = 'running';
      run.startedAt = this.now();
    }
    return run?.status === 'running' ? structuredClone(run) : null;
  }

  async saveClientStats(id: string, slug: string, stats: ClientRunStats): Promise<JobRun> {
    const run = this.runs.get(id)?.run;
    if (!run) throw new Error(`job run ${id} vanished`);
    run.stats[slug] = structuredClone(stats);
    this.statsSaves.push({ id, slug, stats: structuredClone(stats) });
    return structuredClone(run);
  }

  async finish(id: string, status: FinishedJobStatus, error: string | null): Promise<boolean> {
    const run = this.runs.get(id)?.run;
    if (!run || (run.status !== 'queued' && run.status !== 'running')) return false;
    Object.assign(run, { status, error, finishedAt: this.now() });
    return true;
  }

  /** Like the Prisma adapter, stamps `cancelRequestedAt` once (queued or running) and leaves finished runs alone. */
  async requestCancel(id: string): Promise<JobRun | null> {
    const run = this.runs.get(id)?.run;
    if (run?.status !== 'queued' && run?.status !== 'running') return null;
    const now = this.now();
    if (run.status === 'queued') {
      Object.assign(run, { status: 'cancelled', finishedAt: now });
      for (const entry of Object.values(run.stats)) entry.status = 'cancelled';
    }
    run.cancelRequestedAt ??= now;
    return structuredClone(run);
  }

  async deleteFinishedBefore(before: Date): Promise<number> {
    let deleted = 0;
    for (const [id, { run }] of this.runs) {
      if (run.requestedAt < before && FINISHED_JOB_STATUSES.includes(run.status)) {
        this.runs.delete(id);
        deleted += 1;
      }
    }
    return deleted;
  }

  async findRunCoveringClient(kind: JobKind, slug: string, since: Date, exceptRunId: string): Promise<string | null> {
    for (const [id, { run }] of this.runs) {
      const entry = run.stats[slug];
      if (id !== exceptRunId && run.kind === kind && entry?.status === 'succeeded' && entry.startedAt && Date.parse(entry.startedAt) >= since.getTime()) return id;
    }
    return null;
  }

  async currentTime(): Promise<Date> {
    return this.now();
  }
}
