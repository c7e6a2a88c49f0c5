/**
 * Request log: what the simulator received (inbound) — for tests to assert on.
 *
 * API (stable):
 *   new RequestLog({ max? = 1000 })
 *   log.middleware({ includeControl? = false })   Hono middleware; put it FIRST (before faults) so
 *       faulted answers are logged too. Skips /_sim/* unless includeControl.
 *   log.entries(filter?) -> LoggedRequest[]       filter: { method?, path? (substring or RegExp) }
 *   log.clear()
 *   LoggedRequest = { seq, at (ISO), method, path, query, headers (lower-case), body (raw text),
 *                     status, fault? (true when a queued fault answered), durationMs }
 * Reading the body here is safe: Hono caches it, so handlers can still call c.req.json()/text().
 */
import type { MiddlewareHandler } from 'hono';

export interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  status: number;
  fault?: boolean;
  durationMs: number;
}

export interface RequestFilter {
  method?: string;
  path?: string | RegExp;
}

export class RequestLog {
  private items: LoggedRequest[] = [];
  private seq = 0;
  private readonly max: number;

  constructor(opts: { max?: number } = {}) {
    this.max = opts.max ?? 1000;
  }

  middleware(opts: { includeControl?: boolean } = {}): MiddlewareHandler {
    return async (c, next) => {
      const url = new URL(c.req.url);
      if (!opts.includeControl && url.pathname.startsWith('/_sim')) return next();
      const started = Date.now();
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((v, k) => {
        headers[k] = v;
      });
      const body = ['GET', 'HEAD'].includes(c.req.method) ? '' : await c.req.text().catch(() => '');
      await next();
      this.push({
        seq: 0,
        at: new Date(started).toISOString(),
        method: c.req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body,
        status: c.res.status,
        ...(c.get('simFault' as never) ? { fault: true } : {}),
        durationMs: Date.now() - started,
      });
    };
  }

  push(entry: LoggedRequest): void {
    entry.seq = ++this.seq;
    this.items.push(entry);
    if (this.items.length > this.max) this.items.shift();
  }

  entries(filter: RequestFilter = {}): LoggedRequest[] {
    return this.items.filter(
      (e) =>
        (!filter.method || e.method === filter.method.toUpperCase()) &&
        (!filter.path || (typeof filter.path === 'string' ? e.path.includes(filter.path) : filter.path.test(e.path))),
    );
  }

  clear(): void {
    this.items = [];
  }
}
