// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"disableIframePageLoading":true}}
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { readContext, refreshDelay } from '../../widget/embed/context-source.ts';
import { mount, scan } from '../../widget/embed/index.ts';

const jwt = (payload: object) => `eyJhbGciOiJIUzI1NiJ9.${btoa(JSON.stringify(payload)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.sig`;

// happy-dom reports every iframe it was told not to load; that is expected here.
beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => {}));

afterEach(() => {
  vi.restoreAllMocks();
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
});

describe('embed loader (no network)', () => {
  test('the iframe URL names view, account, instance, parent and theme, never the context', async () => {
    document.body.innerHTML = '<div id="w"></div>';
    const token = jwt({ exp: Math.floor(Date.now() / 1000) + 600 });
    const handle = mount('#w', { view: 'result', account: 'demo', theme: 'dark', locale: 'nl', context: token }, 'https://assay.test');
    await vi.waitUntil(() => handle.iframe.src);
    const url = new URL(handle.iframe.src);
    expect(url.origin + url.pathname).toBe('https://assay.test/widget/');
    expect(Object.fromEntries(url.searchParams)).toEqual({ view: 'result', account: 'demo', instance: handle.id, parent: location.origin, theme: 'dark', locale: 'nl' });
    expect(handle.iframe.src).not.toContain(token);
    expect(handle.iframe.title).toBe('Assay');
    expect(handle.iframe.style.visibility).toBe('hidden');
    handle.destroy();
    expect(document.querySelector('iframe')).toBeNull();
  });

  test('instances get distinct ids; the origin option serves the npm module, the script origin wins over it', async () => {
    document.body.innerHTML = '<div id="a"></div><div id="b"></div>';
    const a = mount('#a', { account: 'demo', context: 'x.y.z', origin: 'https://evil.test' }, 'https://assay.test');
    const b = mount(document.getElementById('b')!, { account: 'demo', context: 'x.y.z', origin: 'https://eu.assay.test/ignored/path' });
    expect(a.id).not.toBe(b.id);
    await vi.waitUntil(() => a.iframe.src && b.iframe.src);
    expect(new URL(a.iframe.src).origin).toBe('https://assay.test');
    expect(new URL(b.iframe.src).origin).toBe('https://eu.assay.test');
    a.destroy();
    b.destroy();
  });

  test('a missing target or origin is a clear error', () => {
    expect(() => mount('#nope', { account: 'demo', context: 'x.y.z' }, 'https://assay.test')).toThrow('Assay: no target');
    document.body.innerHTML = '<div id="w"></div>';
    expect(() => mount('#w', { account: 'demo', context: 'x.y.z' })).toThrow('Assay: no origin');
  });

  test('scan mounts each data-assay-view element once, at the script origin whatever data-assay-origin says', async () => {
    document.body.innerHTML = '<div data-assay-view="status" data-assay-account="demo" data-assay-origin="https://evil.test" data-assay-context="/ctx"></div>';
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ context: 'a.b.c' })));
    expect(scan(document, 'https://assay.test')).toHaveLength(1);
    expect(scan(document, 'https://assay.test')).toHaveLength(0);
    expect(document.querySelectorAll('iframe')).toHaveLength(1);
    await vi.waitUntil(() => document.querySelector('iframe')!.src);
    const url = new URL(document.querySelector('iframe')!.src);
    expect(url.searchParams.get('view')).toBe('status');
    expect(url.origin).toBe('https://assay.test');
  });

  test("without an account the frame names the context token's issuer, so the server can pick the account", async () => {
    document.body.innerHTML = '<div id="w"></div>';
    const token = jwt({ iss: 'https://ats.example', exp: Math.floor(Date.now() / 1000) + 600 });
    const handle = mount('#w', { view: 'status', context: () => Promise.resolve(token) }, 'https://assay.test');
    await vi.waitUntil(() => handle.iframe.src);
    const q = new URL(handle.iframe.src).searchParams;
    expect(q.get('iss')).toBe('https://ats.example');
    expect(q.has('account')).toBe(false);
    expect(handle.iframe.src).not.toContain(token);
    handle.destroy();
  });
});

describe('context sources', () => {
  test('a token is used as is; a URL answers with text or JSON; a function may be async', async () => {
    expect(await readContext('aaa.bbb.ccc')).toBe('aaa.bbb.ccc');
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      seen.push(url);
      return url.endsWith('json') ? new Response('{"context":"from.json.url"}') : new Response('from.text.url\n');
    });
    expect(await readContext('/ctx.json')).toBe('from.json.url');
    expect(await readContext({ url: '/ctx.txt' })).toBe('from.text.url');
    expect(seen).toEqual(['/ctx.json', '/ctx.txt']);
    expect(await readContext(async () => 'from.a.function')).toBe('from.a.function');
  });

  test('a failing URL rejects', async () => {
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 403 }));
    await expect(readContext('/ctx')).rejects.toThrow('HTTP 403');
  });

  test('the next token is fetched a minute (or a fifth of the lifetime) before exp', () => {
    const now = 1_700_000_000_000;
    expect(refreshDelay(jwt({ exp: now / 1000 + 900 }), now)).toBe(840_000);
    expect(refreshDelay(jwt({ exp: now / 1000 + 100 }), now)).toBe(80_000);
    expect(refreshDelay(jwt({ exp: now / 1000 + 2 }), now)).toBe(5_000);
    expect(refreshDelay(jwt({ sub: 'no exp' }), now)).toBe(0);
    expect(refreshDelay('not-a-jwt', now)).toBe(0);
  });
});
