import type { Context, Hono, MiddlewareHandler } from 'hono';
import { IncomingMessage } from 'node:http';
import { HTTPException } from 'hono/http-exception';
import { matchedRoutes } from 'hono/route';
import { ApiError, errorBody } from '../errors.ts';
import type { Logger } from '../log.ts';
import { raises } from './error-codes.ts';
import { readUpTo } from './read-up-to.ts';

/** Baseline headers on every answer; widget pages replace the CSP with their account's frame-ancestors. */
export function baselineHeaders(opts: { https: boolean }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Referrer-Policy', 'no-referrer');
    if (!h.has('Cross-Origin-Opener-Policy')) h.set('Cross-Origin-Opener-Policy', 'same-origin'); // /connect allows its Kombo popup
    if (!h.has('Cross-Origin-Resource-Policy')) h.set('Cross-Origin-Resource-Policy', 'same-origin');
    if (!h.has('Content-Security-Policy')) {
      h.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
      h.set('X-Frame-Options', 'DENY');
    }
    if (opts.https) h.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    h.delete('X-Powered-By');
  };
}

/** The largest body any route accepts (webhooks: 256 KiB); routes set tighter limits of their own. */
export const MAX_BODY_BYTES = 256 * 1024;

// The rest of the body is not read into memory: after the answer @hono/node-server discards what is still
// arriving for at most 500 ms (a "lingering close", so the client sees the 413 instead of a reset) and then
// closes the connection.
const tooLarge = (maxBytes: number) => new ApiError(413, 'body_too_large', `Request bodies may be at most ${maxBytes} bytes.`);

/** Requests whose body readBounded has already read (and replaced with these bytes). */
const bodiesRead = new WeakMap<Request, Uint8Array>();

/**
 * Reads the request body counting bytes as they arrive and stops at `maxBytes` with 413, whether the length
 * was declared or the body is chunked, so no body larger than the limit is ever held in memory. Later readers
 * (validators, webhook signatures) see the same bytes; a route's tighter limit after bodyLimit's checks the
 * bytes already read instead of copying them again.
 *
 * Served by @hono/node-server, the body is read from the Node request itself and handed to the request as its
 * `rawBody` (which @hono/node-server reads before the socket), so later reads cost no web stream and no second
 * Request: building those was an eighth of the server's time per webhook (issue 19's ingest profile).
 * Elsewhere (`app.request()` in tests, another runtime) it is read as a web stream and the request replaced.
 */
export async function readBounded(c: Context, maxBytes: number): Promise<Uint8Array> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const read = bodiesRead.get(c.req.raw);
  if (read) {
    if (read.byteLength > maxBytes) throw tooLarge(maxBytes);
    return read;
  }
  // Only a body of declared length (at most maxBytes, checked above; node's parser ends it there) is read from the
  // Node request. A chunked body, which may run past the limit, goes through the web stream below: cut off
  // there at the limit, the connection stays as the 413 leaves it. Read from the Node request and paused at the
  // limit, @hono/node-server's drain after the 413 read on (up to 64 MiB in 500 ms), and a fast client could
  // send the whole body before it saw the answer (test/reliability/body-limits, once in a full run).
  const incoming = declared !== undefined ? unreadIncoming(c) : null;
  if (incoming) {
    const { bytes: body, over } = await readIncomingUpTo(incoming, maxBytes);
    if (over) throw tooLarge(maxBytes);
    incoming.rawBody = body;
    bodiesRead.set(c.req.raw, body);
    return body;
  }
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const { bytes: body, over } = await readUpTo(reader, maxBytes);
  if (over) {
    reader.releaseLock();
    throw tooLarge(maxBytes);
  }
  c.req.raw = new Request(c.req.url, { method: c.req.method, headers: c.req.raw.headers, body });
  bodiesRead.set(c.req.raw, body);
  return body;
}

type NodeRequest = IncomingMessage & { rawBody?: Buffer };

/** The Node request under @hono/node-server (`c.env.incoming`) while nothing has started reading its body. */
function unreadIncoming(c: Context): NodeRequest | null {
  const incoming = (c.env as { incoming?: NodeRequest } | undefined)?.incoming;
  if (!(incoming instanceof IncomingMessage) || incoming.readableDidRead || incoming.rawBody !== undefined || incoming.listenerCount('data') > 0) return null;
  return incoming;
}

/**
 * readUpTo for a Node request: its chunks until it ends or more than `maxBytes` arrived; then it is paused
 * (the rest stays in the socket, which @hono/node-server drains or closes after the answer).
 */
