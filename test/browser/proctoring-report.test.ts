// Proctoring and the report in Chromium (issue 15, items 4 and 5): the candidate reads the notice on the
// intro page, leaves the test window twice and pastes into an answer; the hiring manager's report then
// says so ("left the test window twice, … in total; pasted into an answer once"), explains each score in
// plain words with interviewer questions, has no axe violations in light or dark, and prints on A4
// without the dashboard's chrome.
//
// Headless Chromium keeps every tab "visible" and focused, whatever is in front, so leaving the window is
// played by the page's own signals: document.visibilityState/hasFocus report hidden, and the browser's
// visibilitychange and blur events are dispatched, then reversed — the page's real listeners do the rest.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inviteToken, mails, until } from '../helpers/candidate.ts';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { answerAll, finishTestWithMouse, freePort, openReport, submitWithMouse } from './candidate-helpers.ts';
import { expectAccessible, launchChromium } from './helpers.ts';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  [server, browser] = await Promise.all([startServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } }), launchChromium()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The page goes to the background (or loses focus) until at least `ms` have passed on its own clock, then comes back. */
async function leaveWindow(page: Page, ms: number) {
  const t0 = await page.evaluate(() => {
    const w = window as unknown as { __away: boolean };
    w.__away = true;
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (w.__away ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hasFocus', { configurable: true, value: () => !w.__away });
    window.dispatchEvent(new Event('blur'));
    document.dispatchEvent(new Event('visibilitychange'));
    return performance.now();
  });
  await until(() => page.evaluate(() => performance.now()), (t) => t - t0 >= ms, 10_000, 'time away');
  await page.evaluate(() => {
    (window as unknown as { __away: boolean }).__away = false;
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('focus'));
  });
}

describe('proctoring → report', () => {
  test('a candidate who leaves the window and pastes; the report says so, reads well and prints on A4', async () => {
    const claims = { application: { id: 'app-proctor' }, candidate: { id: 'cand-proctor', email: 'pat.proctor@example.com', first_name: 'Pat', last_name: 'Proctor' } };
    const order = (await api(server.url, await sessionToken(server.url, server.demo, { claims })).post('/api/orders', { package_id: 'numerical-reasoning' })).body.order as { id: string };
    const [mail] = await until(() => mails(server.dataDir, order.id), (m) => m.length === 1, 20_000, 'the invitation');
    const token = inviteToken(mail!)!;

    const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const cand = await ctx.newPage();
    const sent: string[] = [];
    cand.on('request', (r) => void (r.url().endsWith('/api/candidate/proctoring') && sent.push(r.postData() ?? '')));
    await cand.goto(`${server.url}/t/${token}`);
    // The notice on the intro page, before anything is recorded.
    await cand.getByText(/loses focus \(and for how long\), when something is pasted into an answer \(not what\), and how long you spend on each question/).waitFor();
    await cand.getByRole('button', { name: 'Start', exact: true }).click();
    await cand.getByRole('timer').waitFor();

    // First question: a typed answer, pasted in with the keyboard.
    const field = cand.locator('.c-question input[type=text], .c-question input:not([type]), .c-question input[inputmode]').first();
    await field.waitFor();
    await cand.evaluate(() => navigator.clipboard.writeText('68'));
    await field.focus();
    await cand.keyboard.press('Control+V');
    await expect.poll(() => field.inputValue()).toBe('68');
    await field.blur();

    await leaveWindow(cand, 1500);
    await cand.getByRole('button', { name: 'Next', exact: true }).click();
    await leaveWindow(cand, 600);
    await answerAll(cand);
    await finishTestWithMouse(cand);
    await cand.getByRole('button', { name: 'Start test 2 of 2' }).click();
    await cand.getByRole('timer').waitFor();
    await answerAll(cand);
    // Both departures and the paste have reached the server before the candidate submits.
    await until(() => query<{ kind: string }>(server, 'SELECT kind FROM proctoring_events WHERE order_id = ?', order.id), (rows) => rows.filter((r) => r.kind !== 'question').length === 3, 15_000, 'the recorded events');
    await submitWithMouse(cand);

    // What was sent: kinds, question ids and durations only — never the pasted text or anything about the device.
    const sentEvents = sent.flatMap((b) => (JSON.parse(b) as { events: Record<string, unknown>[] }).events);
    expect(sentEvents.length).toBeGreaterThan(3);
    for (const e of sentEvents) {
      expect(Object.keys(e).every((k) => ['kind', 'question_id', 'duration_ms'].includes(k)), JSON.stringify(e)).toBe(true);
      expect(Object.values(e)).not.toContain('68');
    }
    expect(sent.join('\n')).not.toMatch(/userAgent|screen|Mozilla|clipboard/i);
    const rows = query<{ kind: string; question_id: string | null; duration_ms: number }>(server, 'SELECT kind, question_id, duration_ms FROM proctoring_events WHERE order_id = ? ORDER BY seq', order.id);
    const left = rows.filter((r) => r.kind === 'left');
    expect(left).toHaveLength(2);
    expect(left[0]!.duration_ms).toBeGreaterThanOrEqual(1500);
    expect(left[1]!.duration_ms).toBeGreaterThanOrEqual(600);
    expect(rows.filter((r) => r.kind === 'paste')).toEqual([{ kind: 'paste', question_id: 'nr-discount', duration_ms: 0 }]);
    expect(rows.some((r) => r.kind === 'question' && r.question_id === 'nr-discount' && r.duration_ms > 0)).toBe(true);
    const leftSeconds = Math.round(left.reduce((s, r) => s + r.duration_ms, 0) / 1000);

    // The hiring manager opens the report.
    const manager = await ctx.newPage();
    await openReport(manager, server.url, server.demo.user, order.id);
    expect(await manager.getByTestId('proctoring-summary').textContent()).toBe(`The candidate left the test window twice, ${leftSeconds} s in total; pasted into an answer once.`);
    // Plain words per test for its level, the group comparison, and questions for the interview.
    const tests = manager.locator('.tests > li');
    expect(await tests.count()).toBe(2);
    for (const li of await tests.all()) {
      expect(await li.locator('.level').textContent()).toMatch(/^(Low|Middle|High)$/);
      expect((await li.locator('.meaning').textContent())!.length).toBeGreaterThan(40);
      expect(await li.textContent()).toMatch(/\d+ of \d+ answered · time spent \d/);
    }
    expect(await manager.getByTestId('percentile').textContent()).toMatch(/not enough data yet \(1 candidate took this assessment on your account; a percentile needs at least 30\)/);
    expect(await manager.getByRole('heading', { name: 'Questions for the interview' }).count()).toBe(1);
    expect(await manager.locator('.questions li').count()).toBe(4);

    await expectAccessible(manager, 'report (light)');
    await manager.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(manager, 'report (dark)');

    // Printing: A4, no dashboard bar, no page wider than the paper.
    await manager.emulateMedia({ media: 'print', colorScheme: 'light' });
    expect(await manager.locator('header.top').isVisible()).toBe(false);
    expect(await manager.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
    const pdf = await manager.pdf({ format: 'A4', preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(3);
    expect(pdf.toString("latin1")).toMatch(/\/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]/); // A4 in points (210 × 297 mm)
    await ctx.close();
  });
});
