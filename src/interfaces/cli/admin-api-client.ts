import ky, { HTTPError, TimeoutError, type KyInstance, type KyResponse, type Options } from 'ky';
import type { JobKind, JobStatus, JobTrigger } from '../../domain/jobs/job-run.js';
import type { toClientView } from '../http/controllers/client.view.js';
import type { toJobRunView, toRunClientView } from '../http/controllers/job-run.view.js';
import type { toWebhookDeliveryView } from '../http/controllers/webhook-delivery.view.js';
import { CliError, NotAuthorisedError, NotFoundError, ServiceUnavailableError, UsageError } from './cli-errors.js';

/** A client as the API shows it: the token masked. */
export type ClientView = ReturnType<typeof toClientView>;
/** A job run as the status API shows it. */
export type JobRunView = ReturnType<typeof toJobRunView>;
/** One webhook delivery, as the deliveries API lists it. */
export type WebhookDeliveryView = ReturnType<typeof toWebhookDeliveryView>;
/** One client of a run, as a run's client listing shows it. */
export type RunClientView = ReturnType<typeof toRunClientView>;

export interface NewClient {
  slug: string;
  name: string;
  apiBaseUrl: string;
  apiToken: string;
  active?: boolean;
  /** null: the service default. */
  requestsPerMinute?: number | null;
  /** null: none. */
  webhookUrl?: string | null;
}

export type ClientChanges = Partial<Omit<NewClient, 'slug'>>;

export interface JobFilter {
  kind?: JobKind;
  slug?: string;
  status?: JobStatus;
  trigger?: JobTrigger;
  limit?: number;
}

/** A trigger's 202 body, with the run it created or joined (from its `Location`). */
export interface StartedJob {
  message: string;
  slug: string;
  id: string;
  statusUrl: string;
}

const REQUEST_TIMEOUT_MS = 10_000;

/** The service's admin HTTP API, with every failure turned into a CliError carrying its exit code. */
export class AdminApiClient {
  private readonly http: KyInstance;

  constructor(
    readonly baseUrl: string,
    adminToken: string,
  ) {
    // No retries: a trigger is not idempotent, and a wrong token must not count twice against the throttle.
    this.http = ky.create({ prefixUrl: baseUrl, headers: { 'x-admin-token': adminToken }, retry: 0, timeout: REQUEST_TIMEOUT_MS });
  }

  async listClients(): Promise<{ clients: ClientView[] }> {
    return this.json('api/admin/clients');
  }

  async getClient(slug: string): Promise<ClientView> {
    return this.json(`api/admin/clients/${segment(slug, 'client slug')}`);
  }

  async addClient(client: NewClient): Promise<ClientView> {
    return this.json('api/admin/clients', { method: 'post', json: client });
  }

  async updateClient(slug: string, changes: ClientChanges): Promise<ClientView> {
    return this.json(`api/admin/clients/${segment(slug, 'client slug')}`, { method: 'patch', json: changes });
  }

  async startImport(slug?: string): Promise<StartedJob> {
    return this.trigger(slug ? `api/jobs/import/${segment(slug, 'slug')}` : 'api/jobs/import', {});
  }

  async startContactsSync(slug?: string): Promise<StartedJob> {
    return this.trigger('api/admin/sync/contacts', slug ? { searchParams: { clientSlug: slug } } : {});
  }

  async startReconcile(slug: string | undefined, repair: boolean): Promise<StartedJob> {
    return this.trigger(slug ? `api/jobs/reconcile/${segment(slug, 'slug')}` : 'api/jobs/reconcile', repair ? { json: { repair: true } } : {});
  }

  async startBackfill(slug: string, window: { from: string; to?: string }): Promise<StartedJob> {
    return this.trigger(`api/jobs/backfill/${segment(slug, 'slug')}`, { json: window });
  }

  async getJob(id: string, signal?: AbortSignal): Promise<JobRunView> {
    return this.json(`api/jobs/${segment(id, 'job id')}`, { signal });
  }

  async listJobs(filter: JobFilter): Promise<{ jobs: JobRunView[] }> {
    const searchParams = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as Record<string, string | number>;
    return this.json('api/jobs', { searchParams });
  }

  async listRunClients(id: string, filter: { status?: string; after?: string; limit?: number }): Promise<{ clients: RunClientView[]; next: string | null }> {
    const searchParams = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as Record<string, string | number>;
    return this.json(`api/jobs/${segment(id, 'job id')}/clients`, { searchParams });
  }

