import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { ApiError } from '../errors.ts';
import type { LimitsRepo } from '../store/types.ts';
import { raises } from './error-codes.ts';

const socketAddress = (c: Context): string => {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
};

/**
 * The client's address as TRUST_PROXY says to read it (set once per request by clientAddressMiddleware):
 * without TRUST_PROXY the socket's peer, since headers like X-Forwarded-For can be sent by anyone.
 */
export function clientAddress(c: Context): string {
  return (c.get('clientAddress' as never) as string | undefined) ?? socketAddress(c);
}

/** Reads the client address once per request, per TRUST_PROXY (see Config.trustProxy). */
export function clientAddressMiddleware(trustProxy: number | string | null | undefined): MiddlewareHandler {
  return async (c, next) => {
    let addr = socketAddress(c);
    if (typeof trustProxy === 'number' && trustProxy > 0) {
      // Each of our n proxies appends the address it saw; entries left of those were written by the client.
      const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (hops.length > 0) addr = hops[Math.max(0, hops.length - trustProxy)]!;
    } else if (typeof trustProxy === 'string') {
      const v = c.req.header(trustProxy)?.split(',')[0]?.trim();
      if (v) addr = v;
    }
    c.set('clientAddress' as never, addr.slice(0, 64) as never);
    await next();
  };
}

/**
 * A fixed-window limiter: at most `limit` requests per key per window, then 429 with Retry-After. The counters
 * are the store's (`svc.store.limits`): with DATABASE_URL a table every instance sees, so N instances allow
 * what one would; with SQLite (one instance) process memory.
 */
export function rateLimit<E extends object = object>(
  limits: LimitsRepo,
  opts: { name: string; limit: number; windowMs: number; key: (c: Context<E & { Variables: Record<string, unknown> }>) => string; onLimited?: (c: Context) => Promise<void> },
): MiddlewareHandler {
  const mw: MiddlewareHandler = async (c, next) => {
    const now = Date.now();
    const s = await limits.hit(`${opts.name}:${opts.key(c as never)}`, opts.windowMs, now);
    if (s.count > opts.limit) {
      const secs = Math.max(1, Math.ceil((s.expires_at - now) / 1000));
      await opts.onLimited?.(c);
      throw new ApiError(429, 'rate_limited', `Too many attempts; try again in ${secs} seconds.`, { 'Retry-After': String(secs) });
    }
    await next();
  };
  return raises(mw, { 429: ['rate_limited'] });
}
