// Issue 20's "a candidate ordered from each source appears in Candidates with the right status, then the right
// score after completion", for the four ATS sources dashboard-candidates.test.ts does not order from: Kombo,
// StackOne, Recruitee and Lever. Each simulator orders over real HTTP as its vendor's document says (the
// simulators cite the sections); an admin watches the Candidates page in Chromium, which shows each candidate
// as Invited with its source, then — without a reload — Completed with the score and band the server stored,
// once the candidate has taken the test through the candidate API (as the page at /t/<token> does).
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_SCORE_BANDS, scoreBand } from '../../shared/score-bands.ts';
import { inviteToken, mails, takeTest, until } from '../helpers/candidate.ts';
import { query } from '../helpers/db.ts';
import type { RunningServer } from '../helpers/server.ts';
import { addKomboConnection } from '../integration/kombo-helpers.ts';
import { addConnection as addLeverConnection, consent } from '../integration/lever-helpers.ts';
import { addConnection, startPublicServer } from '../integration/stackone-recruitee-helpers.ts';
import { startSimulator as startKombo, type KomboSimHandle } from '../simulators/kombo/index.ts';
import { DEFAULT_IDS as LEVER_IDS, startSimulator as startLever, TRIGGER_STAGE_NAME, type LeverSimHandle } from '../simulators/lever/index.ts';
import { startSimulator as startRecruitee, type RecruiteeSimHandle } from '../simulators/recruitee/index.ts';
import { startSimulator as startStackOne, type StackOneSimHandle } from '../simulators/stackone/index.ts';
import { assay } from '../helpers/cli.ts';
import { apiCall, apiSession, expectAccessible, launchChromium, mintContext } from './helpers.ts';

const SO_PARTNER_KEY = 'so-partner-key-sources-0123456789';
let server: RunningServer;
let kombo: KomboSimHandle;
let so: StackOneSimHandle;
let rc: RecruiteeSimHandle;
let lever: LeverSimHandle;
let browser: Browser;
let page: Page;

/** Each source's candidate: the name the row shows, the label of its source, the package ordered, our order id. */
const ordered: Array<{ name: string; source: string; packageId: string; packageName: string; orderId?: string }> = [
  { name: 'Katherine Johnson', source: 'Kombo', packageId: 'numerical-reasoning', packageName: 'Numerical Reasoning' },
  { name: 'Dorothy Vaughan', source: 'StackOne', packageId: 'logical-reasoning', packageName: 'Logical Reasoning' },
  { name: 'Mary Jackson', source: 'Recruitee', packageId: 'numerical-reasoning', packageName: 'Numerical Reasoning' },
  { name: 'Margaret Hamilton', source: 'Lever', packageId: 'logical-reasoning', packageName: 'Logical Reasoning' },
];

const orderOf = (source: string, where: string, ...args: unknown[]) =>
  query<{ id: string }>(server, `SELECT id FROM orders WHERE source = ? AND ${where}`, source, ...args)[0]?.id;

