import ky, { type KyInstance } from 'ky';
import type { Dispatcher } from 'undici';
import type { Client } from '../../domain/clients/client.js';
import { UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../domain/errors.js';
import type { UpstreamCounters } from '../../domain/ports/upstream-usage.port.js';
import type { UpstreamConfig } from '../config.js';
import type { UpstreamMetrics } from '../metrics/importer-metrics.js';
import { delay, relayOf } from '../abortable.js';
import { PermitQueue } from './permit-queue.js';
import { parseRetryAfter } from './retry-after.js';
import { SlidingWindowBudget } from './sliding-window-budget.js';
import type { UpstreamRequestLedger } from './upstream-request-ledger.js';
import { WriteAheadPermits } from './write-ahead-permits.js';
import type { Parsed } from './upstream-schemas.js';

type Attempt =
  | { outcome: 'ok'; body: unknown }
  | { outcome: 'unauthorized'; status: number }
  | { outcome: 'untrusted-certificate'; code: string }
  | { outcome: 'not-found' }
  | { outcome: 'rate-limited'; waitMs: number | null }
  | { outcome: 'transient'; problem: string }
  | { outcome: 'rejected'; status: number };

/** 429s are waited out rather than counted as failures, but not forever. */
const MAX_RATE_LIMITED_WAITS = 20;
/** A Retry-After longer than this fails the run instead of parking it. */
const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Certificate verification failures: permanent until the operator acts, so never retried. */
export const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Everything the importer sends with one client's token goes through here: its sliding-window
 * rate budget, a bound on requests in flight so a slow upstream does not waste the budget, and
 * the retry policy. A 429 pauses the whole connection until its Retry-After has passed, since
 * every request with this token would meet the same answer. Its permits are written ahead to the
 * ledger, so the next process working on the client counts them.
 *
 * A caller's signal ends its call at once, wherever it waits (in-flight slot, ledger, rate
 * permit, 429 pause, retry backoff): what was not sent never goes out, what is in flight is
 * aborted, and the call rejects with the signal's reason.
 */
export class UpstreamConnection {
  readonly counters: UpstreamCounters = { requests: 0, retries: 0, rateLimited: 0 };
  private readonly http: KyInstance;
  private readonly inFlight: PermitQueue;
  private readonly budget: SlidingWindowBudget;
  private readonly recorded: WriteAheadPermits;
  private pausedUntil = 0;
  private pauseStartedAt: number | null = null;

  constructor(
    private readonly client: Client,
    private readonly config: UpstreamConfig,
    dispatcher: Dispatcher | undefined,
    private readonly metrics: UpstreamMetrics,
    ledger: UpstreamRequestLedger,
  ) {
    this.http = ky.create({
      prefixUrl: client.apiBaseUrl.replace(/\/+$/, ''),
      headers: { authorization: `Bearer ${client.apiToken}`, accept: 'application/json' },
      timeout: false,
      retry: 0,
      throwHttpErrors: false,
      ...(dispatcher ? ({ dispatcher } as object) : {}),
    });
    this.inFlight = new PermitQueue(config.concurrency);
    this.budget = new SlidingWindowBudget(client.requestsPerMinute ?? config.requestsPerMinute, config.rateWindowMs, metrics.waitedForBudget);
    this.recorded = new WriteAheadPermits(ledger, client.id, this.budget, { windowMs: config.rateWindowMs, requestTimeoutMs: config.timeoutMs });
  }

  /** Since when requests wait for the budget or a Retry-After pause (Date.now()), or null. */
  get waitingSince(): number | null {
    const now = Date.now();
    const paused = this.pausedUntil > now ? (this.pauseStartedAt ?? now) : null;
    const budget = this.budget.waitingSince;
    return paused === null ? budget : budget === null ? paused : Math.min(paused, budget);
  }

  /** Takes on the client's current rate plan: from its next request on, the window's history kept. */
  follow(client: Client): void {
    const limit = client.requestsPerMinute ?? this.config.requestsPerMinute;
    if (limit !== this.budget.limit) this.budget.setLimit(limit);
  }

  /** The token and URL this connection was built with; a changed client needs a new connection. */
  matches(client: Client): boolean {
    return client.apiToken === this.client.apiToken && client.apiBaseUrl === this.client.apiBaseUrl;
  }

