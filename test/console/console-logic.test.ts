import { expect } from 'chai';
import { AdminApi } from '../../console/src/api/admin-api.js';
import { catalogFrom } from '../../console/src/api/api-catalog.js';
import { ApiError, errorFrom, NetworkError, ThrottledError, UnauthorizedError } from '../../console/src/api/api-errors.js';
import type { Client, ClientActivity, ClientRunStats } from '../../console/src/api/types.js';
import { changesOf, newClientOf, type FormValues } from '../../console/src/clients/client-form-values.js';
import { availableActions, driftOf, OPTIONAL_ACTIONS, showsDrift } from '../../console/src/clients/optional-actions.js';
import { storedText } from '../../console/src/runs/stored-text.js';
import { signInMessage } from '../../console/src/session/sign-in-message.js';
import { sessionTokenStore, type StorageLike } from '../../console/src/session/token-store.js';
import { formatDuration, formatTime, progressPercent, stepText } from '../../console/src/shared/format.js';
import { hrefOf, parseRoute } from '../../console/src/shared/route.js';
import { JOB_KINDS, JOB_STATUSES, JOB_TRIGGERS } from '../../src/domain/jobs/job-run.js';
import { buildOpenApiDocument } from '../../src/interfaces/http/openapi/openapi-document.js';

/* The console's logic that needs no browser: what it reads from the API, what it sends, what it shows. */

const stats = (fields: Partial<ClientRunStats>): ClientRunStats => ({ status: 'running', pages: 0, upstreamRequests: 0, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null, ...fields });

