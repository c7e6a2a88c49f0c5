// Issue 20: "axe-core: no violations on every page, light and dark; usable by keyboard alone and at 360 px".
// Every page a customer's user reaches — the login and password pages, the app's six views, the server-rendered
// report, Insights and Connect your ATS — is opened in Chromium at 1280 px and at 360 px, in light and in dark:
// axe finds nothing and nothing scrolls sideways. Then the main journey by keyboard alone: log in, move between
// the pages through the navigation, open a candidate's report.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inviteToken, mails, takeTest, until } from '../helpers/candidate.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { apiCall, apiSession, describeViolations, launchChromium, mintContext, runAxe } from './helpers.ts';

let server: RunningServer;
let browser: Browser;
let orderId: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  // One candidate with a completed result, so Candidates has a row and the report a body.
  const token = await apiSession(
    server.url,
    await mintContext(server.demo, { candidate: { id: 'cand-every', email: 'alan@example.test', first_name: 'Alan', last_name: 'Turing' }, application: { id: 'app-every' }, job: { id: 'job-every', name: 'Cryptanalyst' } }),
  );
  orderId = (await apiCall<{ order: { id: string } }>(server.url, token, 'POST', '/api/orders', { package_id: 'numerical-reasoning' })).order.id;
  const [mail] = await until(() => mails(server.dataDir, orderId), (m) => m.length > 0, 20_000, 'the invitation');
  await takeTest(server.url, inviteToken(mail!)!, 'numerical-reasoning');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Loaded: the page's heading is shown and nothing says it is still loading. */
async function settled(p: Page) {
  await p.locator('h1').first().waitFor({ timeout: 20_000 });
  await until(() => p.locator('[aria-busy="true"]').count(), (n) => n === 0, 20_000, `${p.url()} to finish loading`);
}

/** axe and the width check in both themes at both sizes; returns what failed, page by page. */
async function sweep(p: Page, where: string): Promise<string[]> {
  const found: string[] = [];
  for (const width of [1280, 360]) {
    await p.setViewportSize({ width, height: 800 });
    for (const scheme of ['light', 'dark'] as const) {
      await p.emulateMedia({ colorScheme: scheme });
      const label = `${where} at ${width} px, ${scheme}`;
      const violations = await runAxe(p);
      if (violations.length) found.push(`${label}: ${describeViolations(violations)}`);
      const scroll = await p.evaluate(() => document.documentElement.scrollWidth);
      if (scroll > width) found.push(`${label}: scrolls sideways (${scroll} px wide)`);
    }
  }
  await p.emulateMedia({ colorScheme: 'light' });
  await p.setViewportSize({ width: 1280, height: 800 });
  return found;
}

describe('every page, light and dark, at 1280 and 360 px', () => {
  test('the pages before logging in: login, forgotten password, choose a password and its dead-link answer', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    const found: string[] = [];
    await p.goto(`${server.url}/login`);
    await settled(p);
    await p.getByRole('button', { name: 'Log in' }).waitFor();
    found.push(...(await sweep(p, 'login')));
    // A wrong password: the error state.
    await p.getByLabel('E-mail address').fill(server.demo.user.email);
    await p.getByLabel('Password', { exact: true }).fill('not-the-password');
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.getByText('The e-mail address or password is not right.').waitFor();
    found.push(...(await sweep(p, 'login, wrong password')));
    await p.goto(`${server.url}/password/forgot`);
    await settled(p);
    await p.getByRole('button', { name: 'Send the link' }).waitFor();
    found.push(...(await sweep(p, 'forgot password')));
    await p.goto(`${server.url}/password#not-a-real-token-0123456789abcdef`);
    await settled(p);
    await p.getByLabel('New password').waitFor();
    found.push(...(await sweep(p, 'choose a password')));
    await p.getByLabel('New password').fill('some-password-123');
    await p.getByLabel('Repeat the password').fill('some-password-123');
    await p.getByRole('button', { name: 'Set password' }).click();
    await p.getByRole('heading', { name: 'This link does not work any more' }).waitFor();
    found.push(...(await sweep(p, 'choose a password, dead link')));
    await ctx.close();
    expect(found).toEqual([]);
  });

  test('logged in as an admin: the six app views, the report, Insights and Connect your ATS', async () => {
    const ctx: BrowserContext = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${server.url}/dashboard`);
    await p.getByLabel('E-mail address').fill(server.demo.user.email);
    await p.getByLabel('Password', { exact: true }).fill(server.demo.user.password);
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.getByRole('heading', { name: 'Candidates', level: 1 }).waitFor({ timeout: 20_000 });
    const found: string[] = [];
    const pages: Array<[string, string]> = [
      ['/dashboard/candidates', 'Candidates'],
      ['/dashboard/jobs', 'Jobs'],
      ['/dashboard/integrations', 'Integrations'],
      ['/dashboard/integrations/lever', 'Lever postings'],
      ['/dashboard/team', 'Team'],
      ['/dashboard/settings', 'Settings'],
      [`/report/${orderId}`, 'report'],
      ['/insights', 'Insights'],
      ['/connect', 'Connect your ATS'],
    ];
    for (const [path, name] of pages) {
      await p.goto(`${server.url}${path}`);
      expect(new URL(p.url()).pathname, name).toBe(path);
      await settled(p);
      if (path === '/dashboard/candidates') await p.getByRole('rowheader', { name: /Alan Turing/ }).waitFor();
      if (path.startsWith('/report/')) expect(await p.locator('h1').textContent()).toBe('Alan Turing: Numerical Reasoning');
      found.push(...(await sweep(p, name)));
    }
    await ctx.close();
    expect(found).toEqual([]);
  });
});

describe('keyboard alone', () => {
  test('log in, move through the navigation, open the report from Candidates', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await ctx.newPage();
    await p.goto(`${server.url}/dashboard`);
    await p.getByLabel('E-mail address').waitFor();
    const focused = () => p.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? `${el.tagName.toLowerCase()}:${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}` : '';
    });
    // Tab until the e-mail field has focus (the page may start with a skip link).
    await until(
      async () => (await p.keyboard.press('Tab'), await p.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)),
      (t) => t === 'email',
      10_000,
      'the e-mail field to take focus',
    );
    await p.keyboard.type(server.demo.user.email);
    await p.keyboard.press('Tab');
    await p.keyboard.type(server.demo.user.password);
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Candidates', level: 1 }).waitFor({ timeout: 20_000 });

    // The navigation by Tab and Enter: Jobs.
    await until(
      async () => (await p.keyboard.press('Tab'), await focused()),
      (f) => f === 'a:Jobs',
      10_000,
      'the Jobs link to take focus',
    );
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    expect(new URL(p.url()).pathname).toBe('/dashboard/jobs');
    expect(await p.getByRole('link', { name: 'Jobs' }).getAttribute('aria-current')).toBe('page');

    // Back to Candidates, then Tab to the candidate's report link and open it.
    await until(
      async () => (await p.keyboard.press('Shift+Tab'), await focused()),
      (f) => f === 'a:Candidates',
      10_000,
      'the Candidates link to take focus',
    );
    await p.keyboard.press('Enter');
    await p.getByRole('rowheader', { name: /Alan Turing/ }).waitFor();
    await until(
      async () => (await p.keyboard.press('Tab'), await p.evaluate(() => document.activeElement?.getAttribute('href'))),
      (h) => h === `/report/${orderId}`,
      10_000,
      'the report link to take focus',
    );
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Alan Turing: Numerical Reasoning', level: 1 }).waitFor({ timeout: 20_000 });
    await ctx.close();
  });
});
