import { z } from 'zod';
import type { ContactsSettings } from '../application/settings.js';
import { parseKey } from './crypto/token-cipher.js';
import { webhookSecretProblem, webhookUrlProblem } from '../domain/webhooks/webhook-url.js';
import { cronProblem, isTimeZone, type CronSchedules } from './jobs/cron-schedule.js';
import type { LogFormat } from './logger.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const SHARE = 'must be a number between 0 and 1, such as 0.2 (1 turns the guard off)';

const environmentSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' }).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(0).max(65535).default(54329),
  ADMIN_TOKEN: z.string().min(1).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  IMPORT_START_AT: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp such as 2026-01-01T00:00:00.000Z' }).optional(),
  EXTERNAL_API_REQUESTS_PER_MINUTE: positiveInt(60),
  EXTERNAL_API_TLS_INSECURE: booleanFlag,
  EXTERNAL_API_TIMEOUT_MS: positiveInt(30_000),
  EXTERNAL_API_MAX_RETRIES: z.coerce.number().int().min(0).default(5),
  EXTERNAL_API_CONCURRENCY: positiveInt(8),
  ROLE: z.enum(['api', 'worker', 'all'], { error: 'must be api, worker or all' }).default('all'),
  WORKER_CONCURRENCY: positiveInt(128),
  JOB_HISTORY_DAYS: positiveInt(90),
  JOB_POLL_INTERVAL_SECONDS: z.coerce.number().min(0.5).default(2),
  JOB_EXPIRE_SECONDS: z.coerce.number().int().positive().max(86_399, 'must be less than 86400 (the queue caps a job at 24 h)').default(82_800),
  JOB_ORPHAN_AFTER_SECONDS: positiveInt(10),
  SHUTDOWN_TIMEOUT_MS: positiveInt(8_000),
  IMPORT_CRON: z.string().optional(),
  CONTACTS_SYNC_CRON: z.string().optional(),
  CRON_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as UTC or America/Sao_Paulo').default('UTC'),
  ENCRYPTION_KEY: z.string().optional(),
  ENCRYPTION_PREVIOUS_KEYS: z.string().optional(),
  WEBHOOK_URL: z.string().optional(),
  WEBHOOK_SECRET: z.string().optional(),
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
  WEBHOOK_CONCURRENCY: positiveInt(8),
  WEBHOOK_TLS_INSECURE: booleanFlag,
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional(),
  RECONCILE_SAMPLE: z.coerce.number().int().min(0).max(1000).default(20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CONTACTS_DELETE_GUARD: z.coerce.number({ error: SHARE }).min(0, SHARE).max(1, SHARE).default(0.2),
});

/** Everything the service reads from its environment, validated and typed. */
export interface AppConfig {
  production: boolean;
  port: number;
  /** Unset: the service runs an embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Port of the embedded PostgreSQL (0 = any free port). */
  embeddedPostgresPort: number;
  /** Unset outside production: a generated token is kept under `dataDir`. */
  adminToken: string | undefined;
  /** Set: `GET /metrics` requires `Authorization: Bearer <metricsToken>`. Unset: it is open. */
  metricsToken: string | undefined;
  importStartAt: Date | null;
  logLevel: string;
  /** JSON lines, or colourised lines for a developer's terminal (the default in development on a TTY). */
  logFormat: LogFormat;
  /** Client API tokens are encrypted at rest with `current` (AES-256-GCM); `previous` keys stay readable. */
  encryption: { current: Buffer | null; previous: Buffer[] };
  upstream: UpstreamConfig;
  /** Which parts this process runs: the HTTP API, the job workers, or both. */
  role: 'api' | 'worker' | 'all';
  jobs: JobsConfig;
  /** Tickets whose message counts a reconcile compares (`RECONCILE_SAMPLE`). */
  reconcileSample: number;
  contacts: ContactsSettings;
  webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** Receives every event; null: only clients' own `webhookUrl`s do. */
  url: string | null;
  /** `whsec_…`; null: no webhook is queued or sent at all. */
  secret: string | null;
  /** Per attempt, answer included. */
  timeoutMs: number;
  /** Attempts in flight at once per process. */
  concurrency: number;
  /** How often the delivery loop looks for due deliveries. */
  pollIntervalMs: number;
  /** Receivers' certificates are checked unless WEBHOOK_TLS_INSECURE turns that off (its own flag: trusting an upstream with a private CA says nothing of the receivers). */
  tlsInsecure: boolean;
}

export interface JobsConfig {
  /** Clients one process works on at once. */
  workerConcurrency: number;
  /** How long finished runs stay in `job_runs`. */
  historyDays: number;
  pollingIntervalSeconds: number;
  clientJobExpireSeconds: number;
  orphanAfterSeconds: number;
  shutdownTimeoutMs: number;
  /** Recurring runs for all active clients, started by the queue's timekeeper. */
  schedules: CronSchedules;
}

