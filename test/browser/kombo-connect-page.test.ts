// "Connect your ATS" on the provider dashboard in Chromium: log in as the demo account's user, choose
// Recruitee, press Connect, complete the Kombo simulator's setup page in the popup, hand the activation
// token back, and see which ATS got connected. The connection is then active for the demo account and
// the simulator holds our packages; axe finds nothing on the page; a token made for another company is
// refused with the server's sentence.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { startSimulator, type KomboSimHandle } from '../simulators/kombo/index.ts';
import { describeViolations, launchChromium, runAxe } from './helpers.ts';

let server: RunningServer;
let kombo: KomboSimHandle;
let browser: Browser;

type Conn = { id: string; account_id: string; status: string; config: string };
const komboConnections = () => query<Conn>(server, "SELECT id, account_id, status, config FROM connections WHERE provider = 'kombo' ORDER BY created_at");

async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)?.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  kombo = await startSimulator({});
  kombo.config({ webhook_url: null }); // only the page's activation binds the integration here
  const c = kombo.credentials;
  [server, browser] = await Promise.all([
    startServer({ env: { KOMBO_API_KEY: c.api_key!, KOMBO_WEBHOOK_SECRET: c.webhook_secret!, KOMBO_BASE_URL: c.base_url! } }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await kombo?.close();
});

async function login(page: Page) {
  await page.goto(`${server.url}/connect`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.getByLabel('E-mail address').fill(server.demo.user.email);
  await page.getByLabel('Password').fill(server.demo.user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Connect your ATS' }).waitFor({ timeout: 20_000 });
  expect(new URL(page.url()).pathname).toBe('/connect');
}

/** Presses Connect, completes Kombo's setup page in the popup and returns the token it shows. */
async function connectInPopup(page: Page, tool: string): Promise<string> {
  await page.getByLabel('Your ATS', { exact: true }).selectOption({ label: tool });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Connect your ATS' }).click()]);
  await popup.getByRole('heading', { name: `Connect your ${tool}` }).waitFor({ timeout: 15_000 });
  expect(new URL(popup.url()).origin).toBe(new URL(kombo.credentials.base_url!).origin);
  await popup.getByLabel(`${tool} API key`).fill('recruitee-api-key-of-demo');
  await popup.getByRole('button', { name: 'Set up integration' }).click();
  const token = (await popup.locator('#activation-token').textContent({ timeout: 15_000 }))!.trim();
  expect(token.length).toBeGreaterThan(8);
  return token;
}

describe('"Connect your ATS" page in Chromium', () => {
  test('connects Recruitee for the demo account through the Kombo popup; packages reach Kombo; axe clean', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await login(page);
    // The page runs its script under a CSP without inline script.
    const res = await page.request.get(`${server.url}/connect`);
    expect(res.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers()['content-security-policy']).not.toContain('unsafe-inline');
    expect(await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Connect your ATS' }).getAttribute('aria-current')).toBe('page');

    const before = await runAxe(page);
    expect(before, describeViolations(before)).toEqual([]);

    const token = await connectInPopup(page, 'Recruitee');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Kombo Connect is open in a new window');
    await page.getByLabel('Activation token from Kombo').fill(token);
    await page.getByRole('button', { name: 'Finish connecting' }).click();
    await expect.poll(() => page.locator('#connect-status').textContent(), { timeout: 15_000 }).toBe('Recruitee is connected. Your assessment packages are being sent to Recruitee now.');

    const active = komboConnections().filter((c) => c.status === 'active');
    expect(active).toHaveLength(1);
    expect(active[0]!.account_id).toBe(server.demo.account_id);
    const integrationId = JSON.parse(active[0]!.config).integration_id as string;
    expect(integrationId).toMatch(/^recruitee:/);
    const pushed = await until(() => kombo.sim.activePackages(integrationId), (p) => p.length > 0, 15_000, 'the package push to Kombo');
    expect(pushed.length).toBeGreaterThan(0);

    const after = await runAxe(page);
    expect(after, describeViolations(after)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  test("a token Kombo made for another company is refused with the server's sentence", async () => {
    // Another company's setup, completed directly in the simulator (its own origin id).
    const link = await fetch(`${kombo.credentials.base_url}/connect/create-link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${kombo.credentials.api_key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ end_user_email: 'it@other.example', end_user_organization_name: 'Other Ltd', end_user_origin_id: 'other', integration_category: 'ASSESSMENT', integration_tool: 'recruitee', link_type: 'EMBEDDED' }),
    }).then((r) => r.json() as Promise<{ data: { link: string } }>);
    const foreign = await kombo.completeConnectLink(new URL(link.data.link).searchParams.get('token')!);

    const context = await browser.newContext();
    const page = await context.newPage();
    await login(page);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Connect your ATS' }).click()]);
    await popup.close();
    await page.getByLabel('Activation token from Kombo').fill(foreign.activation_token);
    await page.getByRole('button', { name: 'Finish connecting' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toBe('Not connected: This integration was set up for another company, so it was not connected to yours.');
    expect(komboConnections().some((c) => JSON.parse(c.config).integration_id === foreign.integration.id)).toBe(false);
    await context.close();
  });
});
