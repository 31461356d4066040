import Koa from 'koa';
import type { Logger as PinoLogger } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import { HttpError } from './http-error.js';
import { adminAuth } from './middleware/token-auth.js';
import { errorHandler } from './middleware/error-handler.js';
import { methodNotAllowed } from './middleware/method-not-allowed.js';
import { requestLogging } from './middleware/request-logging.js';
import { securityHeaders } from './middleware/security-headers.js';
import { createRouters, type MetricsEndpoint } from './router.js';

export interface HttpAppOptions {
  adminToken: string;
  /** The service's pino logger: request lines are written through it, with its redaction. */
  logger: PinoLogger;
  metrics: MetricsEndpoint;
}

export function createHttpApp(container: DependencyContainer, options: HttpAppOptions): Koa {
  const app = new Koa();
  const routers = createRouters(container, { metrics: options.metrics });
  // Outermost, so that the line it writes has the status the error handler chose.
  app.use(requestLogging(options.logger));
  app.use(errorHandler(options.logger));
  // Security headers on every response, errors included (an API serves no HTML: no CSP needed beyond the default).
  app.use(securityHeaders());
  // Probes and docs answer without a token; everything after them needs it.
  app.use(routers.open.routes());
  // Before routing, so that without the token every other path gets the same 401: probing learns
  // nothing (the list of routes itself is public by design, in the OpenAPI document).
  app.use(adminAuth(options.adminToken));
  app.use(methodNotAllowed([routers.open, routers.admin]));
  app.use(routers.admin.routes());
  // A method the router does not know at all (PROPFIND, …) would be a 501: to a client it is just one this API does not allow.
  app.use(routers.admin.allowedMethods({ throw: true, notImplemented: () => new HttpError(405, 'method_not_allowed') }));
  // Koa's own logging of errors would bypass the error handler's redaction; it handles them all.
  app.silent = true;
  return app;
}
