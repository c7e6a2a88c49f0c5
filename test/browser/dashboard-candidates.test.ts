// The provider dashboard in Chromium, as an admin uses it: log in at /dashboard, connect Greenhouse
// through the form (the simulator then reaches us with the key and secret shown), see the candidates
// ordered from the widget and from Greenhouse (its simulator over real HTTP) with the right status, the
// score and band appearing by themselves after completion, search and filters, Resend and Cancel with a
// confirmation by keyboard alone, axe clean in light and dark, usable at 360 px; Integrations with the
// checks the CLI runs; a member offered no admin action and refused one by the API.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_SCORE_BANDS, scoreBand } from '../../shared/score-bands.ts';
import { inviteToken, mails, takeTest, until } from '../helpers/candidate.ts';
import { assay } from '../helpers/cli.ts';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { DEFAULT_IDS, startSimulator, type GreenhouseSimHandle } from '../simulators/greenhouse/index.ts';
import { ADMIN_NAV, apiCall, apiSession, expectAccessible, launchChromium, mintContext } from './helpers.ts';

const HARVEST_KEY = 'gh-harvest-key-dashboard';
let server: RunningServer;
let gh: GreenhouseSimHandle;
let browser: Browser;
let page: Page;
let widgetOrder: string;
let widgetToken: string;
let ghOrder: string;
let ghConnection: string;

beforeAll(async () => {
  [gh, browser] = await Promise.all([
    startSimulator({ partnerApiKey: 'not-yet-known-0123456789', webhookSecret: 'not-yet-known', harvestApiKey: HARVEST_KEY, retryDelaysMs: [50, 50] }),
    launchChromium(),
  ]);
  // The operator points dashboard-made Greenhouse connections at the simulator's Harvest API.
  server = await startServer({ env: { GREENHOUSE_HARVEST_URL: gh.baseUrl } });
  // Source 1: a recruiter orders in the widget for Grace Hopper.
  widgetToken = await apiSession(
    server.url,
    await mintContext(server.demo, { candidate: { id: 'cand-grace', email: 'grace@example.test', first_name: 'Grace', last_name: 'Hopper' }, application: { id: 'app-grace' }, job: { id: 'job-be', name: 'Backend Engineer' } }),
  );
  widgetOrder = (await apiCall<{ order: { id: string } }>(server.url, widgetToken, 'POST', '/api/orders', { package_id: 'logical-reasoning' })).order.id;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gh?.close();
  await server?.stop();
});

const row = (p: Page, name: string) => p.locator('table.candidates tbody tr', { has: p.getByRole('rowheader', { name: new RegExp(name) }) });
const cell = (r: Locator, label: string) => r.locator(`[data-label="${label}"]`);

