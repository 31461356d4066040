import { existsSync, readFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import nock from 'nock';
import { metricsRegistry } from '../../src/infrastructure/container.js';
import { startPgBoss } from '../../src/infrastructure/jobs/start-pg-boss.js';
import { maskToken } from '../../src/interfaces/http/controllers/client.view.js';
import { BUILT_CONSOLE_DIR } from '../../src/interfaces/http/console/console-files.js';
import { buildOpenApiDocument } from '../../src/interfaces/http/openapi/openapi-document.js';
import type { Header, HttpMethod, JsonSchema, OpenApiDocument, Operation, Parameter, Response } from '../../src/interfaces/http/openapi/openapi-types.js';
import { createRouters } from '../../src/interfaces/http/router.js';
import { ensureConsoleBuilt } from '../support/console-build.js';
import { insertClient, sql, testDatabaseUrl } from '../support/database.js';
import { recordingLogger } from '../support/recording-logger.js';
import { useRunningApp, type ApiResponse, type RunningApp } from '../support/running-app.js';
import { page, upstreamTicket } from '../support/upstream-fixtures.js';

/*
 * The OpenAPI document is a contract clients are generated from: these tests fail when it and
 * the service part ways. (a) the routes and the documented operations are the same set; (b)
 * every documented answer is provoked live and checked against the document (status, headers,
 * content type, body schema); (c) the document itself is sound.
 */

const document = buildOpenApiDocument();
const METHODS: HttpMethod[] = ['get', 'post', 'patch', 'delete'];

// ---------------------------------------------------------------------------------------------
// The live table: one entry per documented operation and status, with the request that provokes it.

interface LiveRequest {
  path: string;
  /** Undefined: the right token; null: none. */
  token?: string | null;
  headers?: Record<string, string>;
  body?: string;
  /** Broken for the length of the request, mended after it. */
  fault?: Fault;
}

interface LiveCase {
  /** `METHOD /path/as/documented/{param}` */
  operation: string;
  status: number;
  when: string;
  /** Arranges whatever the request needs (rows, upstreams), and returns it. */
  request: (app: RunningApp) => LiveRequest | Promise<LiveRequest>;
}

interface Fault {
  break(): Promise<unknown>;
  mend(): Promise<unknown>;
}

/** The table renamed away: every query of it fails as if the database had lost it. */
function tableGone(table: 'job_runs' | 'clients' | 'webhook_deliveries'): Fault {
  return {
    break: () => sql().query(`ALTER TABLE ${table} RENAME TO ${table}_gone`),
    mend: () => sql().query(`ALTER TABLE ${table}_gone RENAME TO ${table}`),
  };
}

/** As in test/api/health.test.ts: the newest migration looks unapplied. */
const lastMigrationUnfinished: Fault = {
  break: () => sql().query(`UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = (SELECT max(migration_name) FROM "_prisma_migrations")`),
  mend: () => sql().query(`UPDATE "_prisma_migrations" SET finished_at = now() WHERE finished_at IS NULL`),
};

/** The console looks unbuilt: its page moved away for the length of the request. */
const consoleNotBuilt: Fault = {
  break: async () => {
    await ensureConsoleBuilt();
    await rename(join(BUILT_CONSOLE_DIR, 'index.html'), join(BUILT_CONSOLE_DIR, 'index.html.away'));
  },
  mend: () => rename(join(BUILT_CONSOLE_DIR, 'index.html.away'), join(BUILT_CONSOLE_DIR, 'index.html')),
};

/** The console's built assets of one type, as its page names them. */
async function consoleAsset(extension: 'js' | 'css'): Promise<string> {
  await ensureConsoleBuilt();
  const html = readFileSync(join(BUILT_CONSOLE_DIR, 'index.html'), 'utf8');
  return new RegExp(`/console/assets/[\\w-]+\\.${extension}`).exec(html)![0];
}

/** The live table's app has a METRICS_TOKEN, so that /metrics' 401 and 429 can be provoked. */
const METRICS_TOKEN = 'drift-metrics-token-0123456789';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const JSON_TYPE = { 'content-type': 'application/json' };
const json = (value: unknown) => ({ headers: JSON_TYPE, body: JSON.stringify(value) });
const OVERSIZED_JSON = { headers: JSON_TYPE, body: JSON.stringify({ pad: 'x'.repeat(70_000) }) };
const PLAIN_TEXT = { headers: { 'content-type': 'text/plain' }, body: 'slug=acme' };
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const ACME = 'https://acme.helpdesk.example';
const GLOBEX = 'https://globex.helpdesk.example';
const acme = { slug: 'acme', name: 'Acme', apiBaseUrl: `${ACME}/api/v1`, apiToken: 'acme-secret-token-wxyz' };

async function registerAcme(app: RunningApp): Promise<void> {
  expect((await app.request('POST', '/api/admin/clients', json(acme))).status).to.equal(201);
}

/** A finished import of one client, its stats filled in; returns the run's Location. */
async function finishedImportRun(app: RunningApp): Promise<string> {
  await insertClient({ slug: 'acme', apiBaseUrl: `${ACME}/api/v1` });
  const upstream = nock(ACME)
    .get('/api/v1/ticket')
    .query(true)
    .reply(200, page([upstreamTicket('t-1', '2026-11-28T10:00:00.000Z')]))
    .get('/api/v1/ticket/t-1/messages')
    .query(true)
    .reply(200, page([]));
  const location = (await app.request('POST', '/api/jobs/import/acme')).headers.get('location')!;
  await app.jobsIdle();
  expect(upstream.isDone()).to.equal(true);
  return location;
}

/** A contacts sync whose client's upstream refuses its token: a failed run with an error per client. */
async function failedContactsSyncRun(app: RunningApp): Promise<void> {
  await insertClient({ slug: 'globex', apiBaseUrl: `${GLOBEX}/api/v1` });
  const upstream = nock(GLOBEX).get('/api/v1/contact').query(true).reply(401);
  await app.request('POST', '/api/admin/sync/contacts?clientSlug=globex');
  await app.jobsIdle();
  expect(upstream.isDone()).to.equal(true);
}

async function queuedRun(trigger: 'manual' | 'schedule'): Promise<string> {
  const { rows } = await sql().query<{ id: string }>(`INSERT INTO job_runs (kind, slug, trigger) VALUES ('import', 'all', $1) RETURNING id`, [trigger]);
  return rows[0]!.id;
}

/** A delivery of a finished run's event that failed, as the delivery loop leaves one; returns its id. */
async function failedDelivery(): Promise<string> {
  const runId = await queuedRun('manual');
  const { rows } = await sql().query<{ id: string }>(
    `INSERT INTO webhook_deliveries (webhook_id, event_type, run_id, client_slug, target_url, payload, status, attempts, last_status, last_error, give_up_at)
     VALUES ('msg_0123456789abcdef0123456789abcdef', 'client_run.finished', $1, 'acme', 'https://hooks.example.com/in', '{}', 'failed', 1, '410', 'HTTP 410 (refused by the receiver: not retried)', now())
     RETURNING id`,
    [runId],
  );
  return rows[0]!.id;
}

async function sendWrongTokens(app: RunningApp, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await app.request('GET', '/api/jobs', { token: `wrong-token-${i}` });
}

/** For the answers every admin operation shares: a request that reaches it, and the table it needs first. */
const ADMIN_OPERATIONS: Record<string, { request: LiveRequest; table: 'job_runs' | 'clients' | 'webhook_deliveries' }> = {
  'POST /api/jobs/import': { request: { path: '/api/jobs/import' }, table: 'job_runs' },
  'POST /api/jobs/import/{slug}': { request: { path: '/api/jobs/import/acme' }, table: 'job_runs' },
  'POST /api/admin/sync/contacts': { request: { path: '/api/admin/sync/contacts' }, table: 'job_runs' },
  'POST /api/jobs/reconcile': { request: { path: '/api/jobs/reconcile' }, table: 'job_runs' },
  'POST /api/jobs/reconcile/{slug}': { request: { path: '/api/jobs/reconcile/acme' }, table: 'job_runs' },
  'POST /api/jobs/backfill/{slug}': { request: { path: '/api/jobs/backfill/acme', ...json({ from: '2026-11-01T00:00:00.000Z' }) }, table: 'job_runs' },
  'GET /api/jobs': { request: { path: '/api/jobs' }, table: 'job_runs' },
  'GET /api/jobs/{id}': { request: { path: `/api/jobs/${UNKNOWN_ID}` }, table: 'job_runs' },
  'GET /api/jobs/{id}/clients': { request: { path: `/api/jobs/${UNKNOWN_ID}/clients` }, table: 'job_runs' },
  'DELETE /api/jobs/{id}': { request: { path: `/api/jobs/${UNKNOWN_ID}` }, table: 'job_runs' },
  'POST /api/admin/clients': { request: { path: '/api/admin/clients', ...json(acme) }, table: 'clients' },
  'GET /api/admin/clients': { request: { path: '/api/admin/clients' }, table: 'clients' },
  'GET /api/admin/client-activity': { request: { path: '/api/admin/client-activity' }, table: 'clients' },
  'GET /api/admin/clients/{slug}': { request: { path: '/api/admin/clients/acme' }, table: 'clients' },
  'PATCH /api/admin/clients/{slug}': { request: { path: '/api/admin/clients/acme', ...json({ active: false }) }, table: 'clients' },
  'GET /api/webhooks/deliveries': { request: { path: '/api/webhooks/deliveries' }, table: 'webhook_deliveries' },
  'POST /api/webhooks/deliveries/{id}/redeliver': { request: { path: `/api/webhooks/deliveries/${UNKNOWN_ID}/redeliver` }, table: 'webhook_deliveries' },
};

const ANSWERS_OF_EVERY_ADMIN_OPERATION: LiveCase[] = Object.entries(ADMIN_OPERATIONS).flatMap(([operation, { request, table }]) => [
  { operation, status: 401, when: 'without a token', request: () => ({ ...request, token: null }) },
  {
    operation,
    status: 429,
    when: 'with a wrong token after 30 others from the same address',
    request: async (app: RunningApp) => {
      await sendWrongTokens(app, 30);
      return { ...request, token: 'wrong-token-again' };
    },
  },
  { operation, status: 500, when: `while the ${table} table is gone`, request: () => ({ ...request, fault: tableGone(table) }) },
]);

const LIVE_CASES: LiveCase[] = [
  { operation: 'GET /api/health', status: 200, when: 'without a token', request: () => ({ path: '/api/health', token: null }) },
  {
    operation: 'GET /api/ready',
    status: 200,
    when: 'once the queue has installed its schema',
    request: async () => {
      const boss = await startPgBoss(testDatabaseUrl(), recordingLogger());
      await boss.stop({ graceful: false, wait: true });
      return { path: '/api/ready', token: null };
    },
  },
  { operation: 'GET /api/ready', status: 503, when: 'while a migration is unapplied', request: () => ({ path: '/api/ready', token: null, fault: lastMigrationUnfinished }) },

  { operation: 'GET /api/openapi.json', status: 200, when: 'without a token', request: () => ({ path: '/api/openapi.json', token: null }) },
  { operation: 'GET /api/docs', status: 200, when: 'without a token', request: () => ({ path: '/api/docs', token: null }) },
  ...['/api/health', '/api/ready', '/api/openapi.json', '/api/docs'].map(
    (path): LiveCase => ({ operation: `GET ${path}`, status: 400, when: 'with a query parameter', request: () => ({ path: `${path}?verbose=1`, token: null }) }),
  ),
  ...['swagger-ui.css', 'swagger-ui-bundle.js', 'init.js'].map((asset) => ({
    operation: 'GET /api/docs/{asset}',
    status: 200,
    when: `for ${asset}`,
    request: () => ({ path: `/api/docs/${asset}`, token: null }),
  })),
  { operation: 'GET /api/docs/{asset}', status: 404, when: 'for a path that climbs out', request: () => ({ path: '/api/docs/..%2F..%2Fpackage.json', token: null }) },

  {
    operation: 'GET /console',
    status: 200,
    when: 'without a token, once built',
    request: async () => {
      await ensureConsoleBuilt();
      return { path: '/console', token: null };
    },
  },
  { operation: 'GET /console', status: 404, when: 'before the console is built', request: () => ({ path: '/console', token: null, fault: consoleNotBuilt }) },
  ...(['js', 'css'] as const).map((extension) => ({
    operation: 'GET /console/assets/{file}',
    status: 200,
    when: `for the page's ${extension} file`,
    request: async () => ({ path: await consoleAsset(extension), token: null }),
  })),
  { operation: 'GET /console/assets/{file}', status: 404, when: 'for a path that climbs out', request: () => ({ path: '/console/assets/..%2F..%2Fpackage.json', token: null }) },
  { operation: 'GET /console/assets/{file}', status: 404, when: 'for a file of no build', request: () => ({ path: '/console/assets/index-00000000.js', token: null }) },

  {
    operation: 'GET /metrics',
    status: 200,
    when: 'with the metrics token, after an import',
    request: async (app) => {
      await finishedImportRun(app);
      return { path: '/metrics', token: null, headers: bearer(METRICS_TOKEN) };
    },
  },
  { operation: 'GET /metrics', status: 401, when: 'with the admin token instead of the metrics token', request: () => ({ path: '/metrics' }) },
  {
    operation: 'GET /metrics',
    status: 429,
    when: 'with a wrong metrics token after 30 others from the same address',
    request: async (app) => {
      for (let i = 0; i < 30; i++) await app.request('GET', '/metrics', { token: null, headers: bearer(`wrong-${i}`) });
      return { path: '/metrics', token: null, headers: bearer('wrong-again') };
    },
  },

  { operation: 'POST /api/jobs/import', status: 202, when: 'with the token', request: () => ({ path: '/api/jobs/import' }) },
  { operation: 'POST /api/jobs/import/{slug}', status: 202, when: 'for a slug no client has', request: () => ({ path: '/api/jobs/import/meu-cliente' }) },
  { operation: 'POST /api/jobs/import/{slug}', status: 202, when: 'for a slug no client could have', request: () => ({ path: '/api/jobs/import/BAD%20SLUG' }) },
  { operation: 'POST /api/jobs/import/{slug}', status: 400, when: 'with a 201-character slug', request: () => ({ path: `/api/jobs/import/${'a'.repeat(201)}` }) },
  { operation: 'POST /api/jobs/import/{slug}', status: 400, when: 'with a NUL in the slug', request: () => ({ path: '/api/jobs/import/a%00b' }) },
  { operation: 'POST /api/admin/sync/contacts', status: 202, when: 'naming no client', request: () => ({ path: '/api/admin/sync/contacts' }) },
  { operation: 'POST /api/admin/sync/contacts', status: 202, when: 'with clientSlug in the query', request: () => ({ path: '/api/admin/sync/contacts?clientSlug=meu-cliente' }) },
  { operation: 'POST /api/admin/sync/contacts', status: 202, when: 'with slug in the JSON body', request: () => ({ path: '/api/admin/sync/contacts', ...json({ slug: 'meu-cliente' }) }) },
  { operation: 'POST /api/admin/sync/contacts', status: 400, when: 'with broken JSON', request: () => ({ path: '/api/admin/sync/contacts', headers: JSON_TYPE, body: '{"clientSlug":' }) },
  { operation: 'POST /api/admin/sync/contacts', status: 400, when: 'with a JSON array', request: () => ({ path: '/api/admin/sync/contacts', ...json(['meu-cliente']) }) },
  { operation: 'POST /api/admin/sync/contacts', status: 400, when: 'with a numeric slug', request: () => ({ path: '/api/admin/sync/contacts', ...json({ slug: 7 }) }) },
  { operation: 'POST /api/admin/sync/contacts', status: 413, when: 'with a 70 KB body', request: () => ({ path: '/api/admin/sync/contacts', ...OVERSIZED_JSON }) },
  { operation: 'POST /api/admin/sync/contacts', status: 415, when: 'with a text body', request: () => ({ path: '/api/admin/sync/contacts', ...PLAIN_TEXT }) },

  { operation: 'POST /api/jobs/reconcile', status: 202, when: 'with the token', request: () => ({ path: '/api/jobs/reconcile' }) },
  { operation: 'POST /api/jobs/reconcile', status: 202, when: 'with ?repair=true', request: () => ({ path: '/api/jobs/reconcile?repair=true' }) },
  { operation: 'POST /api/jobs/reconcile', status: 202, when: 'with {"repair": true}', request: () => ({ path: '/api/jobs/reconcile', ...json({ repair: true }) }) },
  { operation: 'POST /api/jobs/reconcile', status: 400, when: 'with broken JSON', request: () => ({ path: '/api/jobs/reconcile', headers: JSON_TYPE, body: '{"repair":' }) },
  { operation: 'POST /api/jobs/reconcile', status: 400, when: 'with ?repair=yes', request: () => ({ path: '/api/jobs/reconcile?repair=yes' }) },
  { operation: 'POST /api/jobs/reconcile', status: 413, when: 'with a 70 KB body', request: () => ({ path: '/api/jobs/reconcile', ...OVERSIZED_JSON }) },
  { operation: 'POST /api/jobs/reconcile', status: 415, when: 'with a text body', request: () => ({ path: '/api/jobs/reconcile', ...PLAIN_TEXT }) },
  { operation: 'POST /api/jobs/reconcile/{slug}', status: 202, when: 'for a slug no client has', request: () => ({ path: '/api/jobs/reconcile/meu-cliente' }) },
  { operation: 'POST /api/jobs/reconcile/{slug}', status: 202, when: 'for a slug no client could have', request: () => ({ path: '/api/jobs/reconcile/BAD%20SLUG' }) },
  { operation: 'POST /api/jobs/reconcile/{slug}', status: 400, when: 'with a repair that is not a boolean', request: () => ({ path: '/api/jobs/reconcile/acme', ...json({ repair: 'yes' }) }) },
  { operation: 'POST /api/jobs/reconcile/{slug}', status: 400, when: 'with a 201-character slug', request: () => ({ path: `/api/jobs/reconcile/${'a'.repeat(201)}` }) },
  { operation: 'POST /api/jobs/reconcile/{slug}', status: 413, when: 'with a 70 KB body', request: () => ({ path: '/api/jobs/reconcile/acme', ...OVERSIZED_JSON }) },
  { operation: 'POST /api/jobs/reconcile/{slug}', status: 415, when: 'with a text body', request: () => ({ path: '/api/jobs/reconcile/acme', ...PLAIN_TEXT }) },
  { operation: 'POST /api/jobs/backfill/{slug}', status: 202, when: 'with from', request: () => ({ path: '/api/jobs/backfill/acme', ...json({ from: '2026-11-01T00:00:00.000Z' }) }) },
  { operation: 'POST /api/jobs/backfill/{slug}', status: 202, when: 'with from and to, for a slug no client has', request: () => ({ path: '/api/jobs/backfill/meu-cliente', ...json({ from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00-03:00' }) }) },
  { operation: 'POST /api/jobs/backfill/{slug}', status: 400, when: 'without a body', request: () => ({ path: '/api/jobs/backfill/acme' }) },
  { operation: 'POST /api/jobs/backfill/{slug}', status: 400, when: 'with broken JSON', request: () => ({ path: '/api/jobs/backfill/acme', headers: JSON_TYPE, body: '{"from":' }) },
  { operation: 'POST /api/jobs/backfill/{slug}', status: 400, when: 'with from not a date', request: () => ({ path: '/api/jobs/backfill/acme', ...json({ from: 'last week' }) }) },
  { operation: 'POST /api/jobs/backfill/{slug}', status: 400, when: 'with to before from', request: () => ({ path: '/api/jobs/backfill/acme', ...json({ from: '2026-11-08T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' }) }) },
  { operation: 'POST /api/jobs/backfill/{slug}', status: 400, when: 'with a NUL in the slug', request: () => ({ path: '/api/jobs/backfill/a%00b', ...json({ from: '2026-11-01T00:00:00.000Z' }) }) },
  { operation: 'POST /api/jobs/backfill/{slug}', status: 413, when: 'with a 70 KB body', request: () => ({ path: '/api/jobs/backfill/acme', ...OVERSIZED_JSON }) },
  { operation: 'POST /api/jobs/backfill/{slug}', status: 415, when: 'with a text body', request: () => ({ path: '/api/jobs/backfill/acme', ...PLAIN_TEXT }) },

  {
    operation: 'GET /api/jobs',
    status: 200,
    when: 'after a finished import, a failed contacts sync and a scheduled queued run',
    request: async (app) => {
      await finishedImportRun(app);
      await failedContactsSyncRun(app);
      await queuedRun('schedule');
      return { path: '/api/jobs?limit=10' };
    },
  },
  {
    operation: 'GET /api/jobs',
    status: 200,
    when: 'with every filter',
    request: async (app) => {
      await finishedImportRun(app);
      return { path: '/api/jobs?kind=import&slug=acme&status=succeeded&trigger=manual&limit=1' };
    },
  },
  {
    operation: 'GET /api/jobs',
    status: 200,
    when: 'for the page after a run',
    request: async (app) => {
      await finishedImportRun(app);
      const newest = await queuedRun('schedule');
      return { path: `/api/jobs?before=${newest}&limit=1` };
    },
  },
  { operation: 'GET /api/jobs', status: 400, when: 'with a limit of 0', request: () => ({ path: '/api/jobs?limit=0' }) },
  { operation: 'GET /api/jobs', status: 400, when: 'with an unknown parameter', request: () => ({ path: '/api/jobs?color=red' }) },
  { operation: 'GET /api/jobs/{id}', status: 200, when: 'for a finished import', request: async (app) => ({ path: await finishedImportRun(app) }) },
  { operation: 'GET /api/jobs/{id}', status: 400, when: 'with an id that is not a UUID', request: () => ({ path: '/api/jobs/not-a-uuid' }) },
  { operation: 'GET /api/jobs/{id}', status: 404, when: 'for an unknown id', request: () => ({ path: `/api/jobs/${UNKNOWN_ID}` }) },
  {
    operation: 'GET /api/jobs/{id}/clients',
    status: 200,
    when: 'for a finished import, filtered and paged',
    request: async (app) => ({ path: `${await finishedImportRun(app)}/clients?status=succeeded&limit=1` }),
  },
  { operation: 'GET /api/jobs/{id}/clients', status: 400, when: 'with an unknown parameter', request: () => ({ path: `/api/jobs/${UNKNOWN_ID}/clients?color=red` }) },
  { operation: 'GET /api/jobs/{id}/clients', status: 400, when: 'with an id that is not a UUID', request: () => ({ path: '/api/jobs/not-a-uuid/clients' }) },
  { operation: 'GET /api/jobs/{id}/clients', status: 404, when: 'for an unknown id', request: () => ({ path: `/api/jobs/${UNKNOWN_ID}/clients` }) },
  { operation: 'DELETE /api/jobs/{id}', status: 200, when: 'for a queued run', request: async () => ({ path: `/api/jobs/${await queuedRun('manual')}` }) },
  { operation: 'DELETE /api/jobs/{id}', status: 400, when: 'with an id that is not a UUID', request: () => ({ path: '/api/jobs/not-a-uuid' }) },
  { operation: 'DELETE /api/jobs/{id}', status: 404, when: 'for an unknown id', request: () => ({ path: `/api/jobs/${UNKNOWN_ID}` }) },
  { operation: 'DELETE /api/jobs/{id}', status: 409, when: 'for a finished run', request: async (app) => ({ path: await finishedImportRun(app) }) },

  { operation: 'POST /api/admin/clients', status: 201, when: 'with a new client', request: () => ({ path: '/api/admin/clients', ...json(acme) }) },
  {
    operation: 'POST /api/admin/clients',
    status: 400,
    when: 'with invalid and unknown fields',
    request: () => ({ path: '/api/admin/clients', ...json({ slug: 'Not A Slug', name: '', apiBaseUrl: 'ftp://x', apiToken: 42, extra: true }) }),
  },
  { operation: 'POST /api/admin/clients', status: 400, when: 'with broken JSON', request: () => ({ path: '/api/admin/clients', headers: JSON_TYPE, body: '{"slug":' }) },
  {
    operation: 'POST /api/admin/clients',
    status: 409,
    when: 'with a taken slug',
    request: async (app) => {
      await registerAcme(app);
      return { path: '/api/admin/clients', ...json(acme) };
    },
  },
  { operation: 'POST /api/admin/clients', status: 413, when: 'with a 70 KB body', request: () => ({ path: '/api/admin/clients', ...OVERSIZED_JSON }) },
  { operation: 'POST /api/admin/clients', status: 415, when: 'with a text body', request: () => ({ path: '/api/admin/clients', ...PLAIN_TEXT }) },
  {
    operation: 'GET /api/admin/clients',
    status: 200,
    when: 'with a client registered through the API and one inserted by SQL with a short token',
    request: async (app) => {
      await registerAcme(app);
      await insertClient({ slug: 'by-hand', apiBaseUrl: 'https://by-hand.example', apiToken: 'short' });
      return { path: '/api/admin/clients' };
    },
  },
  {
    operation: 'GET /api/admin/client-activity',
    status: 200,
    when: 'after a finished import and a failed contacts sync, with a client that never ran',
    request: async (app) => {
      await finishedImportRun(app);
      await failedContactsSyncRun(app);
      await insertClient({ slug: 'idle', apiBaseUrl: 'https://idle.example' });
      return { path: '/api/admin/client-activity' };
    },
  },
  {
    operation: 'GET /api/admin/clients/{slug}',
    status: 200,
    when: 'for a registered client',
    request: async (app) => {
      await registerAcme(app);
      return { path: '/api/admin/clients/acme' };
    },
  },
  { operation: 'GET /api/admin/clients/{slug}', status: 404, when: 'for an unknown slug', request: () => ({ path: '/api/admin/clients/nobody' }) },
  {
    operation: 'PATCH /api/admin/clients/{slug}',
    status: 200,
    when: 'with changes to a registered client',
    request: async (app) => {
      await registerAcme(app);
      return { path: '/api/admin/clients/acme', ...json({ active: false, apiToken: 'new-secret-token-1234' }) };
    },
  },
  {
    operation: 'PATCH /api/admin/clients/{slug}',
    status: 400,
    when: 'trying to change the slug',
    request: async (app) => {
      await registerAcme(app);
      return { path: '/api/admin/clients/acme', ...json({ slug: 'other' }) };
    },
  },
  { operation: 'PATCH /api/admin/clients/{slug}', status: 404, when: 'for an unknown slug', request: () => ({ path: '/api/admin/clients/nobody', ...json({ active: false }) }) },
  { operation: 'PATCH /api/admin/clients/{slug}', status: 413, when: 'with a 70 KB body', request: () => ({ path: '/api/admin/clients/acme', ...OVERSIZED_JSON }) },
  { operation: 'PATCH /api/admin/clients/{slug}', status: 415, when: 'with a text body', request: () => ({ path: '/api/admin/clients/acme', ...PLAIN_TEXT }) },

  {
    operation: 'GET /api/webhooks/deliveries',
    status: 200,
    when: 'with a failed delivery, filtered',
    request: async () => {
      await failedDelivery();
      return { path: '/api/webhooks/deliveries?status=failed&event=client_run.finished&limit=5' };
    },
  },
  { operation: 'GET /api/webhooks/deliveries', status: 400, when: 'with an unknown event', request: () => ({ path: '/api/webhooks/deliveries?event=run.started' }) },
  { operation: 'POST /api/webhooks/deliveries/{id}/redeliver', status: 202, when: 'for a failed delivery', request: async () => ({ path: `/api/webhooks/deliveries/${await failedDelivery()}/redeliver` }) },
  { operation: 'POST /api/webhooks/deliveries/{id}/redeliver', status: 400, when: 'with an id that is not a UUID', request: () => ({ path: '/api/webhooks/deliveries/not-a-uuid/redeliver' }) },
  { operation: 'POST /api/webhooks/deliveries/{id}/redeliver', status: 404, when: 'for an unknown id', request: () => ({ path: `/api/webhooks/deliveries/${UNKNOWN_ID}/redeliver` }) },

  ...ANSWERS_OF_EVERY_ADMIN_OPERATION,
];

describe('OpenAPI document drift', () => {
  describe('(a) routes and documented operations', () => {
    const running = useRunningApp();

    it('when a route is registered, then the document has its path and method', () => {
      const documented = new Set(documentedOperations().map(({ key }) => key));

      const undocumented = routedOperations(running()).filter(({ key }) => !documented.has(key));

      expect(undocumented.map(({ key }) => key), 'routes the document lacks').to.deep.equal([]);
    });

    it('when an operation is documented, then a route serves it', () => {
      const routed = new Set(routedOperations(running()).map(({ key }) => key));

      const phantoms = documentedOperations().filter(({ key }) => !routed.has(key));

      expect(phantoms.map(({ key }) => key), 'documented operations no route serves').to.deep.equal([]);
    });

    it('when a route is open, then its operation needs no token; when it is behind the token, then it requires it and documents 401 and 429', () => {
      const operations = new Map(documentedOperations().map((entry) => [entry.key, entry.operation]));

      for (const { key, open } of routedOperations(running())) {
        const operation = operations.get(key)!;
        if (key === 'GET /metrics') {
          expect(operation.security, key).to.deep.equal([{}, { metricsToken: [] }]);
        } else if (open) {
          expect(operation.security, key).to.deep.equal([]);
        } else {
          expect(operation.security ?? document.security, key).to.deep.equal([{ adminToken: [] }]);
          expect(operation.responses, key).to.include.keys('401', '429');
        }
      }
    });

    it('when GET /api/openapi.json is asked for without a token, then it serves the document these tests check', async () => {
      const response = await running().request('GET', '/api/openapi.json', { token: null });

      expect(await response.json()).to.deep.equal(JSON.parse(JSON.stringify(document)));
    });
  });

  describe('(b) live responses', () => {
    const running = useRunningApp({ metricsToken: METRICS_TOKEN });

    it('when a status is documented, then the live table has a request that provokes it, and the table holds no other', () => {
      const documented = documentedOperations().flatMap(({ key, operation }) => Object.keys(operation.responses).map((status) => `${key} ${status}`));
      const provoked = new Set(LIVE_CASES.map(({ operation, status }) => `${operation} ${status}`));

      expect(documented.filter((answer) => !provoked.has(answer)), 'documented answers no live request provokes').to.deep.equal([]);
      expect([...provoked].filter((answer) => !documented.includes(answer)), 'live answers the document lacks').to.deep.equal([]);
    });

    for (const liveCase of LIVE_CASES) {
      it(`when ${liveCase.operation} is sent ${liveCase.when}, then it answers ${liveCase.status} as documented`, async () => {
        const app = running();
        const [method, path] = liveCase.operation.split(' ') as [string, string];
        const documentedMethod = method.toLowerCase() as HttpMethod;
        const request = await liveCase.request(app);

        const response = await send(app, method, request);

        await expectAsDocumented(response, liveCase.status, documentedMethod, path);
        if (liveCase.status < 300) expectRequestAsDocumented(request, documentedMethod, path);
      });
    }
  });

  describe('(c) the document itself', () => {
    it('when it is read, then it is OpenAPI 3.1.0 named and versioned after the package', () => {
      const pkg = createRequire(import.meta.url)('../../package.json') as { name: string; version: string };

      expect(document.openapi).to.equal('3.1.0');
      expect(document.info).to.include({ title: pkg.name, version: pkg.version });
    });

    it('when every schema in it is compiled by Ajv (JSON Schema 2020-12, strict), then each compiles and its $refs resolve', () => {
      const pointers = schemaPointers();

      for (const pointer of pointers) expect(() => validatorAt(pointer), pointer).to.not.throw();
      for (const { key, pointer } of documentedOperations()) expect(pointers.some((schema) => schema.startsWith(pointer)), `${key} has no schema`).to.equal(true);
    });

    it('when every $ref in it is followed, then it leads somewhere in the document', () => {
      const dangling = refsIn(document).filter((ref) => !ref.startsWith('#/') || at(ref.slice(1)) === undefined);

      expect(dangling).to.deep.equal([]);
    });

    it('when an operation is read, then it has a unique operationId, a summary, the X-Request-Id request header and at least one response, each with a description and X-Request-Id', () => {
      const operationIds = new Set<string>();
      for (const { key, operation, pointer } of documentedOperations()) {
        expect(operation.operationId, key).to.be.a('string').and.not.equal('');
        expect(operationIds.has(operation.operationId), `${key}: operationId ${operation.operationId} is used twice`).to.equal(false);
        operationIds.add(operation.operationId);
        expect(operation.summary, key).to.be.a('string').and.not.equal('');
        expect(parametersOf(pointer).some(({ node }) => node.in === 'header' && node.name === 'X-Request-Id'), `${key} X-Request-Id parameter`).to.equal(true);
        expect(Object.keys(operation.responses), key).to.not.be.empty;
        for (const status of Object.keys(operation.responses)) {
          const { node } = resolve<Response>(`${pointer}/responses/${status}`);
          expect(node.description, `${key} ${status}`).to.be.a('string').and.not.equal('');
          expect(node.headers ?? {}, `${key} ${status}`).to.have.property('X-Request-Id');
        }
      }
    });

    it('when a schema gives examples, then each one is valid against that schema', () => {
      const withExamples = pointersWhere((node) => Array.isArray(node.examples));

      expect(withExamples).to.not.be.empty;
      for (const pointer of withExamples) {
        for (const [index, example] of (at(pointer) as { examples: unknown[] }).examples.entries()) expectValid(pointer, example, `example ${index}`);
      }
    });

    it('when Swagger UI shows a client, then its masked token example is what the service answers for a token ending in "abcd"', () => {
      // Without one, Swagger UI makes a sample up from the pattern, such as "••••{".
      const { examples } = at('/components/schemas/Client/properties/apiToken') as { examples?: unknown[] };

      expect(examples).to.deep.equal([maskToken('example-token-abcd')]);
      expect(examples).to.deep.equal(['••••abcd']);
    });

    it('when its text cites a file of the repository, then that file is in the repository', () => {
      const cited = [...JSON.stringify(document).matchAll(/`([\w.-]+\/[\w./-]+\.\w+)`/g)].map((match) => match[1]!);

      expect(cited).to.include('docs/origin-api.md');
      for (const file of cited) expect(existsSync(new URL(`../../${file}`, import.meta.url)), file).to.equal(true);
    });

    it('when a path has a {parameter}, then its operations declare it as a required path parameter, and no other', () => {
      for (const { key, path, pointer } of documentedOperations()) {
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
        const declared = parametersOf(pointer).filter(({ node }) => node.in === 'path');

        expect(declared.map(({ node }) => node.name).sort(), key).to.deep.equal(inPath);
        for (const { node } of declared) expect(node.required, `${key} {${node.name}}`).to.equal(true);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Sending a request and checking what comes back against the document.

async function send(app: RunningApp, method: string, request: LiveRequest): Promise<ApiResponse> {
  await request.fault?.break();
  try {
    return await app.request(method, request.path, { token: request.token, headers: request.headers, body: request.body });
  } finally {
    await request.fault?.mend();
  }
}

async function expectAsDocumented(response: ApiResponse, status: number, method: HttpMethod, path: string): Promise<void> {
  const text = await response.text();
  expect(response.status, text.slice(0, 500)).to.equal(status);
  const documented = resolve<Response>(`${operationPointer(method, path)}/responses/${status}`);

  for (const name of Object.keys(documented.node.headers ?? {})) {
    const header = resolve<Header>(`${documented.pointer}/headers/${escapePointer(name)}`);
    const value = response.headers.get(name);
    if (value === null && header.node.required === false) continue;
    expect(value, `the ${name} header`).to.be.a('string');
    expectValid(`${header.pointer}/schema`, asTyped(header.node.schema, value!), `the ${name} header`);
  }

  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  expect(Object.keys(documented.node.content ?? {}), 'the content type').to.include(mediaType);
  const body = mediaType === 'application/json' ? JSON.parse(text) : text;
  expectValid(`${documented.pointer}/content/${escapePointer(mediaType)}/schema`, body, 'the body');
}

/** What a successful request sent must be what the document says may be sent: its path and query parameters and its body. */
function expectRequestAsDocumented(request: LiveRequest, method: HttpMethod, path: string): void {
  const pointer = operationPointer(method, path);
  const parameters = parametersOf(pointer);
  const url = new URL(request.path, 'http://service.test');

  const template = new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
  for (const [name, raw] of Object.entries(url.pathname.match(template)?.groups ?? {})) {
    const parameter = parameters.find(({ node }) => node.in === 'path' && node.name === name)!;
    expectValid(`${parameter.pointer}/schema`, decodeURIComponent(raw), `the path parameter ${name}`);
  }
  for (const [name, raw] of url.searchParams) {
    const parameter = parameters.find(({ node }) => node.in === 'query' && node.name === name);
    expect(parameter, `the query parameter ${name}`).to.not.equal(undefined);
    expectValid(`${parameter!.pointer}/schema`, asTyped(parameter!.node.schema, raw), `the query parameter ${name}`);
  }
  if (request.body !== undefined) {
    expect(at(`${pointer}/requestBody`), 'a body the document does not describe').to.not.equal(undefined);
    expectValid(`${pointer}/requestBody/content/application~1json/schema`, JSON.parse(request.body), 'the request body');
  }
}

/** Headers and query parameters arrive as text: a number the schema wants is parsed first. */
function asTyped(schema: JsonSchema, raw: string): unknown {
  return schema.type === 'integer' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

function expectValid(pointer: string, value: unknown, what: string): void {
  const validate = validatorAt(pointer);
  expect(validate(value), `${what} against ${pointer}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value).slice(0, 1000)}`).to.equal(true);
}

// ---------------------------------------------------------------------------------------------
// Reading the document and the routers.

interface DocumentedOperation {
  /** `METHOD /path/{param}` */
  key: string;
  path: string;
  operation: Operation;
  pointer: string;
}

function documentedOperations(): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      key: `${method.toUpperCase()} ${path}`,
      path,
      operation: item[method]!,
      pointer: operationPointer(method, path),
    })),
  );
}

/** Every route of the app's routers, as `METHOD /path/{param}`; HEAD is left out (koa-router adds it to every GET). */
function routedOperations(app: RunningApp): { key: string; open: boolean }[] {
  const { open, admin } = createRouters(app.container, { metrics: { registry: metricsRegistry(app.container) } });
  return [
    ...open.stack.map((layer) => ({ layer, open: true })),
    ...admin.stack.map((layer) => ({ layer, open: false })),
  ].flatMap(({ layer, open: isOpen }) =>
    layer.methods.filter((method) => method !== 'HEAD').map((method) => ({ key: `${method} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`, open: isOpen })),
  );
}

function operationPointer(method: HttpMethod, path: string): string {
  return `/paths/${escapePointer(path)}/${method}`;
}

function parametersOf(operationPointer: string): { node: Parameter; pointer: string }[] {
  const parameters = (at(`${operationPointer}/parameters`) as unknown[] | undefined) ?? [];
  return parameters.map((_, index) => resolve<Parameter>(`${operationPointer}/parameters/${index}`));
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The value at a JSON pointer of the document, or undefined. */
function at(pointer: string): unknown {
  let node: unknown = document;
  for (const segment of pointer.split('/').slice(1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** The object at a pointer, following `$ref`s: also where it really is, for validating against it. */
function resolve<T>(pointer: string): { node: T; pointer: string } {
  const node = at(pointer) as { $ref?: string } | undefined;
  if (node === undefined) throw new Error(`nothing at ${pointer}`);
  return typeof node.$ref === 'string' ? resolve<T>(node.$ref.slice(1)) : { node: node as T, pointer };
}

/** Where schemas sit: every named schema, and every `schema` of a parameter, header or media type. */
function schemaPointers(): string[] {
  const pointers = Object.keys(document.components.schemas).map((name) => `/components/schemas/${name}`);
  const visit = (node: unknown, pointer: string): void => {
    if (typeof node !== 'object' || node === null || pointer === '/components/schemas') return;
    for (const [key, value] of Object.entries(node)) {
      const child = `${pointer}/${escapePointer(key)}`;
      if (key === 'schema') pointers.push(child);
      else visit(value, child);
    }
  };
  visit(document, '');
  return pointers;
}

/** Pointers to every object of the document that `matches`, schemas included. */
function pointersWhere(matches: (node: Record<string, unknown>) => boolean): string[] {
  const found: string[] = [];
  const visit = (node: unknown, pointer: string): void => {
    if (typeof node !== 'object' || node === null) return;
    if (!Array.isArray(node) && matches(node as Record<string, unknown>)) found.push(pointer);
    for (const [key, value] of Object.entries(node)) visit(value, `${pointer}/${escapePointer(key)}`);
  };
  visit(document, '');
  return found;
}

function refsIn(node: unknown): string[] {
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => (key === '$ref' && typeof value === 'string' ? [value] : refsIn(value)));
}

// ---------------------------------------------------------------------------------------------
// Ajv over the whole document, so that a schema's `#/components/...` refs resolve where they point.

const DOCUMENT_ID = 'openapi.json';
// The document's own fields are not JSON Schema keywords: declared so that strict mode lets the document be registered whole.
const OPENAPI_FIELDS = ['openapi', 'info', 'servers', 'tags', 'security', 'paths', 'components', 'webhooks', 'externalDocs', 'jsonSchemaDialect'];

const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
addFormats.default(ajv);
ajv.addVocabulary(OPENAPI_FIELDS);
ajv.addSchema(document as OpenApiDocument & JsonSchema, DOCUMENT_ID);

function validatorAt(pointer: string): ValidateFunction {
  const fragment = pointer.split('/').map(encodeURIComponent).join('/');
  const validate = ajv.getSchema(`${DOCUMENT_ID}#${fragment}`);
  if (!validate) throw new Error(`no schema at ${pointer}`);
  return validate;
}
