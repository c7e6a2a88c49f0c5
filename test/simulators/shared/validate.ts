/**
 * Tiny validation helpers for vendor request bodies (vendors validate; so do their fakes).
 *
 * API (stable):
 *   isRecord(v) -> v is Record<string, unknown>       plain object, not array/null
 *   isIsoDateTime(v, { requireMillis? }) -> boolean   "YYYY-MM-DDTHH:mm:ss(.sss)?(Z|±HH:MM)" and a real date
 *   isHttpUrl(v) -> boolean                            absolute http(s) URL
 *   isEmail(v) -> boolean                              loose "x@y.z" check
 *   Problems                                           collects "field: message" strings: p.add(path, msg); p.list; p.ok
 */

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isIsoDateTime(v: unknown, opts: { requireMillis?: boolean } = {}): v is string {
  if (typeof v !== 'string') return false;
  const re = opts.requireMillis
    ? /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,}(Z|[+-]\d{2}:\d{2})$/
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  return re.test(v) && !Number.isNaN(Date.parse(v));
}

export function isHttpUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export function isEmail(v: unknown): v is string {
  return typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);
}

export class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(path ? `${path}: ${message}` : message);
  }
  get ok(): boolean {
    return this.list.length === 0;
  }
}
