import type { ClientRunStats, JobKind, JobRun, JobStatus } from '../../src/domain/jobs/job-run.js';
import type { JobRunStore, QueuedRun } from '../../src/domain/ports/job-run-store.port.js';

/**
 * Job runs in a map. `enqueue` coalesces: while a run of the same kind and slug is queued, it
 * is returned instead of a new one. Every stats save is kept as a snapshot, in order.
 */
export class InMemoryJobRunStore implements JobRunStore {
  readonly statsSaves: { id: string; stats: Record<string, ClientRunStats> }[] = [];
  readonly claims: string[] = [];
  private readonly runs = new Map<string, JobRun>();
  private nextId = 1;

  async enqueue(kind: JobKind, slug: string): Promise<QueuedRun> {
    const queued = [...this.runs.values()].find((r) => r.kind === kind && r.slug === slug && r.status === 'queued');
    if (queued) return { run: structuredClone(queued), coalesced: true };
    const run: JobRun = { id: `run-${this.nextId++}`, kind, slug, status: 'queued', requestedAt: new Date(), startedAt: null, finishedAt: null, stats: {}, error: null };
    this.runs.set(run.id, run);
    return { run: structuredClone(run), coalesced: false };
  }

  async claim(id: string): Promise<JobRun | null> {
    this.claims.push(id);
    const run = this.runs.get(id);
    if (!run || run.status !== 'queued') return null;
    run.status = 'running';
    run.startedAt = new Date();
    return structuredClone(run);
  }

  async saveStats(id: string, stats: Record<string, ClientRunStats>): Promise<void> {
    const run = this.mustGet(id);
    run.stats = structuredClone(stats);
    this.statsSaves.push({ id, stats: structuredClone(stats) });
  }

  async finish(id: string, status: Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled'>, stats: Record<string, ClientRunStats>, error: string | null): Promise<void> {
    const run = this.mustGet(id);
    Object.assign(run, { status, stats: structuredClone(stats), error, finishedAt: new Date() });
  }

  async findById(id: string): Promise<JobRun | null> {
    const run = this.runs.get(id);
    return run ? structuredClone(run) : null;
  }

  /** Synchronous read for assertions; throws when there is no such run. */
  run(id: string): JobRun {
    return structuredClone(this.mustGet(id));
  }

  private mustGet(id: string): JobRun {
    const run = this.runs.get(id);
    if (!run) throw new Error(`fake job run store: no run ${id}`);
    return run;
  }
}
