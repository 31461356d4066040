import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { HttpError } from '../http-error.js';

/**
 * 405 with `Allow` for a path the API serves under other methods, before any route runs: a
 * route with a parameter must not swallow a fixed path of another method (`GET /api/jobs/import`
 * is not the run with id "import"), so a fixed path that matches decides alone. OPTIONS is left
 * to the router, which answers it with the same `Allow`.
 */
export function methodNotAllowed(routers: Router[]): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'OPTIONS') return next();
    const layers = routers.flatMap((router) => router.match(ctx.path, ctx.method).path).filter((layer) => layer.methods.length > 0);
    const fixed = layers.filter((layer) => layer.paramNames.length === 0);
    const deciding = fixed.length ? fixed : layers;
    if (deciding.length === 0 || deciding.some((layer) => layer.methods.includes(ctx.method))) return next();
    ctx.set('Allow', [...new Set(deciding.flatMap((layer) => layer.methods))].join(', '));
    throw new HttpError(405, 'method_not_allowed');
  };
}
