import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { HttpError } from '../http-error.js';

export const MAX_BODY = '64kb';

const parseJson = bodyParser({
  enableTypes: ['json'],
  jsonLimit: MAX_BODY,
  encoding: 'utf-8',
  onError: (error) => {
    if ((error as { status?: number }).status === 413) throw new HttpError(413, 'payload_too_large', 'the request body exceeds 64 KB');
    throw new HttpError(400, 'invalid_json', 'the request body is not valid JSON', { body: 'is not valid JSON' });
  },
});

/**
 * JSON bodies only, at most 64 KB: a broken body is a 400 `invalid_json`, an oversized one a 413,
 * and a non-empty body of another type a 415 (it would otherwise be silently ignored).
 */
export const jsonBody = (): Middleware => async (ctx, next) => {
  if (ctx.request.length && !ctx.is('json')) throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  return parseJson(ctx, next);
};
