// Size budgets: on the built files (gzip -9), and on the bytes the server really sends a browser
// (Accept-Encoding: br, gzip), read over HTTP without decompressing.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { getWire } from '../helpers/wire.ts';

const DIST = join(ROOT, 'dist');
type Manifest = Record<string, { file: string; imports?: string[]; css?: string[] }>;

const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

/** The JS files a view needs: the app entry (runtime + shell) plus the view chunk and what it imports. */
function jsFor(manifest: Manifest, keys: string[]): string[] {
  const seen = new Set<string>();
  const walk = (key: string) => {
    if (seen.has(key)) return;
    const entry = manifest[key];
    if (!entry) throw new Error(`${key} is not in the build manifest`);
    seen.add(key);
    entry.imports?.forEach(walk);
  };
  keys.forEach(walk);
  return [...seen].map((k) => `widget/${manifest[k]!.file}`);
}

let srv: RunningServer;
beforeAll(async () => {
  if (!existsSync(join(DIST, 'embed/embed.js.br')) || !existsSync(join(DIST, 'widget/.vite/manifest.json'))) {
    execSync('npm run build', { cwd: ROOT, stdio: 'ignore' });
  }
  srv = await startServer();
}, 180_000);
afterAll(() => srv?.stop());

const BROWSER = { 'accept-encoding': 'gzip, deflate, br, zstd' };

describe('size budgets on the wire', () => {
  test('the script-tag loader is at most 2,048 bytes as the server sends it', async () => {
    const res = await getWire(`${srv.url}/embed.js`, BROWSER);
    expect(res.status).toBe(200);
    expect(res.decoded().equals(readFileSync(join(DIST, 'embed/embed.js')))).toBe(true); // the real loader
    expect(res.wire.length).toBeLessThanOrEqual(2048);
  });

  test('the picker before interactive (page HTML + its scripts, preloads and CSS + the picker chunk) is at most 16,384 bytes as sent', async () => {
    const page = await getWire(`${srv.url}/widget/?account=demo`, BROWSER);
    expect(page.status).toBe(200);
    const html = page.decoded().toString('utf8');
    const linked = [...html.matchAll(/(?:src|href)="(\/widget\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    const manifest = JSON.parse(readFileSync(join(DIST, 'widget/.vite/manifest.json'), 'utf8')) as Manifest;
    const picker = jsFor(manifest, ['index.html', 'app/picker/view.tsx']).map((f) => `/${f}`);
    const css = [manifest['index.html']!, manifest['app/picker/view.tsx']!].flatMap((e) => e.css ?? []).map((f) => `/widget/${f}`);
    const urls = [...new Set([...linked, ...picker, ...css])];
    expect(urls.some((u) => u.endsWith('.css'))).toBe(true);
    expect(urls.filter((u) => u.endsWith('.js')).length).toBeGreaterThanOrEqual(2);
    const sizes: Record<string, number> = { html: page.wire.length };
    for (const u of urls) {
      const res = await getWire(`${srv.url}${u}`, BROWSER);
      expect(res.status, u).toBe(200);
      sizes[u] = res.wire.length;
    }
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    expect(total, JSON.stringify(sizes)).toBeLessThanOrEqual(16384);
  });
});

describe('size budgets', () => {
  test('the script-tag loader is at most 2,048 bytes gzipped', () => {
    const size = gz('embed/embed.js');
    expect(size).toBeGreaterThan(500); // it is the real loader, not an empty file
    expect(size).toBeLessThanOrEqual(2048);
  });

  test("the picker view's JavaScript (runtime + shell + picker chunk) is at most 16,384 bytes gzipped", () => {
    const manifest = JSON.parse(readFileSync(join(DIST, 'widget/.vite/manifest.json'), 'utf8')) as Manifest;
    const files = jsFor(manifest, ['index.html', 'app/picker/view.tsx']);
    const total = files.reduce((sum, f) => sum + gz(f), 0);
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(total, files.join(', ')).toBeLessThanOrEqual(16384);
  });

  test('every view is its own chunk, loaded lazily by the shell', () => {
    const manifest = JSON.parse(readFileSync(join(DIST, 'widget/.vite/manifest.json'), 'utf8')) as Manifest & Record<string, { dynamicImports?: string[] }>;
    expect(manifest['index.html']!.dynamicImports).toEqual(expect.arrayContaining(['app/picker/view.tsx', 'app/status/view.tsx', 'app/result/view.tsx', 'app/orders/view.tsx']));
    expect(manifest['candidate.html']).toBeDefined();
  });

  test('the npm build ships ESM with its type declarations', () => {
    expect(readFileSync(join(DIST, 'embed/index.js'), 'utf8')).toMatch(/export\s*\{/);
    expect(readFileSync(join(DIST, 'embed/index.d.ts'), 'utf8')).toContain('export interface EventMap');
  });
});

describe('README', () => {
  test('states the gzip sizes of the loader and of the picker view as built (within 3 %)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const stated = (label: string) => Number((new RegExp(`${label}\\s+\\*\\*([\\d,]+) bytes\\*\\*`).exec(readme)?.[1] ?? 'NaN').replace(/,/g, ''));
    const manifest = JSON.parse(readFileSync(join(DIST, 'widget/.vite/manifest.json'), 'utf8')) as Manifest;
    const picker = jsFor(manifest, ['index.html', 'app/picker/view.tsx']).reduce((sum, f) => sum + gz(f), 0);
    const loader = gz('embed/embed.js');
    expect(Math.abs(stated('loader') - loader) / loader, `README says ${stated('loader')}, built ${loader}`).toBeLessThanOrEqual(0.03);
    expect(Math.abs(stated('runtime') - picker) / picker, `README says ${stated('runtime')}, built ${picker}`).toBeLessThanOrEqual(0.03);
  });
});
