import { errorFrom, NetworkError } from './api-errors.js';
import type { Client, ClientActivity, ClientChanges, JobRun, NewClient, RunClient, RunFilter } from './types.js';

/** A run a trigger queued (or joined): its id, from the 202's Location. */
export interface StartedRun {
  runId: string;
}

/**
 * The admin API, with the token in the `x-admin-token` header of every call: never in a URL,
 * never in a cookie. Same origin, so no CORS and no credentials mode.
 */
export class AdminApi {
  constructor(
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  listClients(): Promise<{ clients: Client[] }> {
    return this.call('GET', '/api/admin/clients');
  }

  clientActivity(): Promise<{ clients: ClientActivity[] }> {
    return this.call('GET', '/api/admin/client-activity');
  }

  registerClient(client: NewClient): Promise<Client> {
    return this.call('POST', '/api/admin/clients', client);
  }

  updateClient(slug: string, changes: ClientChanges): Promise<Client> {
    return this.call('PATCH', `/api/admin/clients/${encodeURIComponent(slug)}`, changes);
  }

  listRuns(filter: RunFilter, before: string | null, limit = 20): Promise<{ jobs: JobRun[]; next: string | null }> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
    if (before) query.set('before', before);
    query.set('limit', String(limit));
    return this.call('GET', `/api/jobs?${query}`);
  }

  getRun(id: string): Promise<JobRun> {
    return this.call('GET', `/api/jobs/${encodeURIComponent(id)}`);
  }

  runClients(id: string, after: string | null, limit: number): Promise<{ clients: RunClient[]; next: string | null }> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (after) query.set('after', after);
    return this.call('GET', `/api/jobs/${encodeURIComponent(id)}/clients?${query}`);
  }

  cancelRun(id: string): Promise<JobRun> {
    return this.call('DELETE', `/api/jobs/${encodeURIComponent(id)}`);
  }

  /** POSTs to a trigger; the run is the one its `Location` names. */
  async trigger(path: string, body?: unknown): Promise<StartedRun> {
    const response = await this.send('POST', path, body);
    const location = response.headers.get('location') ?? '';
    return { runId: location.slice(location.lastIndexOf('/') + 1) };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.send(method, path, body)).json()) as T;
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { 'x-admin-token': this.token, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
    } catch {
      throw new NetworkError();
    }
    if (!response.ok) throw await errorFrom(response);
    return response;
  }
}
