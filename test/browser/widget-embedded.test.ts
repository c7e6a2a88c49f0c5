// The recruiter's widget as an ATS shows it: an integrator's page on another origin, under the strict
// CSP of the embed issue, mounting views from `{ view, context }` alone. Tooltips that do not move the
// page, the result row of seed 001, cancel with confirmation and Undo, a refusal known before Send.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync } from 'node:fs';
import { inviteToken, mails, until } from '../helpers/candidate.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { apiCall, apiSession, describeViolations, freshCandidate, launchChromium, mintContext, runAxe, startHost, strictCsp, type ContextClaims, type HostServer } from './helpers.ts';

let server: RunningServer;
let host: HostServer;
let browser: Browser;
const people = new Map<string, ReturnType<typeof freshCandidate>>();

type OrderJson = { id: string; package_name: string; status: string };

beforeAll(async () => {
  [server, browser, host] = await Promise.all([startServer(), launchChromium(), startHost()]);
  host.script(
    '/probe.js',
    `window.events = [];
window.record = function (e) { events.push({ type: e.type, payload: e.payload }); };`,
  );
  // The integrator's backend: a fresh context per call for the candidate named `who`.
  host.route('/ctx', async (req, res) => {
    const q = new URL(req.url!, host.url).searchParams;
    const who = q.get('who')!;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ context: await mintContext(server.demo, person(who)) }));
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), host?.stop()]);
});

/** One candidate per name; `nomail-…` names have no e-mail address in the ATS. */
function person(who: string): ContextClaims {
  if (!people.has(who)) {
    const p = freshCandidate(who);
    if (who.startsWith('nomail')) delete (p.candidate as { email?: string }).email;
    people.set(who, p);
  }
  return people.get(who)!;
}

/** Orders a package for `who` over HTTP, as another recruiter would have done earlier. */
async function arrangeOrder(who: string): Promise<OrderJson> {
  const token = await apiSession(server.url, await mintContext(server.demo, person(who)));
  const { packages } = await apiCall<{ packages: { id: string }[] }>(server.url, token, 'GET', '/api/packages');
  return (await apiCall<{ order: OrderJson }>(server.url, token, 'POST', '/api/orders', { package_id: packages[0]!.id })).order;
}

/** Marks the order completed with `score` %, written into the server's database as submission would leave it. */
function completeWithScore(orderId: string, score: number) {
  const db = new Database(join(server.dataDir, 'assay.db'), { timeout: 5000 });
  try {
    const done = new Date().toISOString();
    db.prepare(`UPDATE orders SET status = 'completed', started_at = ?, completed_at = ? WHERE id = ?`).run(done, done, orderId);
    db.prepare(`INSERT INTO results (order_id, account_id, score, max_score, details, completed_at) VALUES (?, ?, ?, 100, '{}', ?)`).run(orderId, server.demo.account_id, score, done);
  } finally {
    db.close();
  }
}

