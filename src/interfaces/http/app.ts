import Koa from 'koa';
import helmet from 'koa-helmet';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../application/tokens.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import { adminAuth } from './middleware/admin-auth.js';
import { errorHandler } from './middleware/error-handler.js';
import { createRouters } from './router.js';

export function createHttpApp(container: DependencyContainer, adminToken: string): Koa {
  const app = new Koa();
  const routers = createRouters(container);
  app.use(errorHandler(container.resolve<Logger>(TOKENS.Logger)));
  // Security headers on every response, errors included (an API serves no HTML: no CSP needed beyond the default).
  app.use(helmet());
  // Probes and docs answer without a token; everything after them needs it.
  app.use(routers.open.routes());
  // Before routing, so that not even a 404 or 405 tells an unauthenticated caller which routes exist.
  app.use(adminAuth(adminToken));
  app.use(routers.admin.routes());
  app.use(routers.admin.allowedMethods({ throw: true }));
  // Koa's own logging of errors would bypass the error handler's redaction; it handles them all.
  app.silent = true;
  return app;
}
