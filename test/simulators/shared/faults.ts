/**
 * Fault injection: a FIFO queue of "next answers" the simulator gives instead of (or before) the real one.
 *
 * API (stable):
 *   new FaultQueue()
 *   faults.push(fault | fault[])      Fault = {
 *       status?: number              answer with this status (e.g. 429, 503); absent = pass through
 *       retryAfterSeconds?: number   sets Retry-After (integer seconds) — use with 429/503
 *       delayMs?: number             wait this long first ("slow answer"); alone = slow but real answer
 *       body?: unknown               JSON body to answer; absent = the provider's error body (errorBody option)
 *       headers?: Record<string,string>
 *       times?: number               how many requests it consumes (default 1)
 *       match?: { method?: string; path?: string }   only requests matching (path = substring); others pass
 *     }
 *   faults.list() / faults.clear()
 *   faults.middleware({ errorBody?(status, fault) => unknown })  Hono middleware; never touches /_sim/*.
 *       Sets c.get('simFault') = true when a fault answered (RequestLog records it as `fault: true`).
 *   parseFaults(json) -> Fault[]      validates a control-API body ({...} | [...] | {faults:[...]}); throws Error
 */
import type { MiddlewareHandler } from 'hono';

export interface Fault {
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  body?: unknown;
  headers?: Record<string, string>;
  times?: number;
  match?: { method?: string; path?: string };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class FaultQueue {
  private queue: Array<Fault & { remaining: number }> = [];

  push(f: Fault | Fault[]): void {
    for (const x of Array.isArray(f) ? f : [f]) this.queue.push({ ...x, remaining: Math.max(1, x.times ?? 1) });
  }

  list(): Fault[] {
    return this.queue.map(({ remaining, ...f }) => ({ ...f, times: remaining }));
  }

  clear(): void {
    this.queue = [];
  }

  /** Takes the first fault that matches this request (consuming one use), if any. */
  take(method: string, path: string): Fault | undefined {
    const i = this.queue.findIndex(
      (f) =>
        (!f.match?.method || f.match.method.toUpperCase() === method.toUpperCase()) &&
        (!f.match?.path || path.includes(f.match.path)),
    );
    if (i < 0) return undefined;
    const f = this.queue[i]!;
    if (--f.remaining <= 0) this.queue.splice(i, 1);
    const { remaining: _r, ...fault } = f;
    return fault;
  }

  middleware(opts: { errorBody?: (status: number, fault: Fault) => unknown } = {}): MiddlewareHandler {
    return async (c, next) => {
      const path = new URL(c.req.url).pathname;
      if (path.startsWith('/_sim')) return next();
      const fault = this.take(c.req.method, path);
      if (!fault) return next();
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.status === undefined) return next();
      c.set('simFault' as never, true as never);
      const headers: Record<string, string> = { ...(fault.headers ?? {}) };
      if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.ceil(fault.retryAfterSeconds));
      const body =
        fault.body !== undefined
          ? fault.body
          : (opts.errorBody?.(fault.status, fault) ?? { error: `simulated ${fault.status}` });
      return c.json(body as object, fault.status as 500, headers);
    };
  }
}

export function parseFaults(input: unknown): Fault[] {
  const raw = Array.isArray(input)
    ? input
    : input && typeof input === 'object' && Array.isArray((input as { faults?: unknown }).faults)
      ? (input as { faults: unknown[] }).faults
      : [input];
  return raw.map((f, i) => {
    if (!f || typeof f !== 'object') throw new Error(`fault ${i}: must be an object`);
    const x = f as Record<string, unknown>;
    const num = (k: string, min: number, max: number) => {
      if (x[k] === undefined) return undefined;
      const v = x[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new Error(`fault ${i}: ${k} must be a number in [${min}, ${max}]`);
      return v;
    };
    const status = num('status', 100, 599);
    const delayMs = num('delayMs', 0, 600_000) ?? num('delay_ms', 0, 600_000);
    const retryAfterSeconds = num('retryAfterSeconds', 0, 86_400) ?? num('retry_after_seconds', 0, 86_400);
    const times = num('times', 1, 10_000);
    if (status === undefined && delayMs === undefined) throw new Error(`fault ${i}: give status and/or delayMs`);
    const out: Fault = {};
    if (status !== undefined) out.status = status;
    if (delayMs !== undefined) out.delayMs = delayMs;
    if (retryAfterSeconds !== undefined) out.retryAfterSeconds = retryAfterSeconds;
    if (times !== undefined) out.times = times;
    if (x.body !== undefined) out.body = x.body;
    if (x.headers && typeof x.headers === 'object') out.headers = x.headers as Record<string, string>;
    if (x.match && typeof x.match === 'object') out.match = x.match as Fault['match'];
    return out;
  });
}
