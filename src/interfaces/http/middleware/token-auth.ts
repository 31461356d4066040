import { hash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';

export interface AuthThrottle {
  /** Wrong-token attempts one address may make per window before it gets 429s. */
  maxFailures: number;
  windowMs: number;
}

const DEFAULT_THROTTLE: AuthThrottle = { maxFailures: 30, windowMs: 60_000 };

/** At most this many addresses are tracked; the oldest windows are forgotten first. */
const MAX_TRACKED_ADDRESSES = 10_000;

/** Requires `x-admin-token` to equal the admin token. */
export function adminAuth(adminToken: string, throttle: AuthThrottle = DEFAULT_THROTTLE): Middleware {
  return tokenAuth(adminToken, (ctx) => ctx.get('x-admin-token'), throttle);
}

/** Requires `Authorization: Bearer <token>` (what Prometheus sends with `authorization.credentials`). */
export function bearerAuth(token: string, throttle: AuthThrottle = DEFAULT_THROTTLE): Middleware {
  return tokenAuth(token, (ctx) => /^Bearer (.+)$/i.exec(ctx.get('authorization'))?.[1] ?? '', throttle);
}

/**
 * Requires the token `read` finds to equal `token`. Both sides are hashed first so the
 * comparison takes the same time whatever the length or content of the guess. An address that
 * keeps guessing is answered 429 for the rest of its window; the right token always passes.
 */
function tokenAuth(token: string, read: (ctx: Context) => string, throttle: AuthThrottle): Middleware {
  const expected = digest(token);
  const failures = new Map<string, { count: number; since: number }>();
  return async (ctx, next) => {
    const given = read(ctx);
    if (given && timingSafeEqual(digest(given), expected)) return next();

    const now = Date.now();
    const entry = failures.get(ctx.ip);
    const current = entry && now - entry.since < throttle.windowMs ? entry : { count: 0, since: now };
    current.count += 1;
    failures.delete(ctx.ip);
    failures.set(ctx.ip, current);
    if (failures.size > MAX_TRACKED_ADDRESSES) failures.delete(failures.keys().next().value!);
    if (current.count > throttle.maxFailures) {
      ctx.status = 429;
      ctx.set('Retry-After', String(Math.ceil((current.since + throttle.windowMs - now) / 1000)));
      ctx.body = { error: 'too_many_attempts' };
      return;
    }
    ctx.status = 401;
    ctx.body = { error: 'unauthorized' };
  };
}

function digest(value: string): Buffer {
  // The one-shot form: no Hash object per request.
  return hash('sha256', value, 'buffer');
}