  /**
   * GETs `path` and returns the parsed body. A body that `parse` rejects is retried like a 5xx
   * (a truncated body, a proxy's HTML page).
   * A 404 throws what `notFound` makes; by default it means a wrong base URL.
   */
  async getJson<T>(
    path: string,
    searchParams: Record<string, string | number>,
    parse: (body: unknown) => Parsed<T>,
    notFound: () => Error = () => new UpstreamUnavailableError(`upstream of client "${this.client.slug}" answered 404 to GET /${path}: check the client's apiBaseUrl`),
    callerSignal?: AbortSignal,
  ): Promise<T> {
    const signal = relayOf(callerSignal);
    let failures = 0;
    let rateLimitedWaits = 0;
    for (;;) {
      await this.waitOutPause(signal);
      const attempt = await this.attempt(path, searchParams, signal);
      let problem = '';
      if (attempt.outcome === 'ok') {
        const parsed = parse(attempt.body);
        if ('value' in parsed) return parsed.value;
        problem = parsed.problem;
      }
      switch (attempt.outcome) {
        case 'unauthorized':
          throw new UpstreamUnauthorizedError(this.client.slug, `the upstream rejected it (HTTP ${attempt.status})`);
        case 'untrusted-certificate':
          throw new UpstreamUnavailableError(
            `upstream of client "${this.client.slug}" presented a TLS certificate that failed verification (${attempt.code}); ` +
              'fix the certificate, or set EXTERNAL_API_TLS_INSECURE=true to skip verification',
          );
        case 'not-found':
          throw notFound();
        case 'rejected':
          throw new UpstreamUnavailableError(`upstream of client "${this.client.slug}" refused GET /${path} with HTTP ${attempt.status}`);
        case 'rate-limited':
          this.counters.rateLimited += 1;
          this.metrics.rateLimited();
          if (++rateLimitedWaits > MAX_RATE_LIMITED_WAITS) {
            throw new UpstreamUnavailableError(`upstream of client "${this.client.slug}" kept answering 429 to GET /${path}`);
          }
          const waitMs = attempt.waitMs ?? this.backoff(rateLimitedWaits);
          if (waitMs > MAX_RETRY_AFTER_MS) {
            throw new UpstreamUnavailableError(`upstream of client "${this.client.slug}" asked to wait ${Math.round(waitMs / 1000)} s before retrying (429)`);
          }
          const pauseEnd = Date.now() + waitMs;
          // Counted as wall time the client is held back, however many requests wait it out.
          const added = pauseEnd - Math.max(this.pausedUntil, Date.now());
          if (added > 0) {
            this.metrics.pausedForRateLimit(added);
            if (this.pausedUntil <= Date.now()) this.pauseStartedAt = Date.now();
            this.pausedUntil = pauseEnd;
          }
          continue;
        default: {
          if (attempt.outcome === 'transient') problem = attempt.problem;
          if (++failures > this.config.maxRetries) {
            throw new UpstreamUnavailableError(`upstream of client "${this.client.slug}" failed GET /${path} ${failures} times; last: ${problem}`);
          }
          this.counters.retries += 1;
          this.metrics.retry();
          await delay(this.backoff(failures), signal);
        }
      }
    }
  }

  /**
   * One try: an in-flight slot, then a rate permit recorded in the ledger, then the request.
   * Each wait gives back what it took when the signal aborts; a permit not used comes back at once.
   */
  private async attempt(path: string, searchParams: Record<string, string | number>, signal: AbortSignal | undefined): Promise<Attempt> {
    await this.inFlight.take(signal);
    try {
      await this.recorded.ready(signal);
      const permit = await this.budget.acquire(signal);
      let recorded;
      try {
        recorded = await this.recorded.reserve(signal);
      } catch (error) {
        permit.unused();
        throw error;
      }
      try {
        return await this.send(path, searchParams, signal);
      } finally {
        recorded.finished();
        permit.spent();
      }
    } finally {
      this.inFlight.add(1);
    }
  }

  private async send(path: string, searchParams: Record<string, string | number>, signal: AbortSignal | undefined): Promise<Attempt> {
    const attempt = await this.exchange(path, searchParams, signal);
    this.counters.requests += 1;
    this.metrics.request(attempt.status);
    if (signal?.aborted) throw signal.reason;
    return attempt.result;
  }

  /** One request and its outcome, with the status label the metrics give it. */
  private async exchange(path: string, searchParams: Record<string, string | number>, caller: AbortSignal | undefined): Promise<{ status: string; result: Attempt }> {
    // The timeout bounds the whole exchange, body included: a server may stall mid-body. One
    // controller per request, let go of both signals when it ends: a composite signal per
    // request (AbortSignal.any) stays tied to the run's signal and to its timer for 30 s.
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const exchange = new AbortController();
    const onTimeout = () => exchange.abort(timeout.reason);
    const onCaller = () => exchange.abort(caller!.reason);
    timeout.addEventListener('abort', onTimeout, { once: true });
    caller?.addEventListener('abort', onCaller, { once: true });
    if (caller?.aborted) onCaller();
    try {
      const response = await this.http.get(path, { searchParams, signal: exchange.signal });
      const answered = (result: Attempt) => ({ status: String(response.status), result });
      if (response.status === 401 || response.status === 403) return answered({ outcome: 'unauthorized', status: response.status });
      if (response.status === 404) return answered({ outcome: 'not-found' });
      if (response.status === 429) return answered({ outcome: 'rate-limited', waitMs: parseRetryAfter(response.headers.get('retry-after')) });
      if (response.status >= 500 || response.status === 408) return answered({ outcome: 'transient', problem: `HTTP ${response.status}` });
      if (response.status !== 200) return answered({ outcome: 'rejected', status: response.status });
      const text = await response.text();
      try {
        // A reviver slows parsing several-fold: only for the rare body that holds a NUL.
        return answered({ outcome: 'ok', body: text.includes('\\u0000') ? JSON.parse(text, withoutNulCharacters) : JSON.parse(text) });
      } catch {
        return answered({ outcome: 'transient', problem: 'a body that is not valid JSON' });
      }
    } catch (error) {
      if (caller?.aborted) return { status: 'aborted', result: { outcome: 'transient', problem: 'aborted by the caller' } };
      const code = (error as { cause?: { code?: string } })?.cause?.code;
      if (code && CERTIFICATE_ERRORS.has(code)) return { status: 'tls_error', result: { outcome: 'untrusted-certificate', code } };
      const name = (error as { name?: string })?.name;
      const status = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network_error';
      return { status, result: { outcome: 'transient', problem: describeNetworkError(error, this.config.timeoutMs) } };
    } finally {
      timeout.removeEventListener('abort', onTimeout);
      caller?.removeEventListener('abort', onCaller);
    }
  }

  private async waitOutPause(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    for (let wait = this.pausedUntil - Date.now(); wait > 0; wait = this.pausedUntil - Date.now()) await delay(wait, signal);
  }

  /** Exponential backoff with "equal jitter": between half and all of the exponential ceiling. */
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

/** PostgreSQL text and jsonb cannot hold U+0000: one such character would block a client's import for good. */
function withoutNulCharacters(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}