function readIncomingUpTo(incoming: NodeRequest, maxBytes: number): Promise<{ bytes: Buffer; over: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (err: Error | null, over = false) => {
      if (settled) return;
      settled = true;
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err) return reject(err);
      resolve({ bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), over });
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.byteLength > maxBytes) {
        incoming.pause();
        chunks.push(chunk.subarray(0, maxBytes - size));
        size = maxBytes;
        return settle(null, true);
      }
      chunks.push(chunk);
      size += chunk.byteLength;
    };
    const onEnd = () => settle(null);
    const onError = (err: Error) => settle(err);
    const onClose = () => (incoming.readableEnded ? settle(null) : settle(incoming.errored ?? new Error('Client connection prematurely closed.')));
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    if (incoming.readableEnded) onEnd();
    else if (incoming.errored) onError(incoming.errored);
    else if (incoming.destroyed) onClose();
  });
}

const READS_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Every request body, on every route, is read through readBounded with the largest limit any route has. */
export function bodyLimit(maxBytes = MAX_BODY_BYTES): MiddlewareHandler {
  const mw: MiddlewareHandler = async (c, next) => {
    if (READS_BODY.has(c.req.method)) await readBounded(c, maxBytes);
    await next();
  };
  return raises(mw, (method) => (READS_BODY.has(method) ? { 413: ['body_too_large'] } : {}));
}

/** JSON bodies only, within a size limit, so a refused request never reaches a handler. */
export function jsonBodyGuard(maxBytes: number): MiddlewareHandler {
  const mw: MiddlewareHandler = async (c, next) => {
    const m = c.req.method;
    if (m === 'POST' || m === 'PUT' || m === 'PATCH') {
      const raw = await readBounded(c, maxBytes);
      if (raw.byteLength > 0) {
        const type = c.req.header('content-type') ?? '';
        if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
      }
    }
    await next();
  };
  return raises(mw, (method) => (['POST', 'PUT', 'PATCH'].includes(method) ? { 413: ['body_too_large'], 415: ['unsupported_media_type'] } : {}));
}

/** Answers 413 for a body over the limit (declared or counted while reading); returns the body's bytes, kept for later readers too. */
export function refuseOversized(c: Context, maxBytes: number): Promise<Uint8Array> {
  return readBounded(c, maxBytes);
}

/**
 * True when a write comes from our own pages (not a cross-site form or a script on another origin). Browsers
 * say where a request comes from in Sec-Fetch-Site; without it the Origin must be ours. `form: true` is for
 * HTML form posts: under Referrer-Policy: no-referrer (set on every page) a same-origin form post may carry
 * Origin "null" or none, so only a foreign Origin refuses it (SameSite=Lax keeps other sites' cookies out).
 */
export function fromOwnPages(c: Context, publicOrigin: string, opts: { form?: boolean } = {}): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site === 'same-origin' || (!!opts.form && site === 'none');
  const origin = c.req.header('origin');
  if (opts.form && (!origin || origin === 'null')) return true;
  return origin === publicOrigin || origin === new URL(c.req.url).origin;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * 405 with Allow for a method no route has at a path that other methods do have, before any login check or
 * rate limit runs (so a wrong method is never answered 401, 404 or 429). Middleware (`use`) does not count.
 */
export function methodNotAllowed(app: Hono<any>): MiddlewareHandler {
  const endpoint = (method: string, path: string) => {
    const [matches] = app.router.match(method, path) as unknown as [[[unknown, { method: string }], unknown][]];
    return matches.some(([[, r]]) => r.method !== 'ALL');
  };
  return async (c, next) => {
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    // The app's own match for this request (HEAD is routed as GET) is the one this middleware runs in: when it
    // has an endpoint, nothing is matched again. Only a request without one walks the other methods.
    if (!matchedRoutes(c).some((r) => r.method !== 'ALL') && !endpoint(method, c.req.path)) {
      const allow = METHODS.filter((m) => m !== method && endpoint(m, c.req.path));
      if (allow.length > 0) throw new ApiError(405, 'method_not_allowed', `${c.req.method} is not supported here; use ${allow.join(' or ')}.`, { Allow: allow.join(', ') });
    }
    await next();
  };
}

export function onError(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(errorBody(err.code, err.message), err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = /Malformed JSON/i.test(err.message) ? 'malformed_json' : status === 413 ? 'body_too_large' : 'bad_request';
      const message = code === 'malformed_json' ? 'The request body is not valid JSON.' : err.message || 'The request could not be read.';
      return c.json(errorBody(code, message), status >= 500 ? 400 : status);
    }
    if (err instanceof URIError) return c.json(errorBody('bad_request', 'The request path is not valid.'), 400);
    log.error('unhandled error', { path: c.req.path, method: c.req.method, error: err.message, stack: err.stack?.split('\n').slice(0, 4).join(' | ') });
    return c.json(errorBody('internal_error', 'Something went wrong on our side; it has been logged.'), 500);
  };
}
