import Router from '@koa/router';
import type { Registry } from 'prom-client';
import type { DependencyContainer } from 'tsyringe';
import { ClientsController } from './controllers/clients.controller.js';
import { ConsoleController } from './controllers/console.controller.js';
import { DocsController } from './controllers/docs.controller.js';
import { HealthController } from './controllers/health.controller.js';
import { JobRunsController } from './controllers/job-runs.controller.js';
import { JobsController } from './controllers/jobs.controller.js';
import { MetricsController } from './controllers/metrics.controller.js';
import { WebhooksController } from './controllers/webhooks.controller.js';
import { ConsoleFiles } from './console/console-files.js';
import { jsonBody } from './middleware/json-body.js';
import { noQuery } from './middleware/no-query.js';
import { bearerAuth } from './middleware/token-auth.js';
import { buildOpenApiDocument } from './openapi/openapi-document.js';

export interface Routers {
  /** Served without the admin token: probes, documentation, the console's files and metrics (behind METRICS_TOKEN when set), nothing secret. */
  open: Router;
  /** Every route here needs the admin token (checked by the app before routing). */
  admin: Router;
}

export interface MetricsEndpoint {
  /** What `GET /metrics` serves. */
  registry: Registry;
  /** Set: `GET /metrics` requires it as a bearer token; unset: the metrics are open. */
  token?: string;
}

export interface RouterOptions {
  metrics: MetricsEndpoint;
}

/** Every route of the service, in the two groups the app mounts on either side of the admin token check. */
export function createRouters(container: DependencyContainer, options: RouterOptions): Routers {
  return { open: createOpenRouter(container, options), admin: createAdminRouter(container) };
}

function createAdminRouter(container: DependencyContainer): Router {
  const jobs = container.resolve(JobsController);
  const clients = container.resolve(ClientsController);
  const jobRuns = container.resolve(JobRunsController);
  const webhooks = container.resolve(WebhooksController);
  const router = new Router({ prefix: '/api' });

  router.post('/jobs/import', jobs.importAll);
  router.post('/jobs/import/:slug', jobs.importOne);
  router.post('/admin/sync/contacts', jsonBody(), jobs.syncContacts);
  router.post('/jobs/reconcile', jsonBody(), jobs.reconcileAll);
  router.post('/jobs/reconcile/:slug', jsonBody(), jobs.reconcileOne);
  router.post('/jobs/backfill/:slug', jsonBody(), jobs.backfillOne);

  router.get('/jobs', jobRuns.list);
  router.get('/jobs/:id', jobRuns.show);
  router.get('/jobs/:id/clients', jobRuns.clients);
  router.delete('/jobs/:id', jobRuns.cancel);

  router.post('/admin/clients', jsonBody(), clients.create);
  router.get('/admin/clients', clients.list);
  router.get('/admin/client-activity', clients.activity);
  router.get('/admin/clients/:slug', clients.show);
  router.patch('/admin/clients/:slug', jsonBody(), clients.update);

  router.get('/webhooks/deliveries', webhooks.list);
  router.post('/webhooks/deliveries/:id/redeliver', webhooks.redeliver);

  return router;
}

function createOpenRouter(container: DependencyContainer, options: RouterOptions): Router {
  const health = container.resolve(HealthController);
  const metrics = new MetricsController(options.metrics.registry);
  const docs = new DocsController(buildOpenApiDocument());
  const consoleFiles = new ConsoleController(new ConsoleFiles());
  const router = new Router();
  router.get('/api/health', noQuery(), health.health);
  router.get('/api/ready', noQuery(), health.ready);
  router.get('/api/openapi.json', noQuery(), docs.openApiDocument);
  router.get('/api/docs', noQuery(), docs.page);
  router.get('/api/docs/:asset', docs.asset);
  router.get('/console', consoleFiles.page);
  router.get('/console/assets/:file', consoleFiles.asset);
  if (options.metrics.token) router.get('/metrics', bearerAuth(options.metrics.token), metrics.scrape);
  else router.get('/metrics', metrics.scrape);
  return router;
}
