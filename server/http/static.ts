import { createHash } from 'node:crypto';
import { isProduction } from '../config.ts';
import { readFile } from 'node:fs/promises';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

export const DIST_DIR = fileURLToPath(new URL('../../dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export type Coding = 'br' | 'gzip';

export interface DistFile {
  body: Buffer;
  type: string;
  /** Strong validator of the file's bytes; each content coding gets its own (`"<hash>-br"`). */
  etag: string;
  /** The build's pre-compressed variants (scripts/precompress.ts), when they exist. */
  encoded: Partial<Record<Coding, Buffer>>;
}

const strongEtag = (body: Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/**
 * An answer made in memory once and then sent many times like a built file (sendDist: brotli or gzip by
 * Accept-Encoding, strong ETag per coding, 304), so no request pays for compressing or hashing it again.
 */
export function memoryFile(body: Buffer, type: string): DistFile {
  return {
    body,
    type,
    etag: strongEtag(body),
    encoded: {
      br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
      gzip: gzipSync(body, { level: 9 }),
    },
  };
}

const cache = new Map<string, DistFile | null>();
/** Misses remembered in production, at most MAX_MISSES (the oldest is forgotten first), so unique 404 paths cannot grow memory. */
const MAX_MISSES = 1024;
const misses: string[] = [];
function rememberMiss(path: string): void {
  if (misses.length >= MAX_MISSES) cache.delete(misses.shift()!);
  misses.push(path);
  cache.set(path, null);
}

/** Reads a built file under dist/ (never outside it); cached in memory since builds are immutable per deploy. */
export async function readDist(rel: string): Promise<DistFile | null> {
  const path = normalize(join(DIST_DIR, rel));
  if (!path.startsWith(DIST_DIR) || path.includes(`${sep}..`)) return null;
  let file = cache.get(path);
  if (file === undefined) {
    const body = await readFile(path).catch(() => null);
    file = null;
    if (body) {
      const [br, gzip] = await Promise.all([readFile(`${path}.br`).catch(() => undefined), readFile(`${path}.gz`).catch(() => undefined)]);
      const encoded: DistFile['encoded'] = {};
      if (br) encoded.br = br;
      if (gzip) encoded.gzip = gzip;
      file = { body, type: TYPES[extname(path)] ?? 'application/octet-stream', etag: strongEtag(body), encoded };
    }
    if (file) cache.set(path, file); // only files that exist: bounded by the build itself
    else if (isProduction()) rememberMiss(path);
  }
  return file;
}

/** The content codings a client accepts (RFC 9110 §12.5.3), best first among the ones we produce. */
export function acceptedCodings(header: string | undefined): Coding[] {
  if (!header) return [];
  const q: Record<string, number> = {};
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const v = qp ? Number(qp.slice(2)) : 1;
    q[name] = Number.isFinite(v) ? v : 0;
  }
  const of = (c: string) => q[c] ?? q['*'] ?? 0;
  return (['br', 'gzip'] as const).filter((c) => of(c) > 0).sort((a, b) => of(b) - of(a));
}

/** True when an If-None-Match list names this ETag (weak comparison, as RFC 9110 §13.1.2 asks for GET). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/**
 * Sends a built file: the smallest pre-compressed variant the client accepts, with Vary, a strong ETag per
 * coding and 304 Not Modified when the client already holds it. The dynamic compression middleware leaves
 * these alone (they carry Content-Encoding or are marked as already negotiated by Vary).
 */
export function sendDist(c: Context, file: DistFile, headers: Record<string, string>): Response {
  const coding = acceptedCodings(c.req.header('accept-encoding')).find((k) => file.encoded[k]);
  const etag = coding ? file.etag.replace(/"$/, `-${coding}"`) : file.etag;
  const h: Record<string, string> = { 'Content-Type': file.type, Vary: 'Accept-Encoding', ETag: etag, ...headers };
  if (etagMatches(c.req.header('if-none-match'), etag)) {
    delete h['Content-Type'];
    return c.body(null, 304, h);
  }
  if (coding) h['Content-Encoding'] = coding;
  const bytes = coding ? file.encoded[coding]! : file.body;
  return c.body(new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength), 200, h);
}
