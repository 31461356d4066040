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
  // The routes never change, so the verdict for a method and path never does either: remembered
  // (a bounded number of them) instead of matching every route again on every request.
  const verdicts = new Map<string, string | null>();
  const allowedIfRefused = (method: string, path: string): string | null => {
    const layers = routers.flatMap((router) => router.match(path, method).path).filter((layer) => layer.methods.length > 0);
    const fixed = layers.filter((layer) => layer.paramNames.length === 0);
    const deciding = fixed.length ? fixed : layers;
    if (deciding.length === 0 || deciding.some((layer) => layer.methods.includes(method))) return null;
    return [...new Set(deciding.flatMap((layer) => layer.methods))].join(', ');
  };
  return async (ctx, next) => {
    if (ctx.method === 'OPTIONS') return next();
    const key = `${ctx.method} ${ctx.path}`;
    let allow = verdicts.get(key);
    if (allow === undefined) {
      allow = allowedIfRefused(ctx.method, ctx.path);
      if (verdicts.size >= REMEMBERED_VERDICTS) verdicts.clear();
      verdicts.set(key, allow);
    }
    if (allow === null) return next();
    ctx.set('Allow', allow);
    throw new HttpError(405, 'method_not_allowed');
  };
}

/** Paths carry ids, so the verdicts are capped: past this many, they are forgotten and learnt again. */
const REMEMBERED_VERDICTS = 1000;