/** An integrator page: a heading of its own, the widget, and a paragraph after it. */
async function mountOn(name: string, view: string, who: string, width = 640, clock = false): Promise<{ page: Page; frame: Frame }> {
  host.script(`/${name}.js`, `Assay('mount', '#w', { view: '${view}', theme: 'light', context: { url: '/ctx?who=${who}' }, on: { '*': record } });`);
  host.page(
    `/${name}.html`,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ATS</title><script src="/probe.js"></script></head>
<body><h2>Assessments</h2><div id="w"></div><p id="after">Notes about the candidate</p>
<script src="${server.url}/embed.js"></script><script src="/${name}.js"></script></body></html>`,
    strictCsp(server.url),
  );
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  // A controlled clock where a test must get past a timer (Undo's few seconds) without waiting.
  if (clock) await page.clock.install();
  await page.goto(`${host.url}/${name}.html`);
  await page.waitForFunction(() => (window as unknown as { events: { type: string }[] }).events.some((e) => e.type === 'ready'), null, { timeout: 20_000, polling: 100 });
  const frame = (await (await page.waitForSelector('#w iframe')).contentFrame())!;
  return { page, frame };
}

/** Waits until the iframe's height matches its content (the loader applied the last resize). */
async function settled(page: Page, frame: Frame): Promise<number> {
  let last = -1;
  return until(
    async () => {
      const outer = await page.evaluate(() => document.querySelector('#w iframe')!.getBoundingClientRect().height);
      const inner = await frame.evaluate(() => Math.ceil(document.getElementById('assay-root')!.getBoundingClientRect().height));
      const stable = outer === last && Math.abs(outer - inner) <= 2;
      last = outer;
      return stable ? outer : 0;
    },
    (h) => h > 0,
    20_000,
    'the frame to settle',
  );
}

/** Where everything outside the tooltip is: the host's paragraph and every element in the frame. */
async function layout(page: Page, frame: Frame) {
  const after = await page.evaluate(() => document.getElementById('after')!.getBoundingClientRect().top);
  const frameHeight = await page.evaluate(() => document.querySelector('#w iframe')!.getBoundingClientRect().height);
  const inside = await frame.evaluate(() =>
    [...document.querySelectorAll('#assay-root *')]
      .filter((el) => !el.closest('[role="tooltip"]'))
      .map((el) => {
        const r = el.getBoundingClientRect();
        return [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)].join(',');
      }),
  );
  return { after, frameHeight, inside };
}

/** Moves the real mouse over the element's centre, as a person would. */
async function pointAt(page: Page, el: { boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null> }) {
  const b = (await el.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 3 });
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { events: { type: string; payload: Record<string, unknown> }[] }).events);

describe('the widget inside an ATS page', () => {
  test('hovering or Tab-focusing a status badge opens a tooltip over the content: the frame and the page do not move', async () => {
    const order = await arrangeOrder('tip');
    const { page, frame } = await mountOn('tip', 'status', 'tip', 640, true);
    const badge = frame.getByRole('button', { name: 'Pending' });
    await badge.waitFor({ timeout: 20_000 });
    await settled(page, frame);
    const before = await layout(page, frame);
    // No second "Assessments" heading under the host's own (it stays for screen readers only).
    expect(await frame.getByRole('heading', { name: 'Assessments' }).evaluate((h) => h.getBoundingClientRect().width)).toBeLessThanOrEqual(1);
    const tip = frame.locator(`#${await badge.getAttribute('aria-describedby')}`);

    await pointAt(page, badge);
    await tip.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await tip.textContent()).toContain('Created');
    expect(await layout(page, frame)).toEqual(before);
    // Pointing elsewhere in the frame closes it (Escape needs keyboard focus in the frame: the next step).
    const f = (await page.locator('#w iframe').boundingBox())!;
    await page.mouse.move(f.x + f.width - 4, f.y + f.height - 4, { steps: 3 });
    await tip.waitFor({ state: 'hidden', timeout: 10_000 });

    await page.locator('body').click({ position: { x: 1, y: 1 } });
    await page.keyboard.press('Tab');
    await until(() => badge.evaluate((el) => el === document.activeElement), Boolean, 10_000, 'the badge to have focus');
    await tip.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await layout(page, frame)).toEqual(before);
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'hidden', timeout: 10_000 });

    // Focus the widget moves itself does not open it: cancel from the keyboard, let Undo time out,
    // and focus lands on the row's badge with its tooltip closed.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await frame.getByRole('button', { name: `Cancel ${order.package_name}` }).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    const yes = frame.getByRole('button', { name: 'Yes, cancel' });
    await until(() => yes.evaluate((el) => el === document.activeElement).catch(() => false), Boolean, 10_000, '"Yes, cancel" to have focus');
    await page.keyboard.press('Enter');
    const undo = frame.getByRole('button', { name: `Undo cancelling ${order.package_name}` });
    await until(() => undo.evaluate((el) => el === document.activeElement).catch(() => false), Boolean, 10_000, 'Undo to have focus');
    await page.clock.fastForward(9000);
    await undo.waitFor({ state: 'detached', timeout: 10_000 });
    const cancelled = frame.getByRole('button', { name: 'Cancelled' });
    await until(() => cancelled.evaluate((el) => el === document.activeElement).catch(() => false), Boolean, 10_000, 'the badge to have focus');
    const cancelledTip = frame.locator(`#${await cancelled.getAttribute('aria-describedby')}`);
    expect(await cancelledTip.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.querySelector('#w iframe')!.getBoundingClientRect().height)).toBe(before.frameHeight);
    await page.close();
  });

  test('a result row shows the percentage beside the package name, the status in its tooltip, and Open', async () => {
    const order = await arrangeOrder('result');
    completeWithScore(order.id, 22);
    const { page, frame } = await mountOn('result', 'result', 'result');
    const row = frame.getByRole('article');
    await row.waitFor({ timeout: 20_000 });
    const name = row.getByRole('heading', { name: order.package_name });
    const score = row.getByRole('button', { name: `Score of ${order.package_name}: 22%` });
    expect(await score.textContent()).toBe('22%');
    // Beside the name: on the same line, right after it.
    const [n, s] = [(await name.boundingBox())!, (await score.boundingBox())!];
    expect(Math.abs(n.y + n.height / 2 - (s.y + s.height / 2))).toBeLessThan(6);
    expect(s.x - (n.x + n.width)).toBeGreaterThanOrEqual(0);
    expect(s.x - (n.x + n.width)).toBeLessThan(40);
    const before = await layout(page, frame);
    await pointAt(page, score);
    const tip = frame.locator(`#${await score.getAttribute('aria-describedby')}`);
    await tip.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await tip.textContent()).toContain('Completed');
    expect(await tip.textContent()).toContain('Score 22%');
    expect(await layout(page, frame)).toEqual(before);
    expect(await row.getByRole('link', { name: /^Open/ }).getAttribute('href')).toMatch(new RegExp(`/report/${order.id}$`));
    await page.close();
  });

  test('cancel asks first, and Undo restores the order and the candidate’s link', async () => {
    const order = await arrangeOrder('undo');
    const token = await until(() => mails(server.dataDir).map(inviteToken).find((t) => t && mails(server.dataDir).some((m) => m.includes(t) && m.includes(person('undo').candidate!.email!))), Boolean, 20_000, 'the invitation mail');
    const link = (path = '/attempt') => fetch(`${server.url}/api/candidate${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await link()).toBe(200);

    const { page, frame } = await mountOn('undo', 'status', 'undo');
    await frame.getByRole('button', { name: `Cancel ${order.package_name}` }).click();
    // Nothing happens before the confirmation.
    const confirm = frame.getByRole('button', { name: 'Yes, cancel' });
    await confirm.waitFor({ timeout: 10_000 });
    expect(await link()).toBe(200);
    await confirm.click();
    await until(() => events(page).then((e) => e.filter((x) => x.type === 'order.updated')), (e) => e.length >= 1, 20_000, 'order.updated');
    expect(await link()).toBe(410);
    const undo = frame.getByRole('button', { name: `Undo cancelling ${order.package_name}` });
    await undo.waitFor({ timeout: 10_000 });
    // Focus went to Undo, so a keyboard user can take it back at once.
    expect(await undo.evaluate((el) => el === document.activeElement)).toBe(true);
    await undo.click();
    await frame.getByRole('button', { name: 'Pending' }).waitFor({ timeout: 20_000 });
    expect(await link()).toBe(200);
    const updates = (await events(page)).filter((e) => e.type === 'order.updated').map((e) => [e.payload.status, e.payload.previous_status]);
    expect(updates).toEqual([
      ['cancelled', 'pending'],
      ['pending', 'cancelled'],
    ]);
    // The server agrees.
    const session = await apiSession(server.url, await mintContext(server.demo, person('undo')));
    expect((await apiCall<{ order: OrderJson }>(server.url, session, 'GET', `/api/orders/${order.id}`)).order.status).toBe('pending');
    await page.close();
  });

  test('a candidate without a usable e-mail: the picker says so at once and Send stays disabled', async () => {
    const { page, frame } = await mountOn('nomail', 'picker', 'nomail-1');
    const refusal = frame.getByText('This candidate has no usable e-mail address in the ATS');
    await refusal.waitFor({ timeout: 20_000 });
    await frame.getByRole('option').first().click();
    expect(await frame.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    // Focus starts in the search box, which says what to type.
    const search = frame.getByRole('searchbox', { name: 'Search packages' });
    expect(await search.getAttribute('placeholder')).toBeTruthy();
    await page.close();
  });

  // docs/screenshots/*.png are these renders: a host page in the given scheme, the widget framed in it.
  test('screenshots for docs/: picker, status and result, light and dark, 360 and 1280 px, each without axe violations', async () => {
    const who = 'shots';
    const order = await arrangeOrder(who);
    await arrangeOrder(who).catch(() => undefined);
    completeWithScore(order.id, 81);
    const dir = join(ROOT, 'docs/screenshots');
    mkdirSync(dir, { recursive: true });
    host.route('/shots.css', (_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/css' })
        .end('body{font:14px system-ui,sans-serif;margin:16px;color-scheme:light dark} @media (prefers-color-scheme: dark){body{background:#0d1117;color:#e6edf3}} .card{border:1px solid #8c959f;border-radius:8px;padding:8px 12px}');
    });
    for (const view of ['picker', 'status', 'result']) {
      host.script(`/shots-${view}.js`, `Assay('mount', '#w', { view: '${view}', context: { url: '/ctx?who=${who}' }, on: { '*': record } });`);
      host.page(
        `/shots-${view}.html`,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ATS</title><link rel="stylesheet" href="/shots.css"><script src="/probe.js"></script></head>
<body><main><h1>Ada Lovelace</h1><section class="card"><h2>Assessments</h2><div id="w"></div></section></main>
<script src="${server.url}/embed.js"></script><script src="/shots-${view}.js"></script></body></html>`,
        strictCsp(server.url),
      );
      for (const scheme of ['light', 'dark'] as const) {
        for (const width of [360, 1280]) {
          const page = await browser.newPage({ viewport: { width, height: 720 }, colorScheme: scheme });
          await page.goto(`${host.url}/shots-${view}.html`);
          await page.waitForFunction(() => (window as unknown as { events: { type: string }[] }).events.some((e) => e.type === 'ready'), null, { timeout: 20_000, polling: 100 });
          const frame = (await (await page.waitForSelector('#w iframe')).contentFrame())!;
          await frame.locator(view === 'picker' ? '[role="option"]' : view === 'status' ? '.assay-badge' : 'article').first().waitFor({ timeout: 20_000 });
          await settled(page, frame);
          // The frame follows the host's colour scheme.
          expect(await frame.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(scheme === 'dark');
          await page.screenshot({ path: join(dir, `${view}-${scheme}-${width}.png`), fullPage: true });
          // axe cannot look through a cross-origin frame at what shows behind it, and takes a transparent
          // page as white: give the frame's canvas the host colour that is really behind it, then check.
          const behind = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
          await frame.evaluate((bg) => document.documentElement.style.setProperty('--assay-canvas', bg), behind === 'rgba(0, 0, 0, 0)' ? '#ffffff' : behind);
          const violations = [...(await runAxe(page)), ...(await runAxe(frame))];
          expect(violations, `${view} ${scheme} ${width}:\n${describeViolations(violations)}`).toEqual([]);
          await page.close();
        }
      }
    }
  }, 240_000);
});