describe('the provider dashboard: Candidates', () => {
  test('an admin logs in at /dashboard and connects Greenhouse through the form: webhook URL, secret, events and partner key shown once', async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('E-mail address').fill(server.demo.user.email);
    await page.getByLabel('Password').fill(server.demo.user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Candidates', level: 1 }).waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe('/dashboard/candidates');
    expect(await page.getByRole('link', { name: 'Candidates' }).getAttribute('aria-current')).toBe('page');
    // The server pages keep their URLs and are one click away.
    expect(await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href')]))).toEqual(ADMIN_NAV);

    await page.getByRole('link', { name: 'Integrations' }).click();
    const card = page.locator('section[data-provider="greenhouse"]');
    await card.getByLabel('Harvest API key').waitFor();
    // Saving without a key says what to do, next to the field.
    await card.getByRole('button', { name: 'Save' }).click();
    expect(await card.getByRole('alert').textContent()).toBe('Paste the Harvest API key first.');
    await card.getByLabel('Harvest API key').fill(HARVEST_KEY);
    await card.getByRole('button', { name: 'Save' }).click();
    const panel = page.getByRole('region', { name: 'Greenhouse is connected: finish in Greenhouse' });
    await panel.waitFor({ timeout: 20_000 });
    const webhookUrl = (await panel.locator('[data-field="webhook_url"]').textContent())!;
    const secret = (await panel.locator('[data-field="webhook_secret"]').textContent())!;
    const partnerKey = (await panel.locator('[data-field="partner_api_key"]').textContent())!;
    // PUBLIC_URL of this server (it names the host localhost), the connection's own path.
    expect(new URL(webhookUrl).port).toBe(String(server.port));
    expect(new URL(webhookUrl).pathname).toMatch(/^\/webhooks\/greenhouse\/con_[0-9a-z]+$/);
    ghConnection = webhookUrl.split('/').pop()!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(partnerKey).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    // Seed 004: the 21 webhooks to create in Greenhouse.
    await panel.getByText(/^The 21 events to create a web hook for$/).click();
    expect(await panel.locator('.events li').count()).toBe(21);
    await until(() => card.locator('.state').textContent(), (t) => t === '● Connected', 10_000, 'the card to say Connected');
    await expectAccessible(page, 'integrations with the Greenhouse setup, light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'integrations with the Greenhouse setup, dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The customer pastes these into Greenhouse (the simulator), which then reaches us with them.
    await gh.config({ partner_api_key: partnerKey, webhook_secret: secret, partner_base_url: `${server.url}/partner/greenhouse/${ghConnection}` });
    const tests = await gh.listTests();
    expect(tests.status).toBe(200);
    expect(tests.violations).toEqual([]);
    // The secret is not shown again.
    await page.reload();
    await card.locator('.state').waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  test('candidates ordered from the widget and from Greenhouse appear, each with its source and status', async () => {
    // Source 2: Greenhouse sends a test for its seeded candidate (Ada Lovelace & Byron).
    const sent = await gh.sendTest({ partner_test_id: 'numerical-reasoning', application_id: DEFAULT_IDS.application });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    ghOrder = (sent.body as { partner_interview_id: string }).partner_interview_id;
    await page.getByRole('link', { name: 'Candidates' }).click();
    await page.getByRole('heading', { name: 'Candidates', level: 1 }).waitFor();
    const grace = row(page, 'Grace Hopper');
    const ada = row(page, 'Ada Lovelace & Byron');
    await grace.waitFor();
    await ada.waitFor();
    expect(await cell(grace, 'Source').textContent()).toBe('Widget');
    expect(await cell(grace, 'Status').textContent()).toBe('Invited');
    expect(await cell(grace, 'Assessment').textContent()).toBe('Logical Reasoning');
    expect(await cell(grace, 'Job').textContent()).toBe('Backend Engineer');
    expect(await cell(grace, 'Score').textContent()).toBe('—');
    expect(await cell(ada, 'Source').textContent()).toBe('Greenhouse');
    expect(await cell(ada, 'Status').textContent()).toBe('Invited');
    expect(await cell(ada, 'Assessment').textContent()).toBe('Numerical Reasoning');
    // Newest first: Greenhouse's order was placed after the widget's.
    const names = await page.locator('table.candidates tbody th .who').allTextContents();
    expect(names.indexOf('Ada Lovelace & Byron')).toBeLessThan(names.indexOf('Grace Hopper'));
    expect(await grace.getByRole('link', { name: /^Report: Grace Hopper/ }).getAttribute('href')).toBe(`/report/${widgetOrder}`);

    await expectAccessible(page, 'candidates, light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'candidates, dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('the Greenhouse candidate turns Completed with score and band by itself when the test is taken', async () => {
    const mail = await until(() => mails(server.dataDir, ghOrder), (m) => m.length > 0, 20_000, 'the Greenhouse invitation');
    await takeTest(server.url, inviteToken(mail[0]!)!, 'numerical-reasoning');
    const [result] = query<{ score: number }>(server, 'SELECT score FROM results WHERE order_id = ?', ghOrder);
    const ada = row(page, 'Ada Lovelace & Byron');
    // No reload: the list follows by itself.
    await until(() => cell(ada, 'Status').textContent(), (s) => s === 'Completed', 20_000, 'the row to show Completed');
    expect(await cell(ada, 'Score').textContent()).toBe(`${result!.score}%${scoreBand(result!.score, DEFAULT_SCORE_BANDS)!.label}`);
    expect(await cell(ada, 'Completed').textContent()).not.toBe('—');
    expect(await ada.getByRole('button', { name: /^Cancel/ }).count()).toBe(0);
  });

  test('search and filters narrow the list, and say so when nothing matches', async () => {
    await page.getByLabel('Search by name or e-mail').fill('grace@');
    await page.getByRole('button', { name: 'Apply' }).click();
    await until(() => page.locator('table.candidates tbody th .who').allTextContents(), (n) => n.join() === 'Grace Hopper', 10_000, 'only Grace');
    expect(new URL(page.url()).search).toBe('?q=grace%40');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Source').selectOption('greenhouse');
    await page.getByRole('button', { name: 'Apply' }).click();
    await until(() => page.locator('table.candidates tbody th .who').allTextContents(), (n) => n.join() === 'Ada Lovelace & Byron', 10_000, 'only Ada');
    await page.getByLabel('Status').selectOption('pending');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No candidates match these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row(page, 'Grace Hopper').waitFor();
  });

  test('Resend and Cancel ask first, work by keyboard alone, and reach the candidate and the ATS', async () => {
    const grace = row(page, 'Grace Hopper');
    const before = mails(server.dataDir, widgetOrder).length;
    // Resend: Escape leaves everything as it was; confirming sends a new invitation e-mail.
    await grace.getByRole('button', { name: /^Resend: Grace Hopper/ }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Send the invitation again?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(mails(server.dataDir, widgetOrder).length).toBe(before);
    await page.keyboard.press('Enter'); // focus is back on Resend
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Yes, resend');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await until(() => mails(server.dataDir, widgetOrder).length, (n) => n === before + 1, 20_000, 'a second invitation e-mail');

    // Cancel: the ATS's widget then sees the order cancelled.
    await grace.getByRole('button', { name: /^Cancel: Grace Hopper/ }).focus();
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: 'Cancel this assessment?' });
    await confirm.waitFor();
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'hidden' });
    await until(() => cell(grace, 'Status').textContent(), (s) => s === 'Cancelled', 10_000, 'Grace cancelled');
    const seen = await apiCall<{ order: { status: string } }>(server.url, widgetToken, 'GET', `/api/orders/${widgetOrder}`);
    expect(seen.order.status).toBe('cancelled');
    expect(await page.getByRole('status').textContent()).toBe('Cancelled Logical Reasoning for Grace Hopper.');
  });

  test('at 360 px nothing scrolls sideways and the page stays accessible', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await row(page, 'Grace Hopper').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await row(page, 'Ada Lovelace & Byron').getByRole('link', { name: /^Report/ }).isVisible()).toBe(true);
    await expectAccessible(page, 'candidates at 360 px');
  });
});

describe('the provider dashboard: Integrations', () => {
  test('one card per provider with its state, the last write-back, and the checks as a troubleshooting table (as the CLI runs them)', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/integrations');
    await page.locator('section.integration h2').first().waitFor(); // the cards load after the heading
    expect(await page.locator('section.integration h2').allTextContents()).toEqual(['Kombo', 'StackOne', 'Lever', 'Greenhouse', 'Recruitee']);
    const kombo = page.locator('section[data-provider="kombo"]');
    expect(await kombo.locator('.state').textContent()).toBe('○ Not connected');
    // No Kombo environment on this server: a sentence for the customer, never the operator's variable names.
    expect(await kombo.locator('.notice').textContent()).toMatch(/^Connecting through Kombo is not available yet: your assessment provider has not switched it on\./);
    expect(await page.locator('body').textContent()).not.toMatch(/KOMBO_|API key and webhook secret/);
    const card = page.locator('section[data-provider="greenhouse"]');
    // Greenhouse heard back about the completed test (the PATCH of test 2): the card shows when.
    await until(
      async () => (await page.reload(), await card.locator('dd').nth(2).textContent()),
      (t) => !!t && t !== 'None yet',
      20_000,
      'the last write-back',
    );
    expect(await card.locator('.state').textContent()).toBe('● Connected');

    await card.getByRole('button', { name: 'Run checks' }).click();
    const table = card.getByRole('table', { name: 'Troubleshooting' });
    await table.waitFor({ timeout: 30_000 });
    const shown = await table.locator('tbody th').allTextContents();
    const cli = await assay(['connections:check', ghConnection, '--json'], { ...server.storeEnv, PUBLIC_URL: server.url });
    expect(shown).toEqual((cli.json.findings as { check: string }[]).map((f) => f.check));
    expect(shown.length).toBeGreaterThan(0);

    await expectAccessible(page, 'integrations, light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'integrations, dark');
    await page.emulateMedia({ colorScheme: 'light' });
    // At 360 px the cards stack and nothing scrolls sideways (the troubleshooting table scrolls in its own region).
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectAccessible(page, 'integrations at 360 px');
  });
});

describe('a member', () => {
  test('reads candidates and reports but is offered no admin action, and the API refuses one with a 403', async () => {
    const password = 'member-password-123';
    const created = await assay(['users:create', '--account', server.demo.account_id, '--email', 'member@example.test', '--password', password, '--role', 'member', '--json'], { ...server.storeEnv });
    expect(created.code, created.stderr).toBe(0);
    const token = await apiSession(
      server.url,
      await mintContext(server.demo, { candidate: { id: 'cand-alan', email: 'alan@example.test', first_name: 'Alan', last_name: 'Turing' }, application: { id: 'app-alan' } }),
    );
    const open = (await apiCall<{ order: { id: string } }>(server.url, token, 'POST', '/api/orders', { package_id: 'work-style' })).order.id;

    const member = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await member.goto(`${server.url}/dashboard`);
    await member.getByLabel('E-mail address').fill('member@example.test');
    await member.getByLabel('Password').fill(password);
    await member.getByRole('button', { name: 'Log in' }).click();
    const alan = row(member, 'Alan Turing');
    await alan.waitFor({ timeout: 20_000 });
    await member.locator('.brand .muted').filter({ hasText: 'member@example.test' }).waitFor();
    expect(await alan.getByRole('link', { name: /^Report: Alan Turing/ }).count()).toBe(1);
    expect(await member.getByRole('button', { name: /^(Resend|Cancel):/ }).count()).toBe(0);

    // The same request an admin's Cancel makes, from the member's own logged-in page.
    const refused = await member.evaluate(async (id) => {
      const r = await fetch(`/api/dashboard/orders/${id}/cancel`, { method: 'POST' });
      return { status: r.status, body: await r.json() };
    }, open);
    expect(refused).toEqual({ status: 403, body: { error: { code: 'admin_only', message: expect.any(String) } } });
    expect((await apiCall<{ order: { status: string } }>(server.url, token, 'GET', `/api/orders/${open}`)).order.status).toBe('pending');

    await member.getByRole('link', { name: 'Integrations' }).click();
    await member.locator('section[data-provider="greenhouse"]').waitFor();
    expect(await member.getByRole('button', { name: 'Run checks' }).count()).toBe(0);
    await member.close();
  });
});

describe('Disconnect', () => {
  test('a failed disconnect says why; asked again later, the dialog starts without the old error', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/dashboard/integrations`);
    const card = page.locator('section[data-provider="greenhouse"]');
    const dialog = page.getByRole('dialog', { name: 'Disconnect Greenhouse?' });
    // The server is briefly unavailable for this one request.
    await page.route('**/revoke', (r) => r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'Assay is briefly unavailable.' } }) }));
    await card.getByRole('button', { name: 'Disconnect Greenhouse' }).click();
    await dialog.getByRole('button', { name: 'Yes, disconnect' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Assay is briefly unavailable.' }).waitFor();
    await page.unroute('**/revoke');
    await dialog.getByRole('button', { name: 'Keep it connected' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await card.getByRole('button', { name: 'Disconnect Greenhouse' }).click();
    await dialog.waitFor();
    expect(await dialog.getByRole('alert').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Keep it connected' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(query<{ status: string }>(server, 'SELECT status FROM connections WHERE id = ?', ghConnection)[0]!.status).toBe('active');
  });

  test('asks first; Keep it changes nothing; confirming revokes the connection as connections:revoke does', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/dashboard/integrations`);
    const card = page.locator('section[data-provider="greenhouse"]');
    await card.getByRole('button', { name: 'Disconnect Greenhouse' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disconnect Greenhouse?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep it connected' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(query<{ status: string }>(server, 'SELECT status FROM connections WHERE id = ?', ghConnection)[0]!.status).toBe('active');
    await card.getByRole('button', { name: 'Disconnect Greenhouse' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Yes, disconnect' }).click();
    await until(() => card.locator('.state').textContent(), (t) => t === '○ Not connected', 10_000, 'the card to say Not connected');
    expect(query<{ status: string }>(server, 'SELECT status FROM connections WHERE id = ?', ghConnection)[0]!.status).toBe('revoked');
    // Greenhouse can no longer order through it.
    const refused = await gh.listTests();
    expect(refused.status).toBeGreaterThanOrEqual(400);
  });
});

