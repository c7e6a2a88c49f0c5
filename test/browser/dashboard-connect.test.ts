// Integrations' connect flows in Chromium, as a customer's admin does them against the simulators over real HTTP:
// Lever (seed 002: Configure → review the permissions in Lever → Accept → the mapping page; Map puts the tag on
// the posting in the Lever simulator), StackOne and Recruitee through the partner settings form (seed 001: a bad
// codename refused with the rule's sentence, a logo too big or of the wrong type refused; what to copy shown once,
// the External Trigger Token working on Recruitee's partner URL), keyboard alone, axe light and dark, 360 px.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { codenameProblem } from '../../server/connectors/recruitee/settings.ts';
import { until } from '../helpers/candidate.ts';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { DEFAULT_IDS, startSimulator, type LeverSimHandle } from '../simulators/lever/index.ts';
import { freePort } from '../helpers/net.ts';
import { ADMIN_NAV, expectAccessible, launchChromium } from './helpers.ts';

const LEVER_CLIENT = { id: 'assay-lever-app', secret: 'lever-app-secret-0123456789abcdef' };
// A real 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let server: RunningServer;
let lever: LeverSimHandle;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Seed 002's consent page: the Super Admin reviews the permissions and clicks Accept (manual mode).
  [lever, browser] = await Promise.all([startSimulator({ clientId: LEVER_CLIENT.id, clientSecret: LEVER_CLIENT.secret, authorizeMode: 'manual', rateLimit: false }), launchChromium()]);
  const port = await freePort();
  server = await startServer({
    port,
    env: {
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      // The provider's side, set up once by its operator: its Lever app, its StackOne key, its Recruitee partner secret.
      LEVER_CLIENT_ID: LEVER_CLIENT.id,
      LEVER_CLIENT_SECRET: LEVER_CLIENT.secret,
      LEVER_API_URL: lever.baseUrl,
      LEVER_AUTH_URL: lever.authUrl,
      STACKONE_API_KEY: 'stackone-provider-key-0123456789',
      RECRUITEE_PARTNER_SECRET: 'recruitee-partner-secret-0123456789',
    },
  });
  // The admin who configures Lever is a user in Lever too (Assay tags postings as them).
  lever.seed({ users: [{ name: 'Demo Admin', email: server.demo.user.email, accessRole: 'super admin' }] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/dashboard/integrations`);
  await page.getByLabel('E-mail address').fill(server.demo.user.email);
  await page.getByLabel('Password').fill(server.demo.user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await lever?.close();
  await server?.stop();
});

const card = (provider: string) => page.locator(`section[data-provider="${provider}"]`);

async function accessibleBothThemes(where: string) {
  await expectAccessible(page, `${where}, light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(page, `${where}, dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('Integrations: connecting Lever, StackOne and Recruitee from the dashboard', () => {
  test('Lever: Configure → Accept in Lever → back on the mapping page; Map tags the posting in Lever', async () => {
    const lv = card('lever');
    expect(await lv.locator('.state').textContent()).toBe('○ Not connected');
    await lv.getByRole('button', { name: 'Configure' }).click();
    // Lever's consent page (the simulator's), listing the permissions asked for.
    await page.getByRole('heading', { name: `Allow ${LEVER_CLIENT.id} to access Lever?` }).waitFor({ timeout: 20_000 });
    expect(await page.getByText(/Scopes:/).textContent()).toContain('postings:write:admin');
    await page.getByRole('button', { name: 'Accept' }).click();
    // Back in the dashboard, on the mapping page, with Lever's postings read live.
    await page.getByRole('heading', { name: 'Lever: map postings to assessments', level: 1 }).waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe('/dashboard/integrations/lever');
    expect(await page.getByRole('link', { name: 'Integrations' }).first().getAttribute('aria-current')).toBe('page');
    const row = page.locator(`tr[data-posting="${DEFAULT_IDS.posting}"]`);
    await row.waitFor();
    expect(await row.getByRole('rowheader').textContent()).toContain('Data Analyst');
    expect(await row.locator('[data-label="Assessment"] select').inputValue()).toBe('');

    await row.getByLabel('Assessment for Data Analyst').selectOption({ label: 'Logical Reasoning' });
    await row.getByRole('button', { name: 'Map Data Analyst' }).click();
    // The tag appears on the posting in Lever, the other tags kept (Lever replaces the whole array).
    const tags = await until(() => lever.postingTags(DEFAULT_IDS.posting) ?? [], (t) => t.includes('assay:logical-reasoning'), 15_000, 'the tag on the Lever posting');
    expect(tags).toEqual(['assay:numerical-30', 'assay:logical-reasoning']);
    await until(() => row.locator('[data-label="Tags"]').textContent(), (t) => t === 'assay:numerical-30, assay:logical-reasoning', 10_000, 'the row to show the new tag');
    expect(await page.getByRole('status').textContent()).toBe('Mapped Data Analyst to Logical Reasoning.');
    // The same mapping `assay lever:map` writes.
    expect(query<{ package_id: string }>(server, "SELECT package_id FROM mappings WHERE kind = 'posting' AND external_id = ?", DEFAULT_IDS.posting)).toEqual([{ package_id: 'logical-reasoning' }]);
    await accessibleBothThemes('Lever mapping');
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectAccessible(page, 'Lever mapping at 360 px');
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole('link', { name: '← Integrations' }).click();
    await until(() => card('lever').locator('.state').textContent(), (t) => t === '● Connected', 10_000, 'Lever to say Connected');
    expect(await card('lever').getByRole('link', { name: 'Map Lever postings to assessments' }).getAttribute('href')).toBe('/dashboard/integrations/lever');
  });

  test('StackOne: the partner settings form refuses a bad codename with the rule, a logo too big or not an image; then connects', async () => {
    const so = card('stackone');
    await so.getByLabel('StackOne account id').fill('45355976281015164504');
    await so.getByLabel('Partner codename').fill('Assay_Tests');
    await so.getByLabel('Name', { exact: true }).fill('Assay assessments');
    await so.getByLabel('Description').fill('Send Assay assessments to candidates from Recruitee.');
    await so.getByRole('button', { name: 'Save' }).click();
    const alert = so.getByRole('alert');
    await until(() => alert.textContent().catch(() => ''), (t) => t === codenameProblem('Assay_Tests'), 10_000, 'the codename rule');
    expect(await so.getByLabel('Partner codename').getAttribute('aria-invalid')).toBe('true');

    await so.getByLabel('Partner codename').fill('assay-tests');
    // Too big: said before anything is sent.
    await so.getByLabel('Logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.concat([PNG, Buffer.alloc(200 * 1024)]) });
    await so.getByRole('button', { name: 'Save' }).click();
    await until(() => alert.textContent().catch(() => ''), (t) => t === 'The logo is 201 KB; it may be at most 100 KB.', 10_000, 'the size refusal');
    // Named .png but not an image: the server reads the bytes and refuses.
    await so.getByLabel('Logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>') });
    await so.getByRole('button', { name: 'Save' }).click();
    await until(() => alert.textContent().catch(() => ''), (t) => t === 'The logo must be a PNG, JPEG or WebP image.', 10_000, 'the type refusal');
    await so.getByLabel('Logo').setInputFiles({ name: 'logo.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await so.getByRole('button', { name: 'Save' }).click();
    await until(() => alert.textContent().catch(() => ''), (t) => t === 'The logo must be a PNG, JPEG or WebP image.', 10_000, 'the type refusal before upload');
    expect(query(server, "SELECT id FROM connections WHERE provider = 'stackone'")).toEqual([]);

    await so.getByLabel('Logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await so.getByLabel('Static Package ID (optional)').selectOption({ label: 'Numerical Reasoning' });
    await so.getByRole('button', { name: 'Save' }).click();
    const panel = page.getByRole('region', { name: 'StackOne is connected: finish in StackOne' });
    await panel.waitFor({ timeout: 20_000 });
    const key = (await panel.locator('[data-field="partner_api_key"]').textContent())!;
    expect(key).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    // StackOne's "Recruitee - Configuration" values, as seed 001 lists them.
    const facts = await panel.locator('dl.facts').allTextContents();
    const all = facts.join('\n');
    expect(all).toContain('Partner Codenameassay-tests');
    expect(all).toContain('NameAssay assessments');
    expect(all).toContain('Package IDnumerical-reasoning');
    const logoUrl = await panel.locator('dt:text-is("Logo") + dd code').textContent();
    const logo = await fetch(logoUrl!);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await logo.arrayBuffer()).equals(PNG)).toBe(true);
    await until(() => card('stackone').locator('.state').textContent(), (t) => t === '● Connected', 10_000, 'StackOne to say Connected');
    await accessibleBothThemes('Integrations with the StackOne setup');
  });

  test('Recruitee, keyboard alone: the form connects and the External Trigger Token opens the partner URL', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    const rt = card('recruitee');
    await rt.getByLabel('Partner codename').waitFor();
    await rt.getByLabel('Partner codename').focus();
    await page.keyboard.type('assay-tests');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Assay assessments');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Assessments from Assay, scored in Recruitee.');
    // Past the logo (optional) to the company id, then Save with Enter.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('recruitee-company_id');
    await page.keyboard.type('12345');
    await page.keyboard.press('Enter');
    const panel = page.getByRole('region', { name: 'Recruitee is connected: finish in Recruitee' });
    await panel.waitFor({ timeout: 20_000 });
    const token = (await panel.locator('[data-field="external_trigger_token"]').textContent())!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    const [conn] = query<{ id: string }>(server, "SELECT id FROM connections WHERE provider = 'recruitee'");
    // Recruitee calls the tests URL with the token the customer pasted into its Marketplace.
    const tests = await fetch(`${server.url}/partner/recruitee/${conn!.id}/tests`, { headers: { authorization: `Bearer ${token}` } });
    expect(tests.status).toBe(200);
    expect(((await tests.json()) as { id: string }[]).map((t) => t.id)).toContain('logical-reasoning');
    // The token is sealed at rest, never shown again.
    expect(JSON.stringify(query(server, 'SELECT * FROM connections WHERE id = ?', conn!.id))).not.toContain(token);
    await page.reload();
    await card('recruitee').locator('.state').waitFor();
    expect(await page.content()).not.toContain(token);
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await accessibleBothThemes('Integrations at 360 px');
  });

  test('Insights and Connect your ATS are pages of the same app: the same navigation, the page marked, keyboard to the content', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const navOf = () =>
      page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href')?.split('?')[0], a.getAttribute('aria-current')]));
    await page.goto(`${server.url}/dashboard/integrations`);
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    const app = await navOf();
    expect(app.map(([label, href]) => [label, href])).toEqual(ADMIN_NAV);
    for (const [label, path] of [['Insights', '/insights'], ['Connect your ATS', '/connect']] as const) {
      await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: label }).click();
      await until(() => new URL(page.url()).pathname, (p) => p === path, 15_000, `the ${label} page`);
      // The same items, in the same order, this one marked as the current page.
      expect(await navOf()).toEqual(app.map(([l, h]) => [l, h, l === label ? 'page' : null]));
      // The first Tab reaches the skip link, which leads to the content.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      await accessibleBothThemes(label);
    }
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
  });
});
