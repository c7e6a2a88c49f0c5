// The recruiter widget in Chromium against the real server: picker, keyboard, Send, status, result, axe.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { apiCall, apiSession, describeViolations, freshCandidate, launchChromium, mintContext, runAxe } from './helpers.ts';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens the widget top-level, as an ATS linking to it directly would, with the context in the fragment. */
async function openWidget(view: string, context: string, theme = 'light'): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${server.url}/widget/?view=${view}&account=${server.demo.account_id}&theme=${theme}#context=${context}`);
  return page;
}

type OrderJson = { id: string; status: string; package_name: string };

describe('recruiter widget', () => {
  test('the picker lists the packages and the context token leaves the address bar', async () => {
    const page = await openWidget('picker', await mintContext(server.demo));
    const options = page.getByRole('option');
    await options.first().waitFor({ timeout: 20_000 });
    expect(await options.count()).toBeGreaterThan(0);
    expect(page.url()).not.toContain('context=');
    expect(page.url()).toContain('view=picker');
    await page.close();
  });

  test('keyboard: search, arrows and Enter choose a package; Send shows a pending icon', async () => {
    const page = await openWidget('picker', await mintContext(server.demo));
    const listbox = page.getByRole('listbox', { name: 'Packages' });
    await page.getByRole('option').first().waitFor({ timeout: 20_000 });
    const send = page.getByRole('button', { name: 'Send' });
    expect(await send.isDisabled()).toBe(true);

    const names = await page.locator('.assay-option-name').allTextContents();
    await page.getByRole('searchbox', { name: 'Search packages' }).focus();
    await page.keyboard.press('ArrowDown'); // into the list
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const chosen = names.at(-1)!;
    await expect.poll(() => page.getByRole('option', { selected: true }).locator('.assay-option-name').textContent()).toBe(chosen);
    expect(await listbox.getAttribute('aria-activedescendant')).toBeTruthy();

    expect(await send.isEnabled()).toBe(true);
    await send.click();
    await page.getByText(`${chosen} was sent to the candidate.`).waitFor({ timeout: 20_000 });
    const pending = page.getByRole('button', { name: 'Pending' });
    await pending.first().waitFor({ timeout: 20_000 });
    expect(await pending.first().locator('svg').count()).toBe(1);
    await page.close();
  });

  test('axe: no violations on the picker (light) and the status list (dark)', async () => {
    const picker = await openWidget('picker', await mintContext(server.demo));
    await picker.getByRole('option').first().waitFor({ timeout: 20_000 });
    await picker.getByRole('option').first().click();
    const pickerViolations = await runAxe(picker);
    expect(pickerViolations, describeViolations(pickerViolations)).toEqual([]);
    await picker.close();

    const who = freshCandidate('status');
    const token = await apiSession(server.url, await mintContext(server.demo, who));
    const { packages } = await apiCall<{ packages: { id: string }[] }>(server.url, token, 'GET', '/api/packages');
    await apiCall(server.url, token, 'POST', '/api/orders', { package_id: packages[0]!.id });
    const status = await openWidget('status', await mintContext(server.demo, who), 'dark');
    const badge = status.getByRole('button', { name: 'Pending' });
    await badge.waitFor({ timeout: 20_000 });
    // The tooltip shows on keyboard focus and names the timestamps.
    await status.keyboard.press('Tab');
    expect(await badge.evaluate((el) => el === document.activeElement)).toBe(true);
    const tip = status.locator(`#${await badge.getAttribute('aria-describedby')}`);
    expect(await tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toContain('Created');
    await status.keyboard.press('Escape');
    expect(await tip.isVisible()).toBe(false);
    const statusViolations = await runAxe(status);
    expect(statusViolations, describeViolations(statusViolations)).toEqual([]);
    await status.close();
  });

  test('result card: percentage beside the name, Open link to the report, and no axe violations', async () => {
    const who = freshCandidate('result');
    const token = await apiSession(server.url, await mintContext(server.demo, who));
    const { packages } = await apiCall<{ packages: { id: string; name: string }[] }>(server.url, token, 'GET', '/api/packages');
    const { order } = await apiCall<{ order: OrderJson }>(server.url, token, 'POST', '/api/orders', { package_id: packages[0]!.id });
    // The candidate's test-taking flow is another part of the product; arrange its outcome in the store.
    const db = new Database(join(server.dataDir, 'assay.db'), { timeout: 5000 });
    const done = new Date().toISOString();
    db.prepare(`UPDATE orders SET status = 'completed', started_at = ?, completed_at = ? WHERE id = ?`).run(done, done, order.id);
    db.prepare(`INSERT INTO results (order_id, account_id, score, max_score, details, completed_at) VALUES (?, ?, 37, 50, '{}', ?)`).run(order.id, server.demo.account_id, done);
    db.close();

    for (const theme of ['light', 'dark']) {
      const page = await openWidget('result', await mintContext(server.demo, who), theme);
      const card = page.getByRole('article');
      await card.waitFor({ timeout: 20_000 });
      expect(await card.getByRole('heading').textContent()).toBe(order.package_name);
      expect(await card.locator('.assay-score').textContent()).toBe('74%');
      const open = card.getByRole('link', { name: /^Open/ });
      expect(await open.getAttribute('href')).toMatch(new RegExp(`^https?://[^/]+/report/${order.id}$`));
      expect(await open.getAttribute('target')).toBe('_blank');
      expect(await open.getAttribute('rel')).toContain('noopener');
      const violations = await runAxe(page);
      expect(violations, `${theme}:\n${describeViolations(violations)}`).toEqual([]);
      await page.close();
    }
  });

  test('a viewer sees the packages and the reason there is no Send', async () => {
    const page = await openWidget('picker', await mintContext(server.demo, { role: 'viewer' }));
    await page.getByRole('option').first().waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Send' }).count()).toBe(0);
    expect(await page.getByText(/your role \(viewer\) cannot send/).isVisible()).toBe(true);
    await page.close();
  });

  test('a bad context shows the server sentence instead of a blank frame', async () => {
    const page = await openWidget('picker', 'not-a-token');
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 20_000 });
    expect((await alert.textContent())!.length).toBeGreaterThan(10);
    expect(await page.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
    await page.close();
  });
});
