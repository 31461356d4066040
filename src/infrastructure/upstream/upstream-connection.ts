import ky, { type KyInstance } from 'ky';
import pLimit, { type LimitFunction } from 'p-limit';
import pThrottle from 'p-throttle';
import type { Dispatcher } from 'undici';
import type { Client } from '../../domain/clients/client.js';
import { UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../domain/errors.js';
import type { UpstreamCounters } from '../../domain/ports/upstream-usage.port.js';
import type { UpstreamConfig } from '../config.js';
import { parseRetryAfter } from './retry-after.js';

type Attempt =
  | { outcome: 'ok'; body: unknown }
  | { outcome: 'unauthorized' }
  | { outcome: 'not-found' }
  | { outcome: 'rate-limited'; waitMs: number | null }
  | { outcome: 'transient'; problem: string }
  | { outcome: 'rejected'; status: number };

/** 429s are waited out rather than counted as failures, but not forever. */
const MAX_RATE_LIMITED_WAITS = 20;

/**
 * Everything the importer sends with one client's token goes through here: a strict sliding
 * window of `requestsPerMinute` per window (p-throttle strict), a bound on requests in flight
 * so a slow upstream does not waste the budget, and the retry policy. The limiter wraps the
 * throttle so a request is sent the moment its window slot is granted.
 */
export class UpstreamConnection {
  readonly counters: UpstreamCounters = { requests: 0, retries: 0, rateLimited: 0 };
  private readonly http: KyInstance;
  private readonly inFlight: LimitFunction;
  private readonly inWindow: <T>(send: () => Promise<T>) => Promise<T>;

  constructor(
    private readonly client: Client,
    private readonly config: UpstreamConfig,
    dispatcher: Dispatcher | undefined,
  ) {
    this.http = ky.create({
      prefixUrl: client.apiBaseUrl.replace(/\/+$/, ''),
      headers: { authorization: `Bearer ${client.apiToken}`, accept: 'application/json' },
      timeout: false,
      retry: 0,
      throwHttpErrors: false,
      ...(dispatcher ? ({ dispatcher } as object) : {}),
    });
    this.inFlight = pLimit(config.concurrency);
    const throttle = pThrottle({ limit: config.requestsPerMinute, interval: config.rateWindowMs, strict: true });
    this.inWindow = throttle(<T>(send: () => Promise<T>) => send()) as <T>(send: () => Promise<T>) => Promise<T>;
  }

  /** The token and URL this connection was built with; a changed client needs a new connection. */
  matches(client: Client): boolean {
    return client.apiToken === this.client.apiToken && client.apiBaseUrl === this.client.apiBaseUrl;
  }

  /**
   * GETs `path` and returns the parsed body. `parse` returns undefined for a body that is not
   * what was expected, which is retried like a 5xx (a truncated body, a proxy's HTML page).
   * A 404 throws what `notFound` makes; by default it means a wrong base URL.
   */
  async getJson<T>(
    path: string,
    searchParams: Record<string, string | number>,
    parse: (body: unknown) => T | undefined,
    notFound: () => Error = () => new UpstreamUnavailableError(`upstream of client "${this.client.slug}" answered 404 to GET /${path}: check the client's apiBaseUrl`),
  ): Promise<T> {
    let failures = 0;
    let rateLimitedWaits = 0;
    for (;;) {
      const attempt = await this.inFlight(() => this.inWindow(() => this.send(path, searchParams)));
      if (attempt.outcome === 'ok') {
        const parsed = parse(attempt.body);
        if (parsed !== undefined) return parsed;
      }
      switch (attempt.outcome) {
        case 'unauthorized':
          throw new UpstreamUnauthorizedError(this.client.slug);
        case 'not-found':
          throw notFound();
        case 'rejected':
          throw new UpstreamUnavailableError(`upstream of client "${this.client.slug}" refused GET /${path} with HTTP ${attempt.status}`);
        case 'rate-limited':
          this.counters.rateLimited += 1;
          if (++rateLimitedWaits > MAX_RATE_LIMITED_WAITS) {
            throw new UpstreamUnavailableError(`upstream of client "${this.client.slug}" kept answering 429 to GET /${path}`);
          }
          await sleep(attempt.waitMs ?? this.backoff(rateLimitedWaits));
          continue;
        default: {
          const problem = attempt.outcome === 'ok' ? 'a body that is not the expected JSON' : attempt.problem;
          if (++failures > this.config.maxRetries) {
            throw new UpstreamUnavailableError(`upstream of client "${this.client.slug}" failed GET /${path} ${failures} times; last: ${problem}`);
          }
          this.counters.retries += 1;
          await sleep(this.backoff(failures));
        }
      }
    }
  }

  private async send(path: string, searchParams: Record<string, string | number>): Promise<Attempt> {
    this.counters.requests += 1;
    try {
      // The signal bounds the whole exchange, body included: a server may stall mid-body.
      const response = await this.http.get(path, { searchParams, signal: AbortSignal.timeout(this.config.timeoutMs) });
      if (response.status === 401 || response.status === 403) return { outcome: 'unauthorized' };
      if (response.status === 404) return { outcome: 'not-found' };
      if (response.status === 429) return { outcome: 'rate-limited', waitMs: parseRetryAfter(response.headers.get('retry-after')) };
      if (response.status >= 500 || response.status === 408) return { outcome: 'transient', problem: `HTTP ${response.status}` };
      if (response.status !== 200) return { outcome: 'rejected', status: response.status };
      const text = await response.text();
      try {
        return { outcome: 'ok', body: JSON.parse(text) };
      } catch {
        return { outcome: 'transient', problem: 'a body that is not valid JSON' };
      }
    } catch (error) {
      return { outcome: 'transient', problem: describeNetworkError(error, this.config.timeoutMs) };
    }
  }

  /** Exponential backoff with full jitter. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.config.backoffMaxMs, this.config.backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

/** Names the failure without quoting the request (its headers carry the token). */
function describeNetworkError(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no complete answer within ${timeoutMs} ms`;
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  return code ? `network error ${code}` : 'network error';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
