import Router from '@koa/router';
import type { DependencyContainer } from 'tsyringe';
import { ClientsController } from './controllers/clients.controller.js';
import { HealthController } from './controllers/health.controller.js';
import { JobRunsController } from './controllers/job-runs.controller.js';
import { JobsController } from './controllers/jobs.controller.js';
import { jsonBody } from './middleware/json-body.js';

export interface Routers {
  /** Served without the admin token: probes and documentation, nothing secret. */
  open: Router;
  /** Every route here needs the admin token (checked by the app before routing). */
  admin: Router;
}

/** Every route of the service, in the two groups the app mounts on either side of the admin token check. */
export function createRouters(container: DependencyContainer): Routers {
  return { open: createOpenRouter(container), admin: createAdminRouter(container) };
}

function createAdminRouter(container: DependencyContainer): Router {
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

function createOpenRouter(container: DependencyContainer): Router {
  const health = container.resolve(HealthController);
  const router = new Router();
  router.get('/api/health', health.health);
  router.get('/api/ready', health.ready);
  return router;
}
