import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';

/**
 * Requires `x-admin-token` to equal the admin token. Both sides are hashed first so the
 * comparison takes the same time whatever the length or content of the guess.
 */
export function adminAuth(adminToken: string): Middleware {
  const expected = digest(adminToken);
  return async (ctx, next) => {
    const given = ctx.get('x-admin-token');
    if (!given || !timingSafeEqual(digest(given), expected)) {
      ctx.status = 401;
      ctx.body = { error: 'unauthorized' };
      return;
    }
    await next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
