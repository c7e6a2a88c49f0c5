import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

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

const cache = new Map<string, Buffer | null>();
/** Misses remembered in production, at most MAX_MISSES (the oldest is forgotten first), so unique 404 paths cannot grow memory. */
const MAX_MISSES = 1024;
const misses: string[] = [];
function rememberMiss(path: string): void {
  if (misses.length >= MAX_MISSES) cache.delete(misses.shift()!);
  misses.push(path);
  cache.set(path, null);
}

/** Reads a built file under dist/ (never outside it); cached in memory since builds are immutable per deploy. */
export async function readDist(rel: string): Promise<{ body: Buffer; type: string } | null> {
  const path = normalize(join(DIST_DIR, rel));
  if (!path.startsWith(DIST_DIR) || path.includes(`${sep}..`)) return null;
  let body = cache.get(path);
  if (body === undefined) {
    body = await readFile(path).catch(() => null);
    if (body) cache.set(path, body); // only files that exist: bounded by the build itself
    else if (process.env.NODE_ENV === 'production') rememberMiss(path);
  }
  if (!body) return null;
  return { body, type: TYPES[extname(path)] ?? 'application/octet-stream' };
}
