import type { Context, MiddlewareHandler } from 'hono';
import { createHash } from 'node:crypto';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { acceptedCodings, etagMatches } from './static.ts';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

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
    if (!res.body || res.status < 200 || res.status === 204 || res.status === 206 || !type || !COMPRESSIBLE.test(type)) return;
    if (res.headers.has('content-encoding') || /\bno-transform\b/i.test(res.headers.get('cache-control') ?? '')) return;
    const raw = Buffer.from(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    const cacheable = c.req.method === 'GET' && res.status === 200 && !/\bno-store\b/i.test(headers.get('cache-control') ?? '');
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
    replace(c, new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), { status: res.status, statusText: res.statusText, headers }));
  };
}

/** Hono's `c.res =` merges the old headers into the new answer; these headers are already complete. */
function replace(c: Context, res: Response) {
  c.res = undefined as unknown as Response;
  c.res = res;
}
