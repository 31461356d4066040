import {
  CLIENT_RUN_STATUSES,
  JobRun,
  SUMMED_COUNTERS,
  canonicalParams,
  queuedClientStats,
  type ClientRunEntry,
  type ClientRunFilter,
  type ClientRunStats,
  type ClientRunStatus,
  type ClientTally,
  type FinishedJobStatus,
  type JobKind,
  type JobRunFields,
  type JobRunFilter,
  type JobRunParams,
  type JobTrigger,
  type RunSummary,
} from '../../src/domain/jobs/job-run.js';
import type { JobRunStore, QueuedRun, RunTarget } from '../../src/domain/ports/job-run-store.port.js';

interface StoredClient {
  clientId: string;
  stats: ClientRunStats;
  /** Order of the last write, for `recentClients`. */
  updated: number;
}

interface StoredRun {
  run: JobRunFields;
  clients: Map<string, StoredClient>;
  /** Insertion order: breaks ties between runs requested at the same instant (newest first). */
  seq: number;
}

/**
 * Job runs in a map, with the JobRunStore semantics of the port (and of PrismaJobRunStore):
 * `enqueue` coalesces onto a queued run of the same kind and slug; statuses only move forward
 * from the expected ones; each client of a run is its own entry, copied into the run's `stats`
 * when it ends. Every client stats save is kept as a snapshot, in order. `now` stamps the
 * times (a clock the test may drive).
 */
