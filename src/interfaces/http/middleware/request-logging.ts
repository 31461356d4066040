import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { Logger as PinoLogger } from 'pino';

/** An id a proxy in front may already have given the request: kept so lines correlate end to end. */
const FORWARDED_ID = /^[\w.:-]{1,128}$/;
const PROBES = new Set(['/api/health', '/api/ready']);

/** Fields a handler adds to its request's log line (the job a trigger queued). */
const lineFields = new WeakMap<ServerResponse, Record<string, unknown>>();
const requestIds = new WeakMap<ServerResponse, string>();

/**
 * One log line per request: request id, method, URL, address, status and time, plus the job id
 * of a trigger. The id is answered in `X-Request-Id`; the error handler's line carries it too.
 * Headers are not logged at all: they carry the admin token. Probes are not logged
 * (orchestrators call them every few seconds).
 *
 * One `info` call per request and nothing more: no child logger per request and no path
 * redaction (the fields below are the only ones, and none can hold a secret). Under a storm
 * of triggers this line was most of a trigger's cost.
 */
export function requestLogging(logger: PinoLogger): Middleware {
  const lines = logger.child({}, { redact: [] });
  return async (ctx, next) => {
    const startedAt = performance.now();
    const forwarded = ctx.req.headers['x-request-id'];
    const requestId = typeof forwarded === 'string' && FORWARDED_ID.test(forwarded) ? forwarded : randomUUID();
    requestIds.set(ctx.res, requestId);
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      if (!PROBES.has(ctx.path)) writeLine(lines, ctx, requestId, startedAt);
    }
  };
}

function writeLine(lines: PinoLogger, ctx: Context, requestId: string, startedAt: number): void {
  const status = ctx.status;
  const line = {
    requestId,
    req: { method: ctx.method, url: ctx.url, remoteAddress: ctx.req.socket.remoteAddress },
    res: { statusCode: status },
    responseTime: Math.round(performance.now() - startedAt),
    ...lineFields.get(ctx.res),
  };
  if (status >= 500) lines.error(line, 'request errored');
  else lines.info(line, 'request completed');
}

/** The request id of the request being answered (for lines written on its behalf). */
export function requestIdOf(res: ServerResponse): string | undefined {
  return requestIds.get(res);
}

/** Adds fields to the request's log line (written when the handler is done). */
export function addToRequestLogLine(res: ServerResponse, fields: Record<string, unknown>): void {
  lineFields.set(res, { ...lineFields.get(res), ...fields });
}
