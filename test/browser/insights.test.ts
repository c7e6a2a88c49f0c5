// The Insights view in Chromium for the demo account with a known seed: the widget view (light and
// dark, axe, tables match the seed, filters, CSV through a Blob), the dashboard page behind the login
// (axe in light and dark, CSV with the cookie), the /demo section, and docs/insights.png.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Download, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedDemo } from '../../server/accounts/create-account.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { createServices } from '../../server/services.ts';
import { SEEDED, seedInsights } from '../integration/insights-seed.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { describeViolations, launchChromium, mintContext, runAxe } from './helpers.ts';

const SCREENSHOT = join(ROOT, 'docs/insights.png');

let server: RunningServer;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'assay-insights-browser-'));
  const svc = await createServices({ ...loadConfig({ DATA_DIR: dataDir, ASSAY_WORKERS: 'off' }), logLevel: 'silent' }, { log: createLogger('silent') });
  await seedDemo(svc);
  await seedInsights(svc);
  await svc.store.close();
  [server, browser] = await Promise.all([startServer({ dataDir }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Body cells of the table with this caption, row by row, as the page has them. */
const rows = (target: Page | Frame, caption: string) =>
  target.evaluate((cap) => {
    const table = [...document.querySelectorAll('table')].find((t) => t.caption?.textContent === cap);
    if (!table) throw new Error(`no table "${cap}"`);
    return [...table.tBodies[0]!.rows].map((r) => [...r.cells].map((c) => c.textContent ?? ''));
  }, caption);

const openAllTables = (target: Page | Frame) => target.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));

const readDownload = async (d: Download) => readFileSync((await d.path())!, 'utf8');

async function expectSeededTables(target: Page | Frame) {
  expect(await rows(target, 'Completion funnel')).toEqual(SEEDED.funnel);
  expect((await rows(target, 'Score distribution')).map((r) => r[1])).toEqual(SEEDED.scores);
  expect(await rows(target, 'Hire rate by score band')).toEqual(SEEDED.outcomes);
  expect((await rows(target, 'Time to complete')).map((r) => r[1])).toEqual(SEEDED.time);
}

describe('Insights in Chromium', () => {
  test('widget: charts with tables that match the seed, keyboard-reachable tables, axe clean in light and dark, CSV via a Blob', async () => {
    const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
    const apiRequests: { url: string; auth: string | undefined }[] = [];
    page.on('request', (r) => r.url().includes('/api/insights') && apiRequests.push({ url: r.url(), auth: r.headers()['authorization'] }));
    await page.goto(`${server.url}/widget/?view=insights&account=${server.demo.account_id}&theme=light#context=${await mintContext(server.demo, { role: 'admin' })}`);
    await page.getByRole('heading', { name: 'Completion funnel' }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('img').count()).toBe(4);
    await expectSeededTables(page);
    expect(await page.locator('svg text.ins-warn').allTextContents()).toEqual(['small sample (n = 3)', 'small sample (n = 1)', 'small sample (n = 3)', 'small sample (n = 4)']);

    // The table behind a chart opens from the keyboard.
    const summary = page.getByText('Table: Completion funnel');
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await page.getByRole('table', { name: 'Completion funnel' }).isVisible()).toBe(true);

    await openAllTables(page);
    const light = await runAxe(page);
    expect(light, `light:\n${describeViolations(light)}`).toEqual([]);

    // CSV: fetched with the Bearer header, saved from a blob: URL; no token in any URL.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV: Completion funnel' }).click()]);
    expect(download.suggestedFilename()).toBe('assay-funnel.csv');
    expect(download.url()).toMatch(/^blob:/);
    expect(await readDownload(download)).toBe(SEEDED.funnelCsv);
    const csvRequest = apiRequests.find((r) => r.url.includes('/api/insights/funnel.csv'))!;
    expect(csvRequest.auth).toMatch(/^Bearer /);
    expect(apiRequests.every((r) => !/token|context|session/i.test(new URL(r.url).search))).toBe(true);

    // Filters: one package only.
    await page.getByRole('combobox', { name: 'Package' }).selectOption('logical-reasoning');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => rows(page, 'Completion funnel').catch(() => null), { timeout: 10_000 }).toEqual(SEEDED.logicalReasoning);
    await page.close();

    const dark = await browser.newPage({ viewport: { width: 760, height: 900 } });
    await dark.goto(`${server.url}/widget/?view=insights&account=${server.demo.account_id}&theme=dark#context=${await mintContext(server.demo, { role: 'recruiter' })}`);
    await dark.getByRole('heading', { name: 'Completion funnel' }).waitFor({ timeout: 20_000 });
    // The bars take the dark accent through --assay-accent.
    expect(await dark.locator('rect.ins-bar').first().evaluate((el) => getComputedStyle(el).fill)).toBe('rgb(88, 166, 255)');
    await openAllTables(dark);
    const darkViolations = await runAxe(dark);
    expect(darkViolations, `dark:\n${describeViolations(darkViolations)}`).toEqual([]);
    await dark.close();
  });

  test('widget: a viewer reads that insights are for recruiters and admins', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/widget/?view=insights&account=${server.demo.account_id}#context=${await mintContext(server.demo, { role: 'viewer' })}`);
    await page.getByText(/Insights are for recruiters and admins/).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('img').count()).toBe(0);
    await page.close();
  });

  test('dashboard: /insights after logging in, tables match the seed, axe clean in light and dark, CSV with the cookie', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/insights`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('E-mail address').fill(server.demo.user.email);
    await page.getByLabel('Password').fill(server.demo.user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Insights' }).waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe('/insights');
    await expectSeededTables(page);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await openAllTables(page);
      const violations = await runAxe(page);
      expect(violations, `${scheme}:\n${describeViolations(violations)}`).toEqual([]);
    }

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV: Hire rate by score band' }).click()]);
    expect(download.suggestedFilename()).toBe('assay-outcomes.csv');
    expect((await readDownload(download)).split('\r\n')[3]).toBe('3 - Hire,50,74,3,2,1,0,66.7,20.8,93.9,true');

    // The filter form is a plain GET: the job filter narrows every chart.
    await page.getByRole('combobox', { name: 'Job' }).selectOption('job-b');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/job_id=job-b/);
    expect(await rows(page, 'Completion funnel')).toEqual(SEEDED.logicalReasoning);
    await context.close();
  });

  test('/demo shows the Insights section with the widget as an admin (and the docs screenshot)', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`${server.url}/demo`);
    const frame = page.frameLocator('#assay-insights iframe');
    await frame.getByRole('heading', { name: 'Completion funnel' }).waitFor({ timeout: 20_000 });
    await frame.getByRole('table', { name: 'By job' }).waitFor();
    const section = page.locator('section.insights');
    // Wait for the frame to settle at its content height before taking the picture.
    await expect.poll(async () => (await page.locator('#assay-insights iframe').boundingBox())?.height ?? 0, { timeout: 10_000 }).toBeGreaterThan(1000);
    if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(SCREENSHOT)) {
      await section.screenshot({ path: SCREENSHOT });
      expect(existsSync(SCREENSHOT)).toBe(true);
    }
    await page.close();
  });
});
