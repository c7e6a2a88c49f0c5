// Compressed bytes over real HTTP: built files go out pre-compressed by Accept-Encoding with Vary, strong
// ETags and 304s; dynamic HTML and JSON over 1 KB are compressed on the fly; small answers are not.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { getWire } from '../helpers/wire.ts';
import { sessionToken } from '../helpers/tokens.ts';

const DIST = join(ROOT, 'dist');
let srv: RunningServer;
let entry: string;

beforeAll(async () => {
  if (!existsSync(join(DIST, 'embed/embed.js.br')) || !existsSync(join(DIST, 'widget/.vite/manifest.json'))) execSync('npm run build', { cwd: ROOT, stdio: 'ignore' });
  const manifest = JSON.parse(readFileSync(join(DIST, 'widget/.vite/manifest.json'), 'utf8')) as Record<string, { file: string }>;
  entry = manifest['index.html']!.file;
  srv = await startServer();
}, 180_000);
afterAll(() => srv?.stop());

describe('built files', () => {
  it('sends /embed.js as brotli, gzip or identity by Accept-Encoding, each the same file', async () => {
    const file = readFileSync(join(DIST, 'embed/embed.js'));
    const br = await getWire(`${srv.url}/embed.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.wire.length).toBeLessThan(file.length);
    expect(br.decoded().equals(file)).toBe(true);

    const gz = await getWire(`${srv.url}/embed.js`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.decoded().equals(file)).toBe(true);

    const plain = await getWire(`${srv.url}/embed.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.wire.equals(file)).toBe(true);
    // A client that refuses brotli gets gzip.
    expect((await getWire(`${srv.url}/embed.js`, { 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');

    // One strong validator per representation.
    const tags = [br, gz, plain].map((r) => r.headers.etag as string);
    for (const t of tags) expect(t).toMatch(/^"[^"]+"$/);
    expect(new Set(tags).size).toBe(3);
  });

  it('answers 304 with no body when the client holds the asset, and 200 when it holds another', async () => {
    const url = `${srv.url}/widget/${entry}`;
    const first = await getWire(url, { 'accept-encoding': 'br' });
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toMatch(/immutable/);
    const etag = first.headers.etag as string;
    const again = await getWire(url, { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.wire.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers.vary).toMatch(/Accept-Encoding/i);
    const other = await getWire(url, { 'accept-encoding': 'br', 'if-none-match': '"something-else"' });
    expect(other.status).toBe(200);
    expect(other.decoded().equals(readFileSync(join(DIST, 'widget', entry)))).toBe(true);
  });

  it('sends the widget page compressed, with its account CSP', async () => {
    const res = await getWire(`${srv.url}/widget/?account=demo`, { 'accept-encoding': 'br, gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors/);
    expect(res.decoded().toString('utf8')).toContain('id="assay-root"');
  });
});

describe('dynamic answers', () => {
  it('compresses /openapi.json on the fly and revalidates it by ETag', async () => {
    const gz = await getWire(`${srv.url}/openapi.json`, { 'accept-encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/Accept-Encoding/i);
    const doc = JSON.parse(gz.decoded().toString('utf8'));
    expect(doc.openapi).toBe('3.1.0');
    expect(gz.wire.length).toBeLessThan(gz.decoded().length / 4);

    const br = await getWire(`${srv.url}/openapi.json`, { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(br.decoded().toString('utf8'))).toEqual(doc);

    const etag = br.headers.etag as string;
    expect(etag).toBeTruthy();
    const cached = await getWire(`${srv.url}/openapi.json`, { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(cached.wire.length).toBe(0);
  });

  it("sends the widget's package list compressed, revalidated by ETag, and the same JSON with or without a coding", async () => {
    const auth = { authorization: `Bearer ${await sessionToken(srv.url, srv.demo)}` };
    const br = await getWire(`${srv.url}/api/packages`, { ...auth, 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers['cache-control']).toMatch(/private/);
    const list = JSON.parse(br.decoded().toString('utf8'));
    expect(list.packages.length).toBeGreaterThan(0);
    expect(br.wire.length).toBeLessThan(br.decoded().length);

    const gz = await getWire(`${srv.url}/api/packages`, { ...auth, 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gz.decoded().toString('utf8'))).toEqual(list);
    const plain = await getWire(`${srv.url}/api/packages`, auth);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.wire.toString('utf8'))).toEqual(list);

    const again = await getWire(`${srv.url}/api/packages`, { ...auth, 'accept-encoding': 'br', 'if-none-match': br.headers.etag as string });
    expect(again.status).toBe(304);
    expect(again.wire.length).toBe(0);
    // Without a session there is nothing to revalidate: the ETag alone opens nothing.
    expect((await getWire(`${srv.url}/api/packages`, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag as string })).status).toBe(401);
  });

  it('leaves small answers and clients without Accept-Encoding uncompressed', async () => {
    const small = await getWire(`${srv.url}/healthz`, { 'accept-encoding': 'br, gzip' });
    expect(small.status).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.wire.toString('utf8'))).toEqual({ ok: true });
    const plain = await getWire(`${srv.url}/openapi.json`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.wire.toString('utf8')).openapi).toBe('3.1.0');
  });

  it('keeps the one error shape, compressed or not', async () => {
    const res = await getWire(`${srv.url}/api/orders`, { 'accept-encoding': 'br, gzip' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.decoded().toString('utf8')).error.code).toBeTruthy();
  });
});