beforeAll(async () => {
  [server, kombo, so, rc, lever, browser] = await Promise.all([
    startPublicServer(),
    startKombo(),
    startStackOne({ partnerApiKey: SO_PARTNER_KEY }),
    startRecruitee({ retryDelaysMs: [300, 300, 300] }),
    startLever({ retryDelaysMs: [50, 50, 50, 50, 50], signatureToken: 'lever-signing-token-sources' }),
    launchChromium(),
  ]);
  // The operator connects the four ATSs with the CLI (the dashboard's own connect forms have their tests).
  const k = await addKomboConnection(server, kombo);
  kombo.config({ webhook_url: k.webhookUrl });
  const s = so.credentials;
  const soCon = await addConnection(server, 'stackone', { api_key: s.api_key, account_id: s.account_id, webhook_secret: s.webhook_secret, base_url: s.base_url, partner_api_key: SO_PARTNER_KEY });
  so.config({ webhook_url: `${server.url}/webhooks/stackone/${soCon}`, package_list_url: `${server.url}/partner/stackone/${soCon}/packages` });
  const r = rc.credentials;
  const rcCon = await addConnection(server, 'recruitee', { customer_token: r.customer_token, partner_secret: r.partner_secret, codename: r.codename, webhook_secret: r.webhook_secret, company_id: r.company_id, base_url: r.base_url });
  rc.config({ partner_urls_base: `${server.url}/partner/recruitee/${rcCon}`, webhook_url: `${server.url}/webhooks/recruitee/${rcCon}` });
  const lv = await addLeverConnection(server, lever);
  const cb = await consent(lv.authorize_url);
  expect(cb.status, await cb.text()).toBe(200);
  lever.config({ webhook_url: `${server.url}/webhooks/lever/${lv.connection_id}` });
  const mapped = await assay(['lever:map', lv.connection_id, '--posting', LEVER_IDS.posting, '--package', 'logical-reasoning', '--json'], { DATA_DIR: server.dataDir, PUBLIC_URL: server.url });
  expect(mapped.code, mapped.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([kombo?.close(), so?.close(), rc?.close(), lever?.close()]);
  await server?.stop();
});

const row = (p: Page, name: string) => p.locator('table.candidates tbody tr', { has: p.getByRole('rowheader', { name: new RegExp(name) }) });
const cell = (r: Locator, label: string) => r.locator(`[data-label="${label}"]`);

describe('Candidates: one candidate ordered from each ATS', () => {
  test('Kombo, StackOne, Recruitee and Lever order over real HTTP; each candidate appears Invited with its source', async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/dashboard`);
    await page.getByLabel('E-mail address').fill(server.demo.user.email);
    await page.getByLabel('Password').fill(server.demo.user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Candidates', level: 1 }).waitFor({ timeout: 20_000 });
    await page.getByText('No candidates yet').or(page.locator('table.candidates')).first().waitFor();

    // Kombo: the ATS creates an assessment order and sends the order-received webhook (Kombo's assessment API).
    const { delivery } = await kombo.createOrder({
      package_id: 'numerical-reasoning',
      candidate: { remote_id: 'src-kj', email: 'katherine@example.test', first_name: 'Katherine', last_name: 'Johnson' },
      application: { remote_id: 'src-app-kj' },
      job: { remote_id: 'src-job-1', name: 'Flight Research' },
    });
    expect(delivery).toMatchObject({ delivered: true, status: 200 });
    ordered[0]!.orderId = orderOf('kombo', "application_id = 'src-app-kj'");

    // StackOne: the recruiter opens the picker (our package list) and orders a package.
    expect((await so.openPicker()).status).toBe(200);
    const soOrder = await so.orderPackage({ package_id: 'logical-reasoning', application: { remote_id: 'src-app-dv' }, candidate: { email: 'dorothy@example.test', first_name: 'Dorothy', last_name: 'Vaughan' } });
    expect(soOrder.delivery).toMatchObject({ delivered: true, status: 200 });
    ordered[1]!.orderId = orderOf('stackone', "application_id = 'src-app-dv'");

    // Recruitee: "Send test" calls our send_candidate partner URL.
    const sent = await rc.sendCandidate({ test_id: 'numerical-reasoning', test_name: 'Numerical Reasoning', candidate: { id: 7001, first_name: 'Mary', last_name: 'Jackson', email: 'mary@example.test' } });
    expect(sent.outcome).toBe('ok');
    ordered[2]!.orderId = orderOf('recruitee', "application_id = '7001'");

    // Lever: the opportunity on the mapped posting moves to the trigger stage; Lever sends the stage-change webhook.
    const opp = lever.seed({ opportunities: [{ name: 'Margaret Hamilton', emails: ['margaret@example.test'], posting: LEVER_IDS.posting, stage: 'lead-new' }] }).opportunities![0]!;
    lever.moveToStage(opp, TRIGGER_STAGE_NAME);
    ordered[3]!.orderId = await until(async () => orderOf('lever', 'application_id = ?', opp), (id) => !!id, 20_000, 'the Lever order');

    for (const o of ordered) expect(o.orderId, `${o.source}'s order`).toMatch(/^ord_/);
    // No reload: the list follows by itself (live updates).
    for (const o of ordered) {
      const r = row(page, o.name);
      await r.waitFor({ timeout: 20_000 });
      expect(await cell(r, 'Source').textContent(), o.name).toBe(o.source);
      expect(await cell(r, 'Status').textContent(), o.name).toBe('Invited');
      expect(await cell(r, 'Assessment').textContent(), o.name).toBe(o.packageName);
      expect(await cell(r, 'Score').textContent(), o.name).toBe('—');
      expect(await r.getByRole('link', { name: new RegExp(`^Report: ${o.name}`) }).getAttribute('href')).toBe(`/report/${o.orderId}`);
    }
    expect(await row(page, 'Katherine Johnson').locator('[data-label="Job"]').textContent()).toBe('Flight Research');
    expect(await row(page, 'Margaret Hamilton').locator('[data-label="Job"]').textContent()).toBe('Data Analyst');

    // The Source filter offers every source with orders and narrows to one.
    await page.getByLabel('Source').selectOption({ label: 'Recruitee' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await until(() => page.locator('table.candidates tbody th .who').allTextContents(), (n) => n.join() === 'Mary Jackson', 10_000, 'only Mary');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row(page, 'Katherine Johnson').waitFor();
  });

  test('each candidate takes the test; each row turns Completed with the stored score and band, without a reload', async () => {
    for (const o of ordered) {
      const mail = await until(() => mails(server.dataDir, o.orderId), (m) => m.length > 0, 20_000, `${o.source}'s invitation`);
      await takeTest(server.url, inviteToken(mail[0]!)!, o.packageId);
    }
    for (const o of ordered) {
      const r = row(page, o.name);
      await until(() => cell(r, 'Status').textContent(), (s) => s === 'Completed', 20_000, `${o.name} Completed`);
      const [result] = query<{ score: number }>(server, 'SELECT score FROM results WHERE order_id = ?', o.orderId);
      expect(result, o.name).toBeDefined();
      expect(await cell(r, 'Score').textContent(), o.name).toBe(`${result!.score}%${scoreBand(result!.score, DEFAULT_SCORE_BANDS)!.label}`);
    }
    await expectAccessible(page, 'candidates from every ATS, light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'candidates from every ATS, dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });
});

describe('Candidates: the other filters and keyset pagination', () => {
  const names = () => page.locator('table.candidates tbody th .who').allTextContents();
  const apply = () => page.getByRole('button', { name: 'Apply' }).click();
  const isoDay = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  test('by job, by assessment and by period the list narrows, and the address keeps the filters', async () => {
    await page.getByLabel('Job').selectOption({ label: 'Flight Research' });
    await apply();
    await until(names, (n) => n.join() === 'Katherine Johnson', 10_000, 'only the Flight Research candidate');
    expect(new URL(page.url()).searchParams.get('job_id')).toBe('src-job-1');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Assessment').selectOption({ label: 'Logical Reasoning' });
    await apply();
    await until(names, (n) => [...n].sort().join() === 'Dorothy Vaughan,Margaret Hamilton', 10_000, 'the two Logical Reasoning candidates');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    // Period: ordered from two days ahead finds none; from two days back finds all four.
    await page.getByLabel('Ordered from').fill(isoDay(2));
    await apply();
    await page.getByText('No candidates match these filters.').waitFor();
    await page.getByLabel('Ordered from').fill(isoDay(-2));
    await page.getByLabel('Ordered until').fill(isoDay(2));
    await apply();
    await until(names, (n) => n.length === ordered.length, 10_000, 'all four in the period');
    // The filters survive a reload (they are in the address).
    await page.reload();
    expect(await page.getByLabel('Ordered from').inputValue()).toBe(isoDay(-2));
    await until(names, (n) => n.length === ordered.length, 10_000, 'all four after a reload');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await until(names, (n) => n.length === ordered.length, 10_000, 'the unfiltered list');
  });

  test('more orders than one page: Show more (by keyboard) brings the next page, none repeated or skipped', async () => {
    // 24 more orders from the widget, one candidate each: 28 in all, more than one page.
    for (let i = 0; i < 24; i++) {
      const token = await apiSession(
        server.url,
        await mintContext(server.demo, { candidate: { id: `cand-page-${i}`, email: `page${i}@example.test`, first_name: 'Paged', last_name: `Candidate ${String(i).padStart(2, '0')}` }, application: { id: `app-page-${i}` }, job: { id: 'job-page', name: 'Paging' } }),
      );
      await apiCall(server.url, token, 'POST', '/api/orders', { package_id: 'work-style' });
    }
    await page.reload();
    await page.getByRole('rowheader', { name: /Paged Candidate 23/ }).waitFor({ timeout: 20_000 });
    const first = await names();
    expect(first.length).toBeLessThan(28);
    expect(first).not.toContain('Katherine Johnson'); // the oldest is not on the first page
    const more = page.getByRole('button', { name: 'Show more' });
    await more.focus();
    await page.keyboard.press('Enter');
    const all = await until(names, (n) => n.length === 28, 15_000, 'the second page');
    expect(new Set(all).size).toBe(28);
    expect(all.slice(0, first.length)).toEqual(first);
    for (const o of ordered) expect(all).toContain(o.name);
    expect(await more.count()).toBe(0); // nothing left to show
  });
});
