import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { Middleware } from 'koa';

/**
 * helmet's security headers on every response, errors included. With its default options they
 * depend on nothing in the request, so helmet runs once, at start-up, against a recorder, and
 * each response gets a copy of what it set: running helmet's chain of middlewares per request
 * was a measurable share of a trigger's cost under load.
 */
export function securityHeaders(): Middleware {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let done = false;
  helmet()({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  // A helmet that answers asynchronously cannot be recorded: fail at start-up, not silently. (One
  // configured with per-request values, such as CSP nonces, must not be recorded either: the
  // defaults used here have none.)
  if (!done || headers.size === 0) throw new Error('helmet did not set its headers synchronously; security headers cannot be precomputed');
  const entries = [...headers];
  return async (ctx, next) => {
    for (const [name, value] of entries) ctx.res.setHeader(name, value);
    await next();
  };
}
