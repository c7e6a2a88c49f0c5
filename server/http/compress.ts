import type { Context, MiddlewareHandler } from 'hono';
import { createHash } from 'node:crypto';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { acceptedCodings, etagMatches } from './static.ts';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The body a response was made with, when it can be had without reading the response: @hono/node-server's
 * Response (what `c.json`, `c.body` and `c.html` make when served by it) keeps the string or bytes it was
 * given under a private symbol described "cache" ([status, body, headers]), and sends them from there.
 * Reading it through `arrayBuffer()` would build a full web Response and stream: several times the cost of
 * a small JSON answer. Anything else (another runtime, a stream) returns undefined and is read normally.
 */
let cacheKey: symbol | undefined; // the same symbol on every such Response: looked up once
function bodyAsGiven(res: Response): string | Uint8Array | null | undefined {
  const key = cacheKey && cacheKey in res ? cacheKey : (cacheKey = Object.getOwnPropertySymbols(res).find((k) => k.description === 'cache') ?? cacheKey);
  const cached = key && key in res ? (res as unknown as Record<symbol, unknown>)[key] : undefined;
  const body = Array.isArray(cached) ? cached[1] : undefined;
  return body === null || typeof body === 'string' || body instanceof Uint8Array ? body : undefined;
}

const COMPRESSIBLE = /^(text\/(html|plain|css|javascript)|application\/([a-z.+-]*\+)?json|image\/svg\+xml)\b/i;

/**
 * Dynamic answers (HTML pages, JSON) over `threshold` bytes are compressed on the fly: brotli at a fast
 * quality when accepted, else gzip. GET answers that may be cached get a weak ETag over their bytes and a
 * 304 when the client holds them. Built files arrive pre-compressed (static.ts) and are left alone.
 */
export function compress(opts: { threshold?: number; brotliQuality?: number } = {}): MiddlewareHandler {
  const threshold = opts.threshold ?? 1024;
  const quality = opts.brotliQuality ?? 4;
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get('content-type');
    const given = bodyAsGiven(res); // before anything reads res.body, which would turn it into a stream
    if (given === null || (given === undefined && !res.body) || res.status < 200 || res.status === 204 || res.status === 206 || !type || !COMPRESSIBLE.test(type)) return;
    // Already negotiated (sendDist: built files and answers made once) or not to be transformed: left alone.
    const cacheControl = res.headers.get('cache-control') ?? '';
    if (res.headers.has('content-encoding') || /\baccept-encoding\b/i.test(res.headers.get('vary') ?? '') || /\bno-transform\b/i.test(cacheControl)) return;
    const cacheable = c.req.method === 'GET' && res.status === 200 && !/\bno-store\b/i.test(cacheControl);
    // Answers that stay as they are (small ones, most of the widget API, and any for a client that takes
    // no coding we make) are not rebuilt: their ETag (and Vary, when size made it depend on the coding)
    // are added in place.
    const small = given !== undefined && (typeof given === 'string' ? given.length * 3 <= threshold || Buffer.byteLength(given) <= threshold : given.byteLength <= threshold);
    if (given !== undefined && (small || acceptedCodings(c.req.header('accept-encoding')).length === 0)) {
      if (!small) res.headers.append('Vary', 'Accept-Encoding');
      if (!cacheable) return;
      if (!res.headers.has('etag')) res.headers.set('ETag', `W/"${createHash('sha1').update(given).digest('base64url')}"`);
      const etag = res.headers.get('etag')!;
      if (etagMatches(c.req.header('if-none-match'), etag)) {
        const headers = new Headers(res.headers);
        headers.delete('content-type');
        headers.delete('content-length');
        replace(c, new Response(null, { status: 304, headers }));
      }
      return;
    }
    const raw = given === undefined ? Buffer.from(await res.arrayBuffer()) : typeof given === 'string' ? Buffer.from(given) : Buffer.from(given.buffer, given.byteOffset, given.byteLength);
    const headers = new Headers(res.headers);
    if (cacheable && !headers.has('etag')) headers.set('ETag', `W/"${createHash('sha1').update(raw).digest('base64url')}"`);
    const etag = headers.get('etag');
    if (cacheable && etag && etagMatches(c.req.header('if-none-match'), etag)) {
      headers.delete('content-type');
      headers.delete('content-length');
      replace(c, new Response(null, { status: 304, headers }));
      return;
    }
    const coding = raw.length > threshold ? acceptedCodings(c.req.header('accept-encoding'))[0] : undefined;
    if (raw.length > threshold) headers.append('Vary', 'Accept-Encoding');
    let body: Buffer = raw;
    if (coding === 'br') body = await brotliAsync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
    else if (coding === 'gzip') body = await gzipAsync(raw, { level: 6 });
    if (coding) {
      headers.set('Content-Encoding', coding);
      // The compressed bytes are another representation: a strong validator must differ (RFC 9110 §8.8.3).
      if (etag && !etag.startsWith('W/')) headers.set('ETag', etag.replace(/"$/, `-${coding}"`));
    }
    headers.set('Content-Length', String(body.length));
    replace(c, new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), { status: res.status, headers }));
  };
}

/** Hono's `c.res =` merges the old headers into the new answer; these headers are already complete. */
function replace(c: Context, res: Response) {
  c.res = undefined as unknown as Response;
  c.res = res;
}