/** A fetch that records each call and answers with `respond`. */
function recordingFetch(respond: (url: string, init: RequestInit) => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return respond(String(input), init ?? {});
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('Console logic (console/src, without a browser)', () => {
  describe('what it reads from the service’s OpenAPI document', () => {
    it('when the real document is read, then the run filters list exactly the kinds, statuses and triggers the API validates', () => {
      const catalog = catalogFrom(buildOpenApiDocument());

      expect(catalog.kinds).to.deep.equal([...JOB_KINDS]);
      expect(catalog.statuses).to.deep.equal([...JOB_STATUSES]);
      expect(catalog.triggers).to.deep.equal([...JOB_TRIGGERS]);
      expect(catalog.postPaths).to.include('/api/jobs/import/{slug}');
    });

    it('when the service documents the reconcile and backfill triggers, then those actions and the drift column are offered; a document without them (an older service) offers neither', () => {
      const today = catalogFrom(buildOpenApiDocument());
      const older = catalogFrom({
        paths: {
          '/api/jobs': { get: { parameters: [{ name: 'kind', in: 'query', schema: { enum: ['import', 'contacts-sync'] } }] } },
          '/api/jobs/import/{slug}': { post: {} },
        },
      });

      expect(availableActions(today).map((action) => action.label)).to.deep.equal(['Reconcile', 'Backfill']);
      expect(today.kinds).to.include.members(['reconcile', 'backfill']);
      expect(showsDrift(today)).to.equal(true);
      expect(availableActions(older)).to.deep.equal([]);
      expect(showsDrift(older)).to.equal(false);
    });

    it('when the document cannot be read, then the run filters fall back to every kind of the service that serves the console, and no optional action is offered', () => {
      const catalog = catalogFrom(null);

      expect(catalog.kinds).to.deep.equal([...JOB_KINDS]);
      expect(catalog.postPaths.size).to.equal(0);
    });
  });

  describe('the planned reconcile and backfill triggers (issue 11)', () => {
    const [reconcile, backfill] = OPTIONAL_ACTIONS;

    it('when reconcile is started with or without repair, then its body is {"repair":true} or empty, at /api/jobs/reconcile/:slug', () => {
      expect(reconcile!.path('acme')).to.equal('/api/jobs/reconcile/acme');
      expect(reconcile!.body({ repair: true })).to.deep.equal({ repair: true });
      expect(reconcile!.body({})).to.deep.equal({});
    });

    it('when backfill is started, then from (and to when given) go as ISO-8601, read as UTC', () => {
      expect(backfill!.path('acme')).to.equal('/api/jobs/backfill/acme');
      expect(backfill!.body({ from: '2026-11-01T00:00' })).to.deep.equal({ from: '2026-11-01T00:00:00.000Z' });
      expect(backfill!.body({ from: '2026-11-01T00:00', to: '2026-11-15T12:30' })).to.deep.equal({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-15T12:30:00.000Z' });
    });

    it('when a client’s latest reconcile found drift, found none, or never ran, then the column says so, and whether its repair fixed the drift', () => {
      const activity = (fields: Partial<ClientRunStats>): ClientActivity => ({
        slug: 'acme',
        stored: { tickets: 0, messages: 0, contacts: 0 },
        cursors: {},
        lastRuns: { reconcile: { runId: 'r', href: '/api/jobs/r', status: 'succeeded', requestedAt: '', startedAt: null, finishedAt: null, durationMs: null, error: null, stats: stats({ status: 'succeeded', ...fields }) } },
      });
      const tickets = { upstream: 40, stored: 35, missing: 5, goneUpstream: 0, window: null };

      expect(driftOf(activity({ drift: true, tickets }))).to.equal('drift: 5 tickets missing');
      expect(driftOf(activity({ drift: true, tickets, repair: { window: null, complete: true }, missingRows: { tickets: 0, messages: 0, contacts: 0 } }))).to.equal('drift: 5 tickets missing — repaired');
      expect(driftOf(activity({ drift: true, tickets, repair: { window: null, complete: false }, missingRows: { tickets: 2, messages: 1, contacts: 0 } }))).to.equal('drift: 5 tickets missing — repair incomplete, 2 tickets, 1 message still missing');
      expect(driftOf(activity({ drift: true, tickets: { ...tickets, missing: 0, stored: 40 }, contacts: { upstream: 10, stored: 9 } }))).to.equal('drift: contact counts differ');
      expect(driftOf(activity({ drift: false }))).to.equal('no drift');
      expect(driftOf({ ...activity({ drift: false }), lastRuns: {} })).to.equal('—');
    });

    it('when a date field of an action is shown, then it takes seconds, and To says what it defaults to', () => {
      const fields = Object.fromEntries(backfill!.fields.map((field) => [field.name, field]));

      expect(fields.to!.help).to.equal('default: the client’s cursor as the backfill starts');
      expect(backfill!.body({ from: '2026-11-01T00:00:07', to: '2026-11-15T12:30:59' })).to.deep.equal({ from: '2026-11-01T00:00:07.000Z', to: '2026-11-15T12:30:59.000Z' });
    });
  });

  describe('the admin API client', () => {
    const TOKEN = 'the-admin-token-0123456789';

    it('when it calls the API, then the token goes in the x-admin-token header of every request and never in a URL, and no cookie is sent', async () => {
      const { calls, fetchImpl } = recordingFetch((url) => (url.startsWith('/api/jobs?') ? json(200, { jobs: [], next: null }) : json(200, { clients: [] })));
      const api = new AdminApi(TOKEN, fetchImpl);

      await api.listClients();
      await api.clientActivity();
      await api.listRuns({ kind: 'import', slug: 'acme', status: undefined }, 'b5f2a0c4-0000-4000-8000-000000000000', 20);

      expect(calls.map((call) => call.url)).to.deep.equal(['/api/admin/clients', '/api/admin/client-activity', '/api/jobs?kind=import&slug=acme&before=b5f2a0c4-0000-4000-8000-000000000000&limit=20']);
      for (const call of calls) {
        expect((call.init.headers as Record<string, string>)['x-admin-token']).to.equal(TOKEN);
        expect(call.url).to.not.include(TOKEN);
        expect(call.init.credentials).to.equal('omit');
      }
    });

    it('when a trigger answers 202, then the run is the one its Location names; a JSON body goes as JSON', async () => {
      const { calls, fetchImpl } = recordingFetch(() => json(202, { message: 'Contacts sync job started', slug: 'acme' }, { location: '/api/jobs/8c0e0000-0000-4000-8000-000000000000' }));

      const started = await new AdminApi(TOKEN, fetchImpl).trigger('/api/admin/sync/contacts', { clientSlug: 'acme' });

      expect(started).to.deep.equal({ runId: '8c0e0000-0000-4000-8000-000000000000' });
      expect(calls[0]!.init).to.include({ method: 'POST', body: '{"clientSlug":"acme"}' });
      expect((calls[0]!.init.headers as Record<string, string>)['content-type']).to.equal('application/json');
    });

    it('when the API refuses, then each answer becomes its own error: 401, 429 with its wait, 400 with the fields, no answer at all', async () => {
      const failing = async (response: () => Response) => new AdminApi(TOKEN, recordingFetch(response).fetchImpl).listClients().then(() => null, (error: unknown) => error);
      const offline = (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch;

      const unauthorized = await failing(() => json(401, { error: 'unauthorized' }));
      const throttled = await failing(() => json(429, { error: 'too_many_attempts' }, { 'retry-after': '37' }));
      const invalid = await failing(() => json(400, { error: 'validation_failed', message: 'invalid client: apiBaseUrl must be an http(s) URL', fields: { apiBaseUrl: 'must be an http(s) URL' } }));
      const badGateway = await failing(() => new Response('<html>bad gateway</html>', { status: 502 }));
      const unreachable = await new AdminApi(TOKEN, offline).listClients().then(() => null, (error: unknown) => error);

      expect(unauthorized).to.be.instanceOf(UnauthorizedError);
      expect(throttled).to.be.instanceOf(ThrottledError);
      expect((throttled as ThrottledError).retryAfterSeconds).to.equal(37);
      expect(invalid).to.be.instanceOf(ApiError);
      expect((invalid as ApiError).fields).to.deep.equal({ apiBaseUrl: 'must be an http(s) URL' });
      expect((badGateway as ApiError).message).to.equal('http_502');
      expect(unreachable).to.be.instanceOf(NetworkError);
    });

    it('when a 429 has no Retry-After, then its wait is unknown and the sign-in form says to wait a minute', async () => {
      const throttled = (await errorFrom(json(429, { error: 'too_many_attempts' }))) as ThrottledError;

      expect(throttled.retryAfterSeconds).to.equal(null);
      expect(signInMessage(throttled)).to.equal('Too many wrong tokens from this address: the service is refusing sign-ins for now. Wait a minute and try again.');
      expect(signInMessage(new ThrottledError('', 12))).to.match(/Try again in 12 s\.$/);
      expect(signInMessage(new UnauthorizedError(401, 'unauthorized', ''))).to.equal('That admin token is not the right one. Check it and try again.');
    });
  });

  describe('where the token is kept', () => {
    function fakeStorage(): StorageLike & { entries: Map<string, string> } {
      const entries = new Map<string, string>();
      return { entries, getItem: (key) => entries.get(key) ?? null, setItem: (key, value) => void entries.set(key, value), removeItem: (key) => void entries.delete(key) };
    }

    it('when a token is written and then cleared, then the session storage holds it, then nothing', () => {
      const storage = fakeStorage();
      const store = sessionTokenStore(storage);

      store.write('secret-token');
      const kept = [...storage.entries.values()];
      store.clear();

      expect(kept).to.deep.equal(['secret-token']);
      expect(storage.entries.size).to.equal(0);
      expect(store.read()).to.equal(null);
    });

    it('when the browser offers no session storage, then the token lives in memory only, for the page’s life', () => {
      const store = sessionTokenStore(null);

      store.write('secret-token');

      expect(store.read()).to.equal('secret-token');
    });
  });

  describe('the client form', () => {
    const client: Client = { id: 'c', slug: 'acme', name: 'Acme', active: true, apiBaseUrl: 'https://acme.example/api', apiToken: '••••wxyz', requestsPerMinute: 120, createdAt: '', updatedAt: '' };
    const form = (fields: Partial<FormValues>): FormValues => ({ slug: 'acme', name: 'Acme', apiBaseUrl: 'https://acme.example/api', apiToken: '', requestsPerMinute: '120', active: true, ...fields });

    it('when a new client is sent, then an empty rate is the service default and a rate that is not a number goes as typed, for the API to name', () => {
      expect(newClientOf(form({ slug: ' acme ', apiToken: 't', requestsPerMinute: '' }))).to.deep.equal({ slug: 'acme', name: 'Acme', apiBaseUrl: 'https://acme.example/api', apiToken: 't', requestsPerMinute: null });
      expect(newClientOf(form({ requestsPerMinute: '90' })).requestsPerMinute).to.equal(90);
      expect(newClientOf(form({ requestsPerMinute: 'fast' })).requestsPerMinute).to.equal('fast');
    });

    it('when a client is edited, then only what changed is sent, and an empty token keeps the stored one', () => {
      expect(changesOf(form({}), client)).to.deep.equal({});
      expect(changesOf(form({ name: 'Acme Ltd', apiToken: 'new-token', requestsPerMinute: '', active: false }), client)).to.deep.equal({ name: 'Acme Ltd', apiToken: 'new-token', requestsPerMinute: null, active: false });
    });
  });

  describe('what it shows', () => {
    it('when a client has walked part of what the upstream counted, then its progress is that share, capped at 99 while it runs; succeeded is 100; no estimate is none', () => {
      expect(progressPercent(stats({ listedTickets: 30, expectedTickets: 120 }))).to.equal(25);
      expect(progressPercent(stats({ listedTickets: 130, expectedTickets: 120 }))).to.equal(99);
      expect(progressPercent(stats({ contacts: 10, expectedContacts: 40 }))).to.equal(25);
      expect(progressPercent(stats({ status: 'succeeded', listedTickets: 3, expectedTickets: 120 }))).to.equal(100);
      expect(progressPercent(stats({ listedTickets: 30, expectedTickets: null }))).to.equal(null);
      expect(progressPercent(stats({ status: 'queued' }))).to.equal(0);
      expect(progressPercent(stats({ listedTickets: 0, expectedTickets: 0 }))).to.equal(0);
    });

    it('when a reconcile runs, then its bar follows its step (never full before it ends) and the step is told in words; once finished, no step is told', () => {
      // Its import walked the one ticket it expected: the bar is not full, the reconcile has its check still to do.
      expect(progressPercent(stats({ listedTickets: 1, expectedTickets: 1, step: { phase: 'import', done: 1, total: 1 } }))).to.equal(99);
      expect(progressPercent(stats({ listedTickets: 0, expectedTickets: 0, step: { phase: 'check', done: 16, total: 64 } }))).to.equal(25);
      expect(progressPercent(stats({ step: { phase: 'repair', done: 1, total: 2 } }))).to.equal(50);
      expect(progressPercent(stats({ step: { phase: 'import', done: 3, total: null } }))).to.equal(null);
      expect(progressPercent(stats({ status: 'succeeded', step: { phase: 'recheck', done: 15, total: 64 } }))).to.equal(100);
      expect(stepText(stats({ step: { phase: 'import', done: 1, total: 1 } }))).to.equal('importing: 1 of 1 tickets walked');
      expect(stepText(stats({ step: { phase: 'check', done: 16, total: 64 } }))).to.equal('checking: 16 of at most 64 requests');
      expect(stepText(stats({ step: { phase: 'repair', done: 1, total: 2 } }))).to.equal('repairing: 1 of 2 windows re-imported');
      expect(stepText(stats({ step: { phase: 'recheck', done: 0, total: 64 } }))).to.equal('checking again: 0 of at most 64 requests');
      expect(stepText(stats({ step: { phase: 'import', done: 3, total: null } }))).to.equal('importing: 3 tickets walked');
      expect(stepText(stats({ status: 'succeeded', step: { phase: 'recheck', done: 15, total: 64 } }))).to.equal(null);
      expect(stepText(stats({ listedTickets: 3, expectedTickets: 9 }))).to.equal(null);
    });

    it('when times and durations are shown, then in UTC and in the unit that reads best', () => {
      expect(formatTime('2026-11-28T10:00:03.250Z')).to.equal('2026-11-28 10:00:03 UTC');
      expect(formatTime(null)).to.equal('—');
      expect(formatDuration(850)).to.equal('850 ms');
      expect(formatDuration(12_340)).to.equal('12.3 s');
      expect(formatDuration(245_000)).to.equal('4 min 05 s');
      expect(formatDuration(7_380_000)).to.equal('2 h 03 min');
      expect(formatDuration(null)).to.equal('—');
    });

    it('when the fragment names a page, then that page opens; anything else is the clients page', () => {
      const id = '8c0e0000-0000-4000-8000-000000000000';

      expect(parseRoute(`#/runs/${id}`)).to.deep.equal({ page: 'run', id });
      expect(parseRoute('#/runs')).to.deep.equal({ page: 'runs' });
      expect(parseRoute('#/elsewhere')).to.deep.equal({ page: 'clients' });
      expect(parseRoute('')).to.deep.equal({ page: 'clients' });
      expect(hrefOf({ page: 'run', id })).to.equal(`#/runs/${id}`);
    });
  });
  describe('what a run’s client row says it stored or found', () => {
    it('when the run is a reconcile, then its findings are told in words, never as [object Object]: where the missing tickets are, what the repair re-imported and stored', () => {
      const text = storedText(
        stats({
          status: 'succeeded',
          drift: true,
          tickets: {
            upstream: 400,
            stored: 399,
            missing: 2,
            goneUpstream: 1,
            window: { from: '2026-11-01T10:00:00.000Z', to: '2026-11-03T09:00:00.000Z' },
            windows: [
              { from: '2026-11-01T10:00:00.000Z', to: '2026-11-01T10:05:00.000Z' },
              { from: '2026-11-03T09:00:00.000Z', to: '2026-11-03T09:00:00.000Z' },
            ],
          },
          messages: { sampled: 20, mismatched: 1 },
          contacts: { upstream: 80, stored: 77 },
          repair: { window: { from: '2026-11-01T10:00:00.000Z', to: '2026-11-03T09:00:00.000Z' }, complete: true },
          rowsStored: { tickets: 2, messages: 4, contacts: 3, deletedTickets: 1, deletedContacts: 0 },
          missingRows: { tickets: 0, messages: 0, contacts: 0 },
        }),
      );

      expect(text).to.equal(
        'drift: 2 tickets missing, 1 ticket gone upstream, messages differ on 1 sampled ticket, contact counts differ — repaired; tickets 400 upstream / 399 stored; missing in 2026-11-01 10:00:00 UTC – 10:05:00 UTC, 2026-11-03 09:00:00 UTC; messages differ on 1 of 20 sampled tickets; contacts 80 upstream / 77 stored; re-imported 2026-11-01 10:00:00 UTC – 2026-11-03 09:00:00 UTC; 2 tickets, 4 messages, 3 contacts stored; 1 ticket flagged deleted',
      );
    });

    it('when a reconcile did not repair, then what it found missing is told per table', () => {
      const text = storedText(stats({ status: 'succeeded', drift: true, tickets: { upstream: 40, stored: 35, missing: 5, goneUpstream: 0, window: { from: '2026-11-01T10:00:00.000Z', to: '2026-11-01T10:00:04.000Z' } }, missingRows: { tickets: 5, messages: 0, contacts: 0 } }));

      expect(text).to.equal('drift: 5 tickets missing; tickets 40 upstream / 35 stored; missing in 2026-11-01 10:00:00 UTC – 10:00:04 UTC; missing rows: 5 tickets, 0 messages, 0 contacts');
    });

    it('when a contacts sync held deletions back, then its row tells how many (its warnings say why, beside it)', () => {
      expect(storedText(stats({ contacts: 10, expectedContacts: 10, deletionsHeld: 12, warnings: ['12 deletions held: more than CONTACTS_DELETE_GUARD'] }))).to.equal('10 of 10 contacts, 12 deletions held');
    });

    it('when the run is an import, then it tells the counts stored', () => {
      expect(storedText(stats({ listedTickets: 5, expectedTickets: 10, tickets: 3, messages: 7 }))).to.equal('5 of 10 tickets walked, 3 tickets stored, 7 messages');
    });
  });
});
