import { randomUUID } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { Logger as PinoLogger } from 'pino';

/** An id a proxy in front may already have given the request: kept so lines correlate end to end. */
const FORWARDED_ID = /^[\w.:-]{1,128}$/;
const PROBES = new Set(['/api/health', '/api/ready']);

/** What a request's line needs, kept on its context (`ctx.state`). */
interface LineState {
  requestId?: string;
  /** Fields a handler adds to the line (the job a trigger queued). */
  logFields?: Record<string, unknown>;
}

/**
 * One log line per request, once its response is out: request id, method, URL, address, the
 * status sent and the time, plus the job id of a trigger. The id is answered in `X-Request-Id`; the error handler's line carries it too.
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
    (ctx.state as LineState).requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    if (!PROBES.has(ctx.path)) {
      // Once the response is out, with the status actually sent (Koa may still turn a body it
      // cannot send into a 500 after the handlers); a client gone first gets an 'aborted' line.
      const res = ctx.res;
      // Read now: a socket that has closed no longer knows its peer.
      const req = { method: ctx.method, url: ctx.url, remoteAddress: ctx.req.socket?.remoteAddress };
      res.once('finish', () => writeLine(lines, ctx, { requestId, req, startedAt }, true));
      res.once('close', () => res.writableFinished || writeLine(lines, ctx, { requestId, req, startedAt }, false));
    }
    await next();
  };
}

interface RequestSeen {
  requestId: string;
  req: { method: string; url: string; remoteAddress: string | undefined };
  startedAt: number;
}

function writeLine(lines: PinoLogger, ctx: Context, { requestId, req, startedAt }: RequestSeen, sent: boolean): void {
  const status = ctx.res.statusCode;
  const line = {
    ...(ctx.state as LineState).logFields,
    requestId,
    req,
    res: { statusCode: status },
    responseTime: Math.round(performance.now() - startedAt),
  };
  if (!sent) lines.warn(line, 'request aborted');
  else if (status >= 500) lines.error(line, 'request errored');
  else lines.info(line, 'request completed');
}

/** The request id of the request being answered (for lines written on its behalf). */
export function requestIdOf(ctx: Context): string | undefined {
  return (ctx.state as LineState).requestId;
}

/** Adds fields to the request's log line (written when the handler is done). */
export function addToRequestLogLine(ctx: Context, fields: Record<string, unknown>): void {
  const state = ctx.state as LineState;
  state.logFields = { ...state.logFields, ...fields };
}
