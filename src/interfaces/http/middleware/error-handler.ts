import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { AppError, ValidationError } from '../../../domain/errors.js';
import { HttpError } from '../http-error.js';
import { requestIdOf } from './request-logging.js';

const STATUS_BY_CODE: Record<string, number> = {
  not_found: 404,
  conflict: 409,
};

/**
 * The one place errors become responses: a JSON body `{ error, message? }` with a stable
 * code, never a stack trace or an internal message. Unexpected errors are logged once here.
 */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: 'not_found' };
      }
    } catch (error) {
      const { status, body } = toResponse(error);
      // With the request's id, so the failure and the request's line correlate.
      if (status >= 500) logger.error({ requestId: requestIdOf(ctx), err: describe(error) }, 'request failed');
      ctx.status = status;
      ctx.body = body;
    }
  };
}

function toResponse(error: unknown): { status: number; body: Record<string, unknown> } {
  if (error instanceof HttpError) return { status: error.status, body: { error: error.code, ...(error.message ? { message: error.message } : {}), ...(error.fields ? { fields: error.fields } : {}) } };
  if (error instanceof ValidationError) return { status: 400, body: { error: error.code, message: error.message, fields: error.fields } };
  if (error instanceof AppError && STATUS_BY_CODE[error.code]) return { status: STATUS_BY_CODE[error.code]!, body: { error: error.code, message: error.message } };
  const exposed = error as { status?: number; expose?: boolean };
  // Errors raised by Koa and the router (http-errors) carry a client status.
  if (exposed.expose && typeof exposed.status === 'number' && exposed.status >= 400 && exposed.status < 500) {
    return { status: exposed.status, body: { error: exposed.status === 405 ? 'method_not_allowed' : 'bad_request' } };
  }
  return { status: 500, body: { error: 'internal_error' } };
}

function describe(error: unknown): object {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { value: String(error) };
}
