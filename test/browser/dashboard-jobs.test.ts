// Dashboard Jobs, as the customer's admin uses it (issue 20 part 2; seed 000): Jobs → Create a job, pick the
// job Greenhouse synced, pick an assessment with its invitation validity and extra time, Publish — and the
// ATSs see it over real HTTP: the Kombo simulator's pushed package list, StackOne's package-list answer
// (the simulator's picker), Greenhouse's list_tests and Recruitee's tests endpoint all name it "<job> — <package>"; Greenhouse orders it
// and the order carries the package and the defaults. Unpublish (after a confirmation, by keyboard) withdraws
// it everywhere and a new order for it is refused. A member sees no admin action and the API refuses one.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { until } from '../helpers/candidate.ts';
import { assay } from '../helpers/cli.ts';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { DEFAULT_IDS, startSimulator as startGreenhouse, type GreenhouseSimHandle } from '../simulators/greenhouse/index.ts';
import { startSimulator as startKombo, type KomboSimHandle } from '../simulators/kombo/index.ts';
import { startSimulator as startStackOne, type StackOneSimHandle } from '../simulators/stackone/index.ts';
import { startSimulator as startRecruitee, type RecruiteeSimHandle } from '../simulators/recruitee/index.ts';
import { freePort } from '../helpers/net.ts';
import { expectAccessible, launchChromium } from './helpers.ts';

const GH_PARTNER_KEY = 'gh-partner-key-jobs-0123456789';
const SO_PARTNER_KEY = 'so-partner-key-jobs-0123456789';
const NAME = 'Data Analyst — Numerical Reasoning'; // the Greenhouse simulator's default job × our package
let server: RunningServer;
let gh: GreenhouseSimHandle;
let kombo: KomboSimHandle;
let so: StackOneSimHandle;
let rc: RecruiteeSimHandle;
let browser: Browser;
let page: Page;
let asmId: string;

async function cli(args: string[]) {
  const r = await assay([...args, '--json'], server.storeEnv);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.json as Record<string, unknown>;
}

beforeAll(async () => {
  [gh, kombo, so, rc, browser] = await Promise.all([
    startGreenhouse({ partnerApiKey: GH_PARTNER_KEY, webhookSecret: 'gh-webhook-secret', harvestApiKey: 'gh-harvest-key', retryDelaysMs: [50, 50] }),
    startKombo(),
    startStackOne({ partnerApiKey: SO_PARTNER_KEY }),
    startRecruitee(),
    launchChromium(),
  ]);
  const port = await freePort();
  server = await startServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
  // The operator connects the three ATSs with the CLI, and Greenhouse's jobs are synced from Harvest.
  const ghCon = (await cli(['connections:add', '--account', server.demo.account_id, '--provider', 'greenhouse', '--set', `partner_api_key=${GH_PARTNER_KEY}`, '--set', 'webhook_secret=gh-webhook-secret', '--set', 'harvest_api_key=gh-harvest-key', '--set', `on_behalf_of=${DEFAULT_IDS.user}`, '--set', `base_url=${gh.baseUrl}`])).connection_id as string;
  await gh.config({ partner_base_url: `${server.url}/partner/greenhouse/${ghCon}` });
  await cli(['greenhouse:sync', ghCon]);
  const k = kombo.credentials;
  await cli(['connections:add', '--account', server.demo.account_id, '--provider', 'kombo', '--set', `api_key=${k.api_key}`, '--set', `integration_id=${k.integration_id}`, '--set', `webhook_secret=${k.webhook_secret}`, '--set', `base_url=${k.base_url}`]);
  const s = so.credentials;
  const soCon = (await cli(['connections:add', '--account', server.demo.account_id, '--provider', 'stackone', '--set', `api_key=${s.api_key}`, '--set', `account_id=${s.account_id}`, '--set', `webhook_secret=${s.webhook_secret}`, '--set', `base_url=${s.base_url}`, '--set', `partner_api_key=${SO_PARTNER_KEY}`])).connection_id as string;
  so.config({ package_list_url: `${server.url}/partner/stackone/${soCon}/packages` });
  const r = rc.credentials;
  const rcCon = (await cli(['connections:add', '--account', server.demo.account_id, '--provider', 'recruitee', '--set', `customer_token=${r.customer_token}`, '--set', `partner_secret=${r.partner_secret}`, '--set', `codename=${r.codename}`, '--set', `webhook_secret=${r.webhook_secret}`, '--set', `company_id=${r.company_id}`, '--set', `base_url=${r.base_url}`])).connection_id as string;
  rc.config({ partner_urls_base: `${server.url}/partner/recruitee/${rcCon}` });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([gh?.close(), kombo?.close(), so?.close(), rc?.close()]);
  await server?.stop();
});

