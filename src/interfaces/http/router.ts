import Router from '@koa/router';
import type { DependencyContainer } from 'tsyringe';
import { ClientsController } from './controllers/clients.controller.js';
import { HealthController } from './controllers/health.controller.js';
import { JobRunsController } from './controllers/job-runs.controller.js';
import { JobsController } from './controllers/jobs.controller.js';
import { jsonBody } from './middleware/json-body.js';

/** Every route needs the admin token (checked by the app before routing). */
export function createRouter(container: DependencyContainer): Router {
  const jobs = container.resolve(JobsController);
  const clients = container.resolve(ClientsController);
  const jobRuns = container.resolve(JobRunsController);
  const router = new Router({ prefix: '/api' });

  router.post('/jobs/import', jobs.importAll);
  router.post('/jobs/import/:slug', jobs.importOne);
  router.post('/admin/sync/contacts', jsonBody(), jobs.syncContacts);

  router.get('/jobs', jobRuns.list);
  router.get('/jobs/:id', jobRuns.show);
  router.delete('/jobs/:id', jobRuns.cancel);

  router.post('/admin/clients', jsonBody(), clients.create);
  router.get('/admin/clients', clients.list);
  router.get('/admin/clients/:slug', clients.show);
  router.patch('/admin/clients/:slug', jsonBody(), clients.update);

  return router;
}

/** Liveness and readiness probes: no token, no secrets. */
export function createProbeRouter(container: DependencyContainer): Router {
  const health = container.resolve(HealthController);
  const router = new Router({ prefix: '/api' });
  router.get('/health', health.health);
  router.get('/ready', health.ready);
  return router;
}