export interface UpstreamConfig {
  requestsPerMinute: number;
  /** The sliding window the rate applies to; tests shorten it. */
  rateWindowMs: number;
  tlsInsecure: boolean;
  timeoutMs: number;
  maxRetries: number;
  /** Requests one client may have in flight at once (within its rate budget). */
  concurrency: number;
  /** First retry delay; doubles each attempt, with jitter (half to all of it). */
  backoffBaseMs: number;
  backoffMaxMs: number;
  pageSize: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = environmentSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  let encryption: AppConfig['encryption'];
  try {
    encryption = {
      current: e.ENCRYPTION_KEY ? parseKey(e.ENCRYPTION_KEY) : null,
      previous: (e.ENCRYPTION_PREVIOUS_KEYS ?? '').split(',').filter(Boolean).map((key) => parseKey(key.trim())),
    };
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  ENCRYPTION_KEY / ENCRYPTION_PREVIOUS_KEYS: ${(error as Error).message}`);
  }
  for (const name of ['IMPORT_CRON', 'CONTACTS_SYNC_CRON'] as const) {
    const problem = e[name] ? cronProblem(e[name], e.CRON_TIMEZONE) : null;
    if (problem) throw new ConfigError(`invalid configuration:\n  ${name}: ${problem}`);
  }
  const webhookUrl = e.WEBHOOK_URL ? webhookUrlProblem(e.WEBHOOK_URL) : null;
  if (webhookUrl) throw new ConfigError(`invalid configuration:\n  WEBHOOK_URL: ${webhookUrl}`);
  const webhookSecret = e.WEBHOOK_SECRET ? webhookSecretProblem(e.WEBHOOK_SECRET) : null;
  if (webhookSecret) throw new ConfigError(`invalid configuration:\n  WEBHOOK_SECRET: ${webhookSecret}`);
  if (e.WEBHOOK_URL && !e.WEBHOOK_SECRET) throw new ConfigError('invalid configuration:\n  WEBHOOK_SECRET: required with WEBHOOK_URL (webhooks are signed), e.g. whsec_$(openssl rand -base64 32)');
  if (production && !e.ADMIN_TOKEN) throw new ConfigError('invalid configuration:\n  ADMIN_TOKEN: required when NODE_ENV=production');
  if (production && e.ADMIN_TOKEN!.length < 24) throw new ConfigError('invalid configuration:\n  ADMIN_TOKEN: must be at least 24 characters when NODE_ENV=production');
  return {
    production,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    embeddedPostgresPort: e.EMBEDDED_POSTGRES_PORT,
    adminToken: e.ADMIN_TOKEN,
    metricsToken: e.METRICS_TOKEN,
    importStartAt: e.IMPORT_START_AT ? new Date(e.IMPORT_START_AT) : null,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (!production && e.NODE_ENV === 'development' && process.stdout.isTTY ? 'pretty' : 'json'),
    encryption,
    upstream: {
      requestsPerMinute: e.EXTERNAL_API_REQUESTS_PER_MINUTE,
      rateWindowMs: 60_000,
      tlsInsecure: e.EXTERNAL_API_TLS_INSECURE,
      timeoutMs: e.EXTERNAL_API_TIMEOUT_MS,
      maxRetries: e.EXTERNAL_API_MAX_RETRIES,
      concurrency: e.EXTERNAL_API_CONCURRENCY,
      backoffBaseMs: 500,
      backoffMaxMs: 30_000,
      pageSize: 100,
    },
    role: e.ROLE,
    reconcileSample: e.RECONCILE_SAMPLE,
    jobs: {
      workerConcurrency: e.WORKER_CONCURRENCY,
      historyDays: e.JOB_HISTORY_DAYS,
      pollingIntervalSeconds: e.JOB_POLL_INTERVAL_SECONDS,
      clientJobExpireSeconds: e.JOB_EXPIRE_SECONDS,
      orphanAfterSeconds: e.JOB_ORPHAN_AFTER_SECONDS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      schedules: { import: e.IMPORT_CRON ?? null, contactsSync: e.CONTACTS_SYNC_CRON ?? null, timezone: e.CRON_TIMEZONE },
    },
    contacts: { deleteGuard: e.CONTACTS_DELETE_GUARD },
    webhooks: {
      url: e.WEBHOOK_URL ?? null,
      secret: e.WEBHOOK_SECRET ?? null,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      concurrency: e.WEBHOOK_CONCURRENCY,
      pollIntervalMs: e.JOB_POLL_INTERVAL_SECONDS * 1000,
      tlsInsecure: e.WEBHOOK_TLS_INSECURE,
    },
  };
}

/** `FOO=` in a .env file means "not set", not "set to the empty string". */
function withoutEmptyValues(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}