const komboNames = () => kombo.sim.activePackages(kombo.credentials.integration_id!).map((p) => [p.id, p.name]);
const pickerNames = async () => (await so.openPicker()).packages.map((p: { id: string; name: string }) => [p.id, p.name]);
const greenhouseTests = async () => {
  const r = await gh.listTests();
  expect(r.status).toBe(200);
  expect(r.violations).toEqual([]);
  return (r.body as Array<{ partner_test_id: string; partner_test_name: string }>).map((t) => [t.partner_test_id, t.partner_test_name]);
};
/** Recruitee's tests endpoint (the partner URL Recruitee calls to fill its "Send test" list). */
const recruiteeTests = async () => {
  const r = await rc.fetchTests();
  expect(r).toMatchObject({ status: 200, shape_valid: true });
  return r.tests!.map((t: { id: string | number; name: string }) => [String(t.id), t.name]);
};
const assessmentRow = (p: Page) => p.getByRole('region', { name: 'Data Analyst' }).locator('tbody tr', { has: p.getByRole('rowheader', { name: 'Numerical Reasoning' }) });

describe('dashboard Jobs: create, publish, unpublish', () => {
  test('an admin creates an assessment for the synced Greenhouse job and publishes it; every ATS lists it', async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/dashboard/jobs`);
    await page.getByLabel('E-mail address').fill(server.demo.user.email);
    await page.getByLabel('Password').fill(server.demo.user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('link', { name: 'Jobs' }).getAttribute('aria-current')).toBe('page');
    // The synced job is listed before it has assessments.
    await page.getByRole('heading', { name: 'Data Analyst', level: 2 }).waitFor();
    await expectAccessible(page, 'jobs, light');

    await page.getByRole('button', { name: 'Create a job' }).click();
    const form = page.getByRole('form', { name: "Create a job's assessments" });
    // Nothing picked: said next to the form, nothing created.
    await form.getByRole('button', { name: 'Create' }).click();
    expect(await form.getByRole('alert').textContent()).toBe('Pick at least one assessment.');
    expect(await form.getByLabel('Job', { exact: true }).locator('option:checked').textContent()).toBe('Data Analyst (Greenhouse)');
    await form.getByLabel('Numerical Reasoning').check();
    await form.getByLabel('Invitation valid for (days)').fill('5');
    await form.getByLabel('Extra time').selectOption('25');
    await form.getByRole('button', { name: 'Create' }).click();
    const row = assessmentRow(page);
    await until(() => row.locator('[data-label="State"]').textContent(), (t) => !!t?.includes('Draft'), 15_000, 'the draft assessment');
    expect(await row.locator('[data-label="Defaults"]').textContent()).toBe('5 days, +25% time');
    asmId = (await row.getAttribute('data-assessment'))!;
    expect(asmId).toMatch(/^asm_[0-9a-z]+$/);
    // A draft is not orderable anywhere yet.
    expect((await greenhouseTests()).map(([id]) => id)).not.toContain(asmId);
    expect((await recruiteeTests()).map(([id]) => id)).not.toContain(asmId);

    // Publish, by keyboard.
    await row.getByRole('button', { name: `Publish ${NAME}` }).focus();
    await page.keyboard.press('Enter');
    await until(() => row.locator('[data-label="State"]').textContent(), (t) => !!t?.includes('Published'), 15_000, 'the published state');
    expect(await page.getByRole('status').textContent()).toBe(`Published: "${NAME}" is now visible in your ATS.`);
    expect(await row.locator('[data-label="In the ATS"]').textContent()).toBe(NAME);

    // Kombo: the pushed package list (PUT /v1/assessment/packages, through the outbox) now holds it.
    await until(async () => komboNames(), (l) => l.some(([id, n]) => id === asmId && n === NAME), 15_000, 'Kombo to hold the published assessment');
    // StackOne: the recruiter opens the picker; our package-list endpoint answers it.
    expect(await pickerNames()).toContainEqual([asmId, NAME]);
    // Greenhouse: list_tests.
    expect(await greenhouseTests()).toContainEqual([asmId, NAME]);
    // Recruitee: its tests endpoint.
    expect(await recruiteeTests()).toContainEqual([asmId, NAME]);

    await expectAccessible(page, 'jobs with a published assessment, light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'jobs with a published assessment, dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectAccessible(page, 'jobs at 360 px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('Greenhouse orders the published assessment: the order carries its package, job, invitation validity and extra time', async () => {
    const sent = await gh.sendTest({ partner_test_id: asmId });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const [order] = query<{ package_id: string; job_name: string; extra_time_percent: number; invited_at: string; expires_at: string; status: string; meta: string }>(
      server,
      "SELECT package_id, job_name, extra_time_percent, invited_at, expires_at, status, meta FROM orders WHERE source = 'greenhouse'",
    );
    expect(order).toMatchObject({ package_id: 'numerical-reasoning', extra_time_percent: 25, status: 'pending' });
    expect(JSON.parse(order!.meta).assessment_id).toBe(asmId);
    expect(Date.parse(order!.expires_at) - Date.parse(order!.invited_at)).toBe(5 * 86_400_000);
  });

  test('Unpublish asks first (keyboard alone), then withdraws it everywhere; a new order for it is refused', async () => {
    const row = assessmentRow(page);
    await row.getByRole('button', { name: `Unpublish ${NAME}` }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Unpublish this assessment?' });
    await dialog.waitFor();
    await expectAccessible(page, 'unpublish confirmation');
    // Escape keeps it published.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await row.locator('[data-label="State"]').textContent()).toContain('Published');
    await row.getByRole('button', { name: `Unpublish ${NAME}` }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    // Focus starts on the dialog's first button: Unpublish.
    await page.keyboard.press('Enter');
    await until(() => row.locator('[data-label="State"]').textContent(), (t) => !!t?.includes('Unpublished'), 15_000, 'the unpublished state');
    expect(await row.getByRole('button', { name: `Publish ${NAME}` }).count()).toBe(1);

    await until(async () => komboNames(), (l) => !l.some(([id]) => id === asmId), 15_000, 'Kombo to drop the assessment');
    expect(komboNames().length).toBeGreaterThan(0); // the packages themselves stay
    expect((await pickerNames()).map(([id]) => id)).not.toContain(asmId);
    expect((await greenhouseTests()).map(([id]) => id)).not.toContain(asmId);
    expect((await recruiteeTests()).map(([id]) => id)).not.toContain(asmId);
    // Greenhouse documents 401/404 only: a refused Send Test is a 404 with our reason.
    const refused = await gh.sendTest({ partner_test_id: asmId, application_id: DEFAULT_IDS.application });
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ error: { code: 'package_inactive' } });
  });
});

describe('a member', () => {
  test('sees the jobs but no admin action, and the API refuses one with 403', async () => {
    const password = 'member-password-123';
    await cli(['users:create', '--account', server.demo.account_id, '--email', 'jobs-member@example.test', '--password', password, '--role', 'member']);
    const member = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await member.goto(`${server.url}/dashboard/jobs`);
    await member.getByLabel('E-mail address').fill('jobs-member@example.test');
    await member.getByLabel('Password').fill(password);
    await member.getByRole('button', { name: 'Log in' }).click();
    await assessmentRow(member).waitFor({ timeout: 20_000 });
    await member.locator('.brand .muted').filter({ hasText: 'jobs-member@example.test' }).waitFor();
    expect(await member.getByRole('button', { name: /^(Create a job|Publish|Unpublish)/ }).count()).toBe(0);
    const refused = await member.evaluate(async (id) => {
      const r = await fetch(`/api/dashboard/assessments/${id}/publish`, { method: 'POST' });
      return { status: r.status, body: await r.json() };
    }, asmId);
    expect(refused).toEqual({ status: 403, body: { error: { code: 'admin_only', message: expect.any(String) } } });
    expect(await assessmentRow(member).locator('[data-label="State"]').textContent()).toContain('Unpublished');
    await member.close();
  });
});
