import { bodyParser } from '@koa/bodyparser';
import { HttpError } from '../http-error.js';

export const MAX_BODY = '64kb';

/** JSON bodies only, at most 64 KB; a broken body is a 400 `invalid_json`, an oversized one a 413. */
export const jsonBody = () =>
  bodyParser({
    enableTypes: ['json'],
    jsonLimit: MAX_BODY,
    encoding: 'utf-8',
    onError: (error) => {
      if ((error as { status?: number }).status === 413) throw new HttpError(413, 'payload_too_large', 'the request body exceeds 64 KB');
      throw new HttpError(400, 'invalid_json');
    },
  });
