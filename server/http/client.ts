// The one outbound HTTP helper: timeouts, no redirects followed, bounded bodies, Retry-After parsing.
import { redact } from '../log.ts';
import { readUpTo } from './read-up-to.ts';

export class RetryableError extends Error {
  constructor(message: string, readonly retryAfterMs: number | null = null) {
    super(message);
    this.name = 'RetryableError';
  }
}
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

export interface VendorResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T | null;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs?: number;
  maxBytes?: number;
}

/**
 * Refuses a URL whose path has a `.` or `..` segment, plain or percent-encoded: vendor ids (Recruitee's
 * report_id, StackOne's record_id, …) are put in paths, and `encodeURIComponent('..')` is still `..`, which
 * URL parsing resolves, so an id of `..` would send the call to another resource of the vendor.
 */
export function assertNoDotSegments(url: string): void {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0]!;
  for (const seg of path.split('/')) {
    if (/^(?:\.|%2e){1,2}$/i.test(seg)) throw new PermanentError(`refused to call a vendor URL with a "${seg}" path segment (an id from the vendor may not be "." or "..")`);
  }
}

/**
 * An id for one path segment of an SDK call, refused when it is `.` or `..`: vendor SDKs resolve their path
 * against the base URL (`new URL(path, base)`) before vendorFetch sees it, so the check above comes too late.
 */
export function sdkPathId(id: string): string {
  assertNoDotSegments(`/${encodeURIComponent(id)}`);
  return id;
}

export async function callVendor(url: string, opts: CallOptions = {}): Promise<VendorResponse> {
  assertNoDotSegments(url);
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? 'GET',
      headers: opts.headers,
      body: opts.body as BodyInit | undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
  } catch (err) {
    const e = err as Error;
    throw new RetryableError(e.name === 'TimeoutError' ? `timed out calling ${new URL(url).host}` : redact(`network error calling ${new URL(url).host}: ${e.message}`));
  }
  return sdkResponse(res.status, await readCapped(res, opts.maxBytes ?? 1_000_000), res.headers);
}

/**
 * Reads at most `maxBytes` of a response body while it streams in, then cancels the rest (the connection is
 * dropped), so a vendor sending 400 MB costs at most `maxBytes` of memory and the time to read them.
 */
export async function readCapped(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  try {
    return Buffer.from((await readUpTo(reader, maxBytes)).bytes).toString('utf8');
  } catch (err) {
    const e = err as Error;
    throw new RetryableError(e.name === 'TimeoutError' ? `timed out reading the answer from ${new URL(res.url || 'http://vendor').host}` : `network error reading the answer: ${e.message}`);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Retry-After as delay-seconds or an HTTP date, in ms; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Turns a non-2xx answer into the error the outbox understands (retry or dead letter). */
export function failureFor(res: VendorResponse, what: string): RetryableError | PermanentError {
  // Vendor error bodies may echo the candidate's address or a token: redacted before the outbox stores them.
  const detail = redact(`${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`).trim();
  if (res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500) {
    return new RetryableError(detail, parseRetryAfter(res.headers.get('retry-after')));
  }
  return new PermanentError(detail);
}

/**
 * A `fetch` for vendor SDKs (their `fetcher`/`fetch` option) that goes through callVendor: the same timeout,
 * no redirects followed, bounded body and dot-segment check as every other outbound call. Transport failures
 * are thrown as our RetryableError/PermanentError, which the SDKs keep as their error's `cause`.
 */
export function vendorFetch(opts: { timeoutMs?: number; maxBytes?: number } = {}): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    // The SDKs hand a Request (duck-typed: it may come from another copy of undici than our global one).
    const req = typeof input === 'object' && !(input instanceof URL) && 'url' in input ? (input as Request) : null;
    const url = req ? req.url : String(input);
    const method = init?.method ?? req?.method ?? 'GET';
    const headers: Record<string, string> = {};
    new Headers(req?.headers).forEach((v, k) => (headers[k] = v));
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    let body: string | Uint8Array | undefined;
    if (init?.body != null) body = typeof init.body === 'string' ? init.body : new Uint8Array(await new Response(init.body as BodyInit).arrayBuffer());
    else if (req && req.body && method !== 'GET' && method !== 'HEAD') body = new Uint8Array(await req.arrayBuffer());
    const res = await callVendor(url, { method, headers, body, timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes });
    const noBody = res.status === 204 || res.status === 205 || res.status === 304;
    const answerHeaders = new Headers(res.headers);
    // A body that says JSON but is not (empty, or cut at maxBytes) is handed on as text: the SDKs' JSON
    // matchers would otherwise fail outside their own error handling (an unhandled rejection).
    if (/json/i.test(answerHeaders.get('content-type') ?? '') && res.json() === null) answerHeaders.set('content-type', 'text/plain');
    return new Response(noBody ? null : res.text, { status: res.status, headers: answerHeaders });
  };
}

/**
 * What a vendor SDK's thrown error means to the outbox, by its shape (the SDKs' typed errors carry
 * `statusCode`, `body` and `headers`; transport errors carry ours as `cause`). 4xx other than 408/425/429 are
 * permanent; 5xx, 408, 425, 429 (with Retry-After), timeouts and network errors retry; an answer the SDK could
 * not read is permanent.
 */
export function failureForSdk(err: unknown, what: string): RetryableError | PermanentError {
  if (err instanceof RetryableError || err instanceof PermanentError) return err;
  const e = err as { name?: string; message?: string; statusCode?: unknown; body?: unknown; headers?: unknown; cause?: unknown };
  if (e?.cause instanceof RetryableError || e?.cause instanceof PermanentError) return e.cause;
  // An error answer (non-2xx) is judged by its status even when the SDK could not read its body.
  if (e?.name === 'ResponseValidationError' && !(typeof e.statusCode === 'number' && (e.statusCode < 200 || e.statusCode > 299))) {
    return new PermanentError(`${what}: the answer does not have the documented shape`);
  }
  if (typeof e?.statusCode === 'number') {
    const headers = e.headers instanceof Headers ? e.headers : new Headers();
    const text = typeof e.body === 'string' ? e.body : '';
    return failureFor(sdkResponse(e.statusCode, text, headers), what);
  }
  if (e?.name === 'RequestTimeoutError' || e?.name === 'ConnectionError' || e?.name === 'RequestAbortedError') return new RetryableError(redact(`${what}: ${e.message ?? e.name}`));
  return new PermanentError(redact(`${what}: ${e?.message ?? String(err)}`).slice(0, 300));
}

/** A VendorResponse from an answer's status, text and headers: callVendor's (read bounded), or what an SDK error kept of one. */
export function sdkResponse(status: number, text: string, headers: Headers): VendorResponse {
  return {
    status,
    headers,
    text,
    json<T>() {
      try {
        return JSON.parse(text) as T;
      } catch {
        return null;
      }
    },
  };
}
