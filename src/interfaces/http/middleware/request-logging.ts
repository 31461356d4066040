import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from 'koa';
import type { Logger as PinoLogger } from 'pino';
import { pinoHttp } from 'pino-http';

/** An id a proxy in front may already have given the request: kept so lines correlate end to end. */
const FORWARDED_ID = /^[\w.:-]{1,128}$/;
const PROBES = new Set(['/api/health', '/api/ready']);

/** Fields a handler adds to its request's log line (the job a trigger queued). */
const lineFields = new WeakMap<ServerResponse, Record<string, unknown>>();

/**
 * One log line per request (pino-http): request id, method, URL, status and time, plus the job
 * id of a trigger. The id is answered in `X-Request-Id` and bound to `ctx.req.log`, so every
 * line a request causes carries it. Headers are not logged at all: they carry the admin token.
 * Probes are not logged (orchestrators call them every few seconds).
 */
export function requestLogging(logger: PinoLogger): Middleware {
  const log = pinoHttp({
    // The serializers below let through only method, URL, address and status, so these lines
    // cannot carry a secret field; without the root's path redaction (wildcards two levels deep)
    // a request line costs a tenth as much, which is most of a trigger's cost under load.
    logger: logger.child({}, { redact: [] }),
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    genReqId: (req) => {
      const forwarded = req.headers['x-request-id'];
      return typeof forwarded === 'string' && FORWARDED_ID.test(forwarded) ? forwarded : randomUUID();
    },
    autoLogging: { ignore: (req) => PROBES.has(req.url?.split('?')[0] ?? '') },
    serializers: {
      req: (req: IncomingMessage & { raw?: IncomingMessage }) => ({ method: req.method, url: req.url, remoteAddress: req.raw?.socket?.remoteAddress ?? req.socket?.remoteAddress }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (_req, res, fields: object) => ({ ...fields, ...lineFields.get(res) }),
    customErrorObject: (_req, res, _error, fields: object) => ({ ...fields, ...lineFields.get(res) }),
  });
  return async (ctx, next) => {
    log(ctx.req, ctx.res);
    ctx.set('X-Request-Id', String(ctx.req.id));
    await next();
  };
}

/** Adds fields to the request's log line (written when the response ends). */
export function addToRequestLogLine(res: ServerResponse, fields: Record<string, unknown>): void {
  lineFields.set(res, { ...lineFields.get(res), ...fields });
}