export class InMemoryJobRunStore implements JobRunStore {
  readonly statsSaves: { id: string; slug: string; stats: ClientRunStats }[] = [];
  /** Called before `markRunning` applies: lets a test slip another write in just before it. */
  onMarkRunning: ((id: string) => void | Promise<void>) | undefined;
  private readonly runs = new Map<string, StoredRun>();
  private nextId = 1;
  private writes = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Stores a run in any state, as if earlier work had left it so; `clients` are its clients' rows. */
  seed(fields: Partial<JobRunFields> = {}, clients: Record<string, ClientRunStats> = {}): JobRun {
    const requestedAt = fields.requestedAt ?? this.now();
    const run: JobRunFields = {
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
    const stored: StoredRun = { run, clients: new Map(), seq: this.nextId++ };
    for (const [slug, stats] of Object.entries(clients)) stored.clients.set(slug, { clientId: `id-of-${slug}`, stats: structuredClone(stats), updated: this.writes++ });
    this.runs.set(run.id, stored);
    return new JobRun(structuredClone(run));
  }

  /** Synchronous read for assertions; throws when there is no such run. */
  run(id: string): JobRun {
    return new JobRun(structuredClone(this.stored(id).run));
  }

  /** Each client's current stats in a run, keyed by slug (synchronous, for assertions). */
  clientStats(id: string): Record<string, ClientRunStats> {
    return Object.fromEntries([...this.stored(id).clients].map(([slug, c]) => [slug, structuredClone(c.stats)]));
  }

  /** Ids of every stored run, in insertion order. */
  ids(): string[] {
    return [...this.runs.keys()];
  }

  async enqueue(kind: JobKind, slug: string, trigger: JobTrigger, params: JobRunParams = {}): Promise<QueuedRun> {
    const wanted = JSON.stringify(canonicalParams(params));
    const queued = [...this.runs.values()].find(({ run }) => run.kind === kind && run.slug === slug && run.status === 'queued' && JSON.stringify(canonicalParams(run.params)) === wanted);
    if (queued) {
      queued.run.lastRequestedAt = this.now();
      return { run: new JobRun(structuredClone(queued.run)), coalesced: true };
    }
    return { run: this.seed({ kind, slug, trigger, params: canonicalParams(params) }), coalesced: false };
  }

  async findById(id: string): Promise<JobRun | null> {
    return this.runs.has(id) ? this.run(id) : null;
  }

  async list(filter: JobRunFilter): Promise<JobRun[]> {
    const newestFirst = [...this.runs.values()].sort((a, b) => b.run.requestedAt.getTime() - a.run.requestedAt.getTime() || b.seq - a.seq);
    if (filter.before !== undefined && !this.runs.has(filter.before)) return [];
    const afterCursor = filter.before === undefined ? newestFirst : newestFirst.slice(newestFirst.findIndex(({ run }) => run.id === filter.before) + 1);
    return afterCursor
      .filter(({ run }) => (filter.kind === undefined || run.kind === filter.kind) && (filter.slug === undefined || run.slug === filter.slug) && (filter.status === undefined || run.status === filter.status) && (filter.trigger === undefined || run.trigger === filter.trigger))
      .slice(0, filter.limit)
      .map(({ run }) => new JobRun(structuredClone(run)));
  }

  async addClients(id: string, targets: RunTarget[]): Promise<void> {
    const stored = this.runs.get(id);
    if (!stored || stored.run.status === 'succeeded' || stored.run.status === 'failed' || stored.run.status === 'cancelled') return;
    for (const { slug, clientId } of targets) {
      if (!stored.clients.has(slug)) stored.clients.set(slug, { clientId, stats: queuedClientStats(), updated: this.writes++ });
    }
  }

  async targetsOf(id: string): Promise<RunTarget[]> {
    return [...(this.runs.get(id)?.clients ?? new Map<string, StoredClient>())].sort(([a], [b]) => a.localeCompare(b)).map(([slug, c]) => ({ slug, clientId: c.clientId }));
  }

  async findClient(id: string, slug: string): Promise<ClientRunStats | null> {
    const client = this.runs.get(id)?.clients.get(slug);
    return client ? structuredClone(client.stats) : null;
  }

  async listClients(id: string, filter: ClientRunFilter): Promise<ClientRunEntry[]> {
    return this.entries(id)
      .filter((e) => (filter.status === undefined || e.stats.status === filter.status) && (filter.after === undefined || e.slug > filter.after))
      .sort((a, b) => (a.slug < b.slug ? -1 : 1))
      .slice(0, filter.limit);
  }

  async recentClients(ids: string[], limit: number): Promise<Map<string, ClientRunEntry[]>> {
    const found = new Map<string, ClientRunEntry[]>();
    for (const id of ids) {
      const stored = this.runs.get(id);
      if (!stored?.clients.size) continue;
      const recent = [...stored.clients].sort(([, a], [, b]) => b.updated - a.updated).slice(0, limit);
      found.set(id, recent.map(([slug, c]) => ({ slug, stats: structuredClone(c.stats) })));
    }
    return found;
  }

  async summarize(ids: string[]): Promise<Map<string, RunSummary>> {
    const found = new Map<string, RunSummary>();
    for (const id of ids) {
      if (!this.runs.get(id)?.clients.size) continue;
      const entries = this.entries(id);
      const totals = Object.fromEntries(SUMMED_COUNTERS.map((key) => [key, entries.reduce((sum, e) => sum + (typeof e.stats[key] === 'number' ? e.stats[key] : 0), 0)])) as RunSummary['totals'];
      found.set(id, { ...(await this.tally(id)), totals });
    }
    return found;
  }

  async tally(id: string): Promise<ClientTally> {
    const entries = this.entries(id).sort((a, b) => (a.slug < b.slug ? -1 : 1));
    const byStatus = Object.fromEntries(CLIENT_RUN_STATUSES.map((status) => [status, entries.filter((e) => e.stats.status === status).length])) as Record<ClientRunStatus, number>;
    const failures = entries.filter((e) => e.stats.status === 'failed').slice(0, 20).map((e) => ({ slug: e.slug, error: e.stats.error ?? 'failed' }));
    return { clients: entries.length, byStatus, failures };
  }

  async markRunning(id: string): Promise<JobRun | null> {
    await this.onMarkRunning?.(id);
    const run = this.runs.get(id)?.run;
    if (run?.status === 'queued') {
      run.status = 'running';
      run.startedAt = this.now();
    }
    return run?.status === 'running' ? new JobRun(structuredClone(run)) : null;
  }

  /** Awaited before each save of a client's stats lands (a test holds one there). */
  beforeStatsSave: (stats: ClientRunStats) => Promise<void> = async () => {};

  async saveClientStats(id: string, slug: string, stats: ClientRunStats): Promise<{ stopRequested: boolean }> {
    await this.beforeStatsSave(stats);
    const stored = this.runs.get(id);
    if (!stored) throw new Error(`job run ${id} vanished`);
    const existing = stored.clients.get(slug);
    stored.clients.set(slug, { clientId: existing?.clientId ?? `id-of-${slug}`, stats: structuredClone(stats), updated: this.writes++ });
    this.statsSaves.push({ id, slug, stats: structuredClone(stats) });
    return { stopRequested: new JobRun(stored.run).stopRequested };
  }

  async finish(id: string, status: FinishedJobStatus, error: string | null): Promise<boolean> {
    const stored = this.runs.get(id);
    if (!stored || (stored.run.status !== 'queued' && stored.run.status !== 'running')) return false;
    Object.assign(stored.run, { status, error, finishedAt: this.now(), stats: this.clientStats(id) });
    return true;
  }

  /** Like the Prisma adapter, stamps `cancelRequestedAt` once (queued or running) and leaves finished runs alone. */
  async requestCancel(id: string): Promise<JobRun | null> {
    const stored = this.runs.get(id);
    const run = stored?.run;
    if (run?.status !== 'queued' && run?.status !== 'running') return null;
    const now = this.now();
    if (run.status === 'queued') {
      for (const client of stored!.clients.values()) client.stats.status = 'cancelled';
      Object.assign(run, { status: 'cancelled', finishedAt: now, stats: this.clientStats(id) });
    }
    run.cancelRequestedAt ??= now;
    return new JobRun(structuredClone(run));
  }

  async deleteFinishedBefore(before: Date): Promise<number> {
    let deleted = 0;
    for (const [id, { run }] of this.runs) {
      if (run.finishedAt && run.finishedAt < before && new JobRun(run).finished) {
        this.runs.delete(id);
        deleted += 1;
      }
    }
    return deleted;
  }

  async findRunCoveringClient(kind: JobKind, slug: string, since: Date, exceptRunId: string, params: JobRunParams = {}): Promise<string | null> {
    const wanted = JSON.stringify(canonicalParams(params));
    for (const [id, { run, clients }] of this.runs) {
      const entry = clients.get(slug)?.stats;
      if (id !== exceptRunId && run.kind === kind && JSON.stringify(canonicalParams(run.params)) === wanted && entry?.status === 'succeeded' && entry.startedAt && Date.parse(entry.startedAt) >= since.getTime()) return id;
    }
    return null;
  }

  async currentTime(): Promise<Date> {
    return this.now();
  }

  private stored(id: string): StoredRun {
    const stored = this.runs.get(id);
    if (!stored) throw new Error(`fake job run store: no run ${id}`);
    return stored;
  }

  private entries(id: string): ClientRunEntry[] {
    return [...(this.runs.get(id)?.clients ?? new Map<string, StoredClient>())].map(([slug, c]) => ({ slug, stats: structuredClone(c.stats) }));
  }
}
