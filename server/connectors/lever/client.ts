// Calls to Lever's API for one connection: Bearer token (refreshed on expiry or a 401), the client-side
// rate limiter, backoff on 429, Lever's `{ data, hasNext, next }` lists, and errors the outbox understands.
import { connectorConfig } from '../../config.ts';
import { assertNoDotSegments, callVendor, failureFor, parseRetryAfter, PermanentError, RetryableError, type VendorResponse } from '../../http/client.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import { accessToken } from './oauth.ts';
import { bucketFor, sleep } from './rate-limiter.ts';
import { leverSettings } from './settings.ts';

/** 429s are retried in place this many times before the outbox takes over with its own backoff. */
const INLINE_429_RETRIES = 4;

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Statuses the caller handles itself (e.g. 404) instead of an error. */
  accept?: number[];
}

export class LeverError extends PermanentError {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export class LeverClient {
  readonly baseUrl: string;
  constructor(readonly svc: Services, readonly connection: ConnectionRow) {
    this.baseUrl = leverSettings(svc, connection).baseUrl;
  }

  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<{ status: number; body: T | null }> {
    assertNoDotSegments(`${this.baseUrl}${path}`); // before new URL() resolves them
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const what = `Lever ${method} ${path.replace(/[0-9a-f-]{20,}/gi, ':id')}`;
    const bucket = bucketFor(this.connection.id);
    const backoffMs = connectorConfig().leverBackoffMs;
    let token = await accessToken(this.svc, this.connection);
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      await bucket.take();
      const res: VendorResponse = await callVendor(url.toString(), {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      });
      if (res.status === 401 && !refreshed) {
        // Expired or rotated under us: refresh once (single-flight) and try again.
        token = await accessToken(this.svc, this.connection, token);
        refreshed = true;
        continue;
      }
      if (res.status === 429) {
        // UNCONFIRMED: Lever documents no Retry-After on 429; honour one if it ever comes, else back off exponentially with jitter.
        const wait = parseRetryAfter(res.headers.get('retry-after')) ?? backoffMs * 2 ** attempt * (0.5 + Math.random() / 2);
        bucket.pause(wait);
        if (attempt < INLINE_429_RETRIES) {
          await sleep(wait);
          continue;
        }
        throw new RetryableError(`${what}: Lever is rate limiting us (HTTP 429)`, wait);
      }
      if ((res.status >= 200 && res.status < 300) || opts.accept?.includes(res.status)) return { status: res.status, body: res.json<T>() };
      if (res.status === 401) throw new PermanentError(`${what}: Lever rejected our token even after a refresh (HTTP 401).`);
      const f = failureFor(res, what);
      throw f instanceof RetryableError ? f : new LeverError(f.message, res.status);
    }
  }

  /** Every item of a Lever list, following `next` offsets (at most `maxPages` pages of 100). */
  async list<T>(path: string, query: Record<string, string | undefined> = {}, maxPages = 20): Promise<T[]> {
    const out: T[] = [];
    let offset: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const { body } = await this.request<{ data?: T[]; hasNext?: boolean; next?: string }>('GET', path, { query: { ...query, limit: '100', offset } });
      out.push(...(body?.data ?? []));
      if (!body?.hasNext || !body.next) break;
      offset = body.next;
    }
    return out;
  }
}
