import type { Middleware } from 'koa';
import { HttpError } from '../http-error.js';

/** For a route that takes no query parameter: one sent anyway is a mistake worth saying, as the filtered listings do. */
export function noQuery(): Middleware {
  return async (ctx, next) => {
    const [name] = Object.keys(ctx.query);
    if (name !== undefined) throw new HttpError(400, 'invalid_query', `${name}: is not a known parameter`);
    await next();
  };
}
