// 5. Widget speed in Chromium: from inserting the loader's script tag on an integrator's page (another
// loopback origin) to the picker being interactive (its package list rendered inside the iframe);
// candidate mode (/t/<token>) first paint likewise.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, startHost, strictCsp } from '../test/browser/helpers.ts';
import { call, mintContext, openSession, person, startAssay } from './lib/assay.ts';
import { ensureBuilt, log, median, percentile, sleep, table, type BenchOptions, type BenchResult, type Figure } from './lib/common.ts';

const INTERACTIVE_GOAL_MS = 200;

// In every frame, before any of its scripts: note when the picker's first package option appears.
// Times are absolute (timeOrigin + now), comparable between the host page and the iframe.
const WATCH = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  if (location.pathname.startsWith('/widget')) {
    const seen = () => {
      if (window.__interactiveAt) return true;
      if (document.querySelector('[role="listbox"] [role="option"]')) { window.__interactiveAt = now(); return true; }
      return false;
    };
    const start = () => {
      if (seen()) return;
      const mo = new MutationObserver(() => { if (seen()) mo.disconnect(); });
      mo.observe(document.documentElement, { childList: true, subtree: true });
    };
    if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
  }
})();`;

// The integrator's snippet (docs/embedding.md), as a function the benchmark calls at t0.
const INSERT = `window.__insert = function (assay, ctxUrl) {
  window.__t0 = performance.timeOrigin + performance.now();
  (function (w, d, src) {
    if (w.Assay) return;
    var a = (w.Assay = function () { a.q.push(arguments); });
    a.q = [];
    var s = d.createElement('script');
    s.async = true;
    s.src = src;
    d.head.appendChild(s);
  })(window, document, assay + '/embed.js');
  Assay('mount', '#assay', { view: 'picker', account: 'demo', context: { url: ctxUrl } });
};`;

declare global {
  interface Window {
    __interactiveAt?: number;
    __t0?: number;
    __insert?: (assay: string, ctxUrl: string) => void;
  }
}

export async function runBrowser(opts: BenchOptions): Promise<{ result: BenchResult; chromium: string }> {
  const t0 = Date.now();
  const tiny = opts.size === 'tiny';
  const RUNS = tiny ? 2 : 20;
  await ensureBuilt();
  const [server, host, browser] = await Promise.all([startAssay(), startHost(), launchChromium()]);
  const chromium = browser.version();
  try {
    // The integrator's backend: a fresh context token per call.
    host.route('/ctx', async (req, res) => {
      const who = new URL(req.url!, host.url).searchParams.get('who') ?? 'x';
      const context = await mintContext(server.demo, person(who));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ context }));
    });
    host.script('/insert.js', INSERT);
    host.page(
      '/ats.html',
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Candidate profile</title><script src="/insert.js"></script></head>
<body><h1>Ada Lovelace</h1><div id="assay"></div></body></html>`,
      strictCsp(server.url),
    );

    type Hop = { name: string; start: number; end: number };
    let waterfall: { total: number; hops: Hop[] }[] = [];
    const measurePicker = async (ctx: BrowserContext, i: number, keep = false): Promise<number> => {
      const page = await ctx.newPage();
      try {
        await page.goto(`${host.url}/ats.html`, { waitUntil: 'load' });
        await page.evaluate(([assay, ctxUrl]) => window.__insert!(assay!, ctxUrl!), [server.url, `/ctx?who=run${i}`]);
        const handle = await page.waitForSelector('#assay iframe', { state: 'attached', timeout: 20_000 });
        const frame = (await handle.contentFrame())!;
        await frame.waitForFunction(() => window.__interactiveAt !== undefined, undefined, { timeout: 20_000, polling: 50 });
        const at = await frame.evaluate(() => window.__interactiveAt!);
        const start = await page.evaluate(() => window.__t0!);
        if (keep) {
          // Where the time went: every request of the host page and of the iframe, relative to t0.
          const entries = async (f: typeof frame | typeof page) =>
            f.evaluate(() => performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + (e as PerformanceResourceTiming).responseEnd })));
          const nav = await frame.evaluate(() => {
            const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
            return n ? [{ name: location.href.split('?')[0]!, start: performance.timeOrigin + n.startTime, end: performance.timeOrigin + n.responseEnd }] : [];
          });
          const hops = [...(await entries(page)), ...nav, ...(await entries(frame))]
            .filter((h) => h.end >= start)
            .map((h) => ({ name: h.name.replace(server.url, '').replace(host.url, 'host:').replace(/\?.*$/, ''), start: h.start - start, end: h.end - start }))
            .sort((a, b) => a.start - b.start);
          waterfall.push({ total: at - start, hops });
        }
        return at - start;
      } finally {
        await page.close();
      }
    };

    // Cold: a fresh browser context per run (empty HTTP cache, new connections).
    log(`browser: script tag → picker interactive, ${RUNS} cold runs`);
    const cold: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext();
      await ctx.addInitScript(WATCH);
      try {
        cold.push(await measurePicker(ctx, i, true));
      } finally {
        await ctx.close();
      }
    }
    // Warm: one context, so the loader and widget assets come from the HTTP cache after the first run.
    log(`browser: script tag → picker interactive, ${RUNS} warm runs`);
    const warm: number[] = [];
    {
      const ctx = await browser.newContext();
      await ctx.addInitScript(WATCH);
      try {
        await measurePicker(ctx, 999);
        for (let i = 0; i < RUNS; i++) warm.push(await measurePicker(ctx, 1000 + i));
      } finally {
        await ctx.close();
      }
    }

    // Candidate mode: an order placed through the widget API, its invitation link from the .eml file.
    log('browser: candidate mode first paint');
    const token = await openSession(server.url, await mintContext(server.demo, person('candidate')));
    const { packages } = await call<{ packages: { id: string }[] }>(server.url, token, 'GET', '/api/packages');
    await call(server.url, token, 'POST', '/api/orders', { package_id: packages[0]!.id });
    const link = await invitationLink(server.dataDir);
    const candidateUrl = server.url + new URL(link).pathname;
    const paints: { fp: number; fcp: number; status: number; title: string }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext();
      try {
        const page = await ctx.newPage();
        const res = await page.goto(candidateUrl, { waitUntil: 'load' });
        const p = await page.waitForFunction(
          () => {
            const e = performance.getEntriesByType('paint');
            const fcp = e.find((x) => x.name === 'first-contentful-paint');
            const fp = e.find((x) => x.name === 'first-paint');
            return fcp ? { fp: fp?.startTime ?? fcp.startTime, fcp: fcp.startTime } : null;
          },
          undefined,
          { timeout: 10_000, polling: 50 },
        );
        paints.push({ ...((await p.jsonValue()) as { fp: number; fcp: number }), status: res?.status() ?? 0, title: await page.title() });
      } finally {
        await ctx.close();
      }
    }
    const pageNote = await describeCandidatePage(browser, candidateUrl);

    const mid = median(cold);
    const typical = [...waterfall].sort((a, b) => Math.abs(a.total - mid) - Math.abs(b.total - mid))[0];
    const row = (label: string, xs: number[], goal = '') => [label, xs.length, `${median(xs).toFixed(0)} ms`, `${percentile(xs, 90).toFixed(0)} ms`, `${Math.min(...xs).toFixed(0)} ms`, `${Math.max(...xs).toFixed(0)} ms`, goal];
    const fcp = paints.map((p) => p.fcp);
    const figures: Figure[] = [
      {
        key: 'browser.picker.cold',
        label: 'Script tag → picker interactive (packages listed), cold cache, median',
        value: median(cold),
        unit: 'ms',
        text: `median ${median(cold).toFixed(0)} ms, p90 ${percentile(cold, 90).toFixed(0)} ms`,
        goal: { op: '<=', value: INTERACTIVE_GOAL_MS, text: '≤ 200 ms median' },
      },
      { key: 'browser.picker.warm', label: 'Script tag → picker interactive, warm HTTP cache, median', value: median(warm), unit: 'ms', text: `median ${median(warm).toFixed(0)} ms, p90 ${percentile(warm, 90).toFixed(0)} ms` },
      { key: 'browser.candidate.fcp', label: 'Candidate mode (/t/<token>) first contentful paint, median', value: median(fcp), unit: 'ms', text: `median ${median(fcp).toFixed(0)} ms, p90 ${percentile(fcp, 90).toFixed(0)} ms` },
    ];
    const body = [
      `Headless Chromium ${chromium} (playwright-core, /usr/bin/chromium) on loopback. The integrator's page is served from \`localhost:<port>\` under a strict CSP, the BFF from \`127.0.0.1:<port>\` (another origin, as integrators have it). Each run loads the page, then at t0 runs the copy-paste snippet (inserts the \`/embed.js\` script tag and queues \`Assay('mount', …, { view: 'picker', context: { url } })\`); the loader creates the iframe, which fetches a fresh context token from the host's backend, opens a widget session and lists the packages. "Interactive" is the first \`[role=option]\` in the picker's listbox, seen by a MutationObserver in the iframe. Cold = a fresh browser context per run (empty cache, new connections); warm = one context, after a first run.`,
      '',
      table(['measure', 'runs', 'median', 'p90', 'min', 'max', 'goal'], [
        row('script tag → picker interactive, cold', cold, `≤ 200 ms median ${median(cold) <= INTERACTIVE_GOAL_MS ? '✅' : '❌'}`),
        row('script tag → picker interactive, warm cache', warm),
        row('candidate mode `/t/<token>`: first paint (navigation start →)', paints.map((p) => p.fp)),
        row('candidate mode `/t/<token>`: first contentful paint', fcp),
      ]),
      '',
      typical
        ? `<details><summary>Where the time goes: the requests of the cold run closest to the median (${typical.total.toFixed(0)} ms), relative to inserting the script tag</summary>\n\n${table(
            ['request', 'start', 'end'],
            [...typical.hops.map((h) => [h.name, `${h.start.toFixed(0)} ms`, `${h.end.toFixed(0)} ms`]), ['picker interactive (first option rendered)', '', `${typical.total.toFixed(0)} ms`]],
          )}\n\n</details>\n`
        : '',
      `Candidate page measured: HTTP ${paints[0]?.status}, title "${paints[0]?.title}". ${pageNote}`,
    ].join('\n');
    log(`browser: picker cold median ${median(cold).toFixed(0)} ms, warm ${median(warm).toFixed(0)} ms; candidate FCP ${median(fcp).toFixed(0)} ms`);
    return { result: { name: 'browser', title: 'Widget speed in Chromium', ranAt: new Date().toISOString(), size: opts.size, seconds: (Date.now() - t0) / 1000, body, figures }, chromium };
  } finally {
    await browser.close().catch(() => undefined);
    await Promise.all([server.close(), host.stop()]);
  }
}

/** Waits for the invitation e-mail (the outbox sends it) and returns its /t/ link. */
async function invitationLink(dataDir: string): Promise<string> {
  const dir = join(dataDir, 'mail');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (existsSync(dir)) {
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.eml'))) {
        const text = readFileSync(join(dir, f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        const m = /https?:\/\/[^\s"'<>]+\/t\/[A-Za-z0-9_-]+/.exec(text);
        if (m) return m[0];
      }
    }
    await sleep(100);
  }
  throw new Error(`no invitation e-mail with a /t/ link under ${dir} within 20 s`);
}

/** One line on what the candidate page is (the real test mode, or still a placeholder). */
async function describeCandidatePage(browser: Browser, url: string): Promise<string> {
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto(url, { waitUntil: 'networkidle' });
    const info = await page.evaluate(() => ({
      scripts: document.scripts.length,
      text: (document.body?.innerText ?? '').replace(/\s+/g, ' ').trim().slice(0, 140),
      buttons: document.querySelectorAll('button, a[href]').length,
    }));
    return `What it shows after loading: ${info.scripts} script(s), ${info.buttons} button(s)/link(s); text begins "${info.text}".`;
  } finally {
    await ctx.close();
  }
}
