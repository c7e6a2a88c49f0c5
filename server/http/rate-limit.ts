import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { ApiError } from '../errors.ts';

/** The peer address as the socket saw it (headers like X-Forwarded-For are not trusted: anyone can send them). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

/**
 * A fixed-window limiter kept in process memory: enough for one BFF; several instances each apply it
 * (so the effective limit scales with instances, which is stated in the docs).
 */
export function rateLimit<E extends object = object>(opts: { name: string; limit: number; windowMs: number; key: (c: Context<E & { Variables: Record<string, unknown> }>) => string; onLimited?: (c: Context) => Promise<void> }): MiddlewareHandler {
  const hits = new Map<string, { count: number; resetAt: number }>();
  return async (c, next) => {
    const now = Date.now();
    if (hits.size > 50_000) for (const [k, h] of hits) if (h.resetAt <= now) hits.delete(k);
    const k = opts.key(c as never);
    let h = hits.get(k);
    if (!h || h.resetAt <= now) hits.set(k, (h = { count: 0, resetAt: now + opts.windowMs }));
    h.count++;
    if (h.count > opts.limit) {
      const secs = Math.ceil((h.resetAt - now) / 1000);
      await opts.onLimited?.(c);
      throw new ApiError(429, 'rate_limited', `Too many attempts; try again in ${secs} seconds.`, { 'Retry-After': String(secs) });
    }
    await next();
  };
}
