import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ApiError, errorBody } from '../errors.ts';
import type { Logger } from '../log.ts';

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

/** JSON bodies only, within a size limit, so a refused request never reaches a handler. */
export function jsonBodyGuard(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const m = c.req.method;
    if (m === 'POST' || m === 'PUT' || m === 'PATCH') {
      await refuseOversized(c, maxBytes);
      const raw = new Uint8Array(await c.req.arrayBuffer()); // cached by Hono for the validators
      if (raw.byteLength > maxBytes) throw new ApiError(413, 'body_too_large', `Request bodies may be at most ${maxBytes} bytes.`);
      if (raw.byteLength > 0) {
        const type = c.req.header('content-type') ?? '';
        if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
      }
    }
    await next();
  };
}

const DRAIN_LIMIT = 1024 * 1024;

/**
 * Answers 413 for a declared length over the limit. Bodies up to 1 MiB are read first so the client sees
 * the answer instead of a reset connection; larger ones are cut off (reading them would invite abuse).
 */
export async function refuseOversized(c: Context, maxBytes: number): Promise<void> {
  const len = Number(c.req.header('content-length') ?? '0');
  if (!(len > maxBytes)) return;
  if (len <= DRAIN_LIMIT) await c.req.arrayBuffer().catch(() => undefined);
  throw new ApiError(413, 'body_too_large', `Request bodies may be at most ${maxBytes} bytes.`, len > DRAIN_LIMIT ? { Connection: 'close' } : {});
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
