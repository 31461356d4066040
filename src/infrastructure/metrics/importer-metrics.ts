import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const PREFIX = 'helpdesk_importer_';

/** Where the gauges read at scrape time come from (the database, the queue). */
export interface MetricSources {
  /** Runs in `job_runs` by kind and status. */
  countRuns(): Promise<{ kind: string; status: string; count: number }[]>;
  /** Jobs waiting in each queue of this deployment. */
  queueDepth(): Promise<Record<string, number>>;
  /** What each client's latest finished reconcile found missing, per table. */
  reconcileMissing(): Promise<{ client: string; table: string; rows: number }[]>;
}

/** The labels of one client's upstream metrics: its slug, never anything secret. */
export interface UpstreamMetrics {
  request(status: string): void;
  retry(): void;
  rateLimited(): void;
  waitedForBudget(ms: number): void;
  pausedForRateLimit(ms: number): void;
}

/**
 * The Prometheus metrics of one importer (one container): its own registry, so an embedding
 * service can run several or merge this one into its own. Counters and the histogram count
 * what this process did; the `job_runs`, queue and reconcile gauges are read from the database at scrape
 * time, so every instance reports the same (aggregate them with max, not sum).
 */
export class ImporterMetrics {
  readonly registry = new Registry();

  private readonly upstreamRequests = new Counter({
    name: `${PREFIX}upstream_requests_total`,
    help: 'Requests sent to the upstream helpdesk API, by client slug and HTTP status (or network_error, timeout, tls_error, aborted: ended by the run).',
    labelNames: ['client', 'status'] as const,
    registers: [this.registry],
  });
  private readonly upstreamRateLimited = new Counter({
    name: `${PREFIX}upstream_rate_limited_total`,
    help: 'Upstream answers 429 Too Many Requests, by client slug.',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });
  private readonly upstreamRetries = new Counter({
    name: `${PREFIX}upstream_retries_total`,
    help: 'Upstream requests retried after a 5xx, a timeout, a network error or an unreadable body, by client slug.',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });
  private readonly budgetWait = new Counter({
    name: `${PREFIX}upstream_rate_budget_wait_seconds_total`,
    help: "Time requests waited for the client's own rate budget (EXTERNAL_API_REQUESTS_PER_MINUTE), summed over requests, by client slug.",
    labelNames: ['client'] as const,
    registers: [this.registry],
  });
  private readonly rateLimitPause = new Counter({
    name: `${PREFIX}upstream_rate_limit_pause_seconds_total`,
    help: "Wall time a client was paused by the upstream's Retry-After after 429s, by client slug.",
    labelNames: ['client'] as const,
    registers: [this.registry],
  });
  private readonly rowsStored = new Counter({
    name: `${PREFIX}rows_stored_total`,
    help: 'Rows inserted or updated, by table.',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });
  private readonly webhookAttempts = new Counter({
    name: `${PREFIX}webhook_deliveries_total`,
    help: 'Webhook delivery attempts this process made, by event type and outcome (delivered, retried: to be tried again, failed: given up).',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly runDuration = new Histogram({
    name: `${PREFIX}job_run_duration_seconds`,
    help: 'Duration of the job runs this process ended, from start (or request, when cancelled before starting) to end, by kind and final status.',
    labelNames: ['kind', 'status'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600],
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    new Gauge({
      name: `${PREFIX}job_runs`,
      help: 'Job runs in the history (job_runs) by kind and status; read from the database at scrape time.',
      labelNames: ['kind', 'status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        // A database that cannot answer leaves the gauge empty: the scrape itself must not fail.
        const rows = await sources.countRuns().catch(() => []);
        for (const { kind, status, count } of rows) this.set({ kind, status }, count);
      },
    });
    new Gauge({
      name: `${PREFIX}queue_depth`,
      help: 'Jobs waiting in each queue (not yet picked up by a worker); read at scrape time.',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const depths = await sources.queueDepth().catch(() => ({}));
        for (const [queue, depth] of Object.entries(depths)) this.set({ queue }, depth);
      },
    });
    new Gauge({
      name: `${PREFIX}reconcile_missing_rows`,
      help: "Rows the client's last finished reconcile found upstream and not in the database (after its repair, when it repaired), by client slug and table (tickets; messages of the sampled tickets; contacts); read from job_run_clients at scrape time.",
      labelNames: ['client', 'table'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await sources.reconcileMissing().catch(() => []);
        for (const { client, table, rows: missing } of rows) this.set({ client, table }, missing);
      },
    });
  }

  /** Node's own metrics (memory, event loop lag, GC): for the service process, not for an embedding host that has its own. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    // prom-client names three gauges like counters (`…_total`), which Prometheus' own checks
    // reject; each is the sum of its per-type gauge (`nodejs_active_handles{type}` …), still served.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(`${PREFIX}${name}`);
  }

  upstream(clientSlug: string): UpstreamMetrics {
    const labels = { client: clientSlug };
    return {
      request: (status) => this.upstreamRequests.inc({ ...labels, status }),
      retry: () => this.upstreamRetries.inc(labels),
      rateLimited: () => this.upstreamRateLimited.inc(labels),
      waitedForBudget: (ms) => this.budgetWait.inc(labels, ms / 1000),
      pausedForRateLimit: (ms) => this.rateLimitPause.inc(labels, ms / 1000),
    };
  }

  stored(table: 'tickets' | 'messages' | 'contacts' | 'tags' | 'contact_tags', rows: number): void {
    if (rows > 0) this.rowsStored.inc({ table }, rows);
  }

  webhookAttempt(event: string, outcome: 'delivered' | 'retried' | 'failed'): void {
    this.webhookAttempts.inc({ event, outcome });
  }

  runEnded(kind: string, status: string, seconds: number): void {
    this.runDuration.observe({ kind, status }, seconds);
  }
}