  async cancelJob(id: string): Promise<JobRunView> {
    return this.json(`api/jobs/${segment(id, 'job id')}`, { method: 'delete' });
  }

  async listWebhookDeliveries(filter: { status?: string; event?: string; limit?: number }): Promise<{ deliveries: WebhookDeliveryView[] }> {
    const searchParams = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as Record<string, string | number>;
    return this.json('api/webhooks/deliveries', { searchParams });
  }

  async redeliverWebhook(id: string): Promise<WebhookDeliveryView> {
    return this.json(`api/webhooks/deliveries/${segment(id, 'delivery id')}/redeliver`, { method: 'post' });
  }

  /** The absolute URL of a run's status resource. */
  statusUrl(id: string): string {
    return `${this.baseUrl}/api/jobs/${id}`;
  }

  private async trigger(path: string, options: Options): Promise<StartedJob> {
    const response = await this.send(path, { ...options, method: 'post' });
    const body = await this.parse<{ message: string; slug: string }>(response);
    const id = /\/api\/jobs\/([^/?#]+)$/.exec(response.headers.get('location') ?? '')?.[1];
    if (!id) throw new ServiceUnavailableError(`the service at ${this.baseUrl} accepted the job but sent no Location: is it the helpdesk-importer?`);
    return { ...body, id, statusUrl: this.statusUrl(id) };
  }

  private async json<T>(path: string, options: Options = {}): Promise<T> {
    return this.parse<T>(await this.send(path, options));
  }

  private async send(path: string, options: Options): Promise<KyResponse> {
    try {
      return await this.http(path, options);
    } catch (error) {
      throw await this.translate(error);
    }
  }

  private async parse<T>(response: KyResponse): Promise<T> {
    try {
      return (await response.json()) as T;
    } catch {
      throw new ServiceUnavailableError(`the service at ${this.baseUrl} answered something that is not JSON: is it the helpdesk-importer?`);
    }
  }

  private async translate(error: unknown): Promise<unknown> {
    if (error instanceof HTTPError) {
      const body = await error.response.json().catch(() => undefined);
      const failure = errorForResponse(error.response.status, body, error.response.headers.get('retry-after'));
      // The API's own 404s name what was not found; a bare one is most likely another server, or a path in the URL.
      if (failure instanceof NotFoundError && failure.message === 'not found' && new URL(this.baseUrl).pathname !== '/') {
        return new NotFoundError(`not found: is ${this.baseUrl} the service's origin (such as ${new URL(this.baseUrl).origin})? The CLI adds the API's paths`);
      }
      return failure;
    }
    if (error instanceof TimeoutError) return new ServiceUnavailableError(`the service at ${this.baseUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
    if (error instanceof TypeError) {
      const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
      const reason = code && code !== 'ECONNREFUSED' ? ` (${code})` : '';
      return new ServiceUnavailableError(`cannot reach the service at ${this.baseUrl}${reason} — is it running?`);
    }
    return error;
  }
}

/**
 * What an error answer of the API means for the CLI. The API's own `message` is shown when it
 * has one (it never holds a secret); 401/403/429 come from the admin token check.
 */
export function errorForResponse(status: number, body: unknown, retryAfter: string | null = null): CliError {
  const { error: code, message } = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; message?: unknown };
  const detail = typeof message === 'string' && message ? message : typeof code === 'string' && code ? code : `HTTP ${status}`;
  if (status === 401 || status === 403) return new NotAuthorisedError('the service refused the admin token: set ADMIN_TOKEN to the token the service was started with');
  if (status === 429) return new NotAuthorisedError(`too many wrong admin tokens from this address: the service refuses it for ${retryAfter ? `${retryAfter} s` : 'up to a minute'}`);
  if (status === 404) return new NotFoundError(typeof message === 'string' && message ? message : 'not found');
  if (status >= 500) return new ServiceUnavailableError(`the service failed (HTTP ${status}${typeof code === 'string' ? ` ${code}` : ''}); see its logs`);
  if (status >= 400) return new UsageError(detail);
  return new ServiceUnavailableError(`unexpected answer from the service (HTTP ${status})`);
}

/**
 * A value for one path segment. `.` and `..` would be resolved away by URL parsing (even
 * percent-encoded), sending the request to another route.
 */
function segment(value: string, what: string): string {
  if (value === '' || value === '.' || value === '..') throw new UsageError(`"${value}" is not a valid ${what}`);
  return encodeURIComponent(value);
}
