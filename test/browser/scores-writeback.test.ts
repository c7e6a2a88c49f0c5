// Scores people can trust (issue 15), the ATS side: for each of the five vendors an order arrives through
// its simulator, the candidate answers on the page in Chromium from a known answer key, and the exact
// expected score — worked out by hand below, integral so it holds under any one rounding rule — is what
// the report shows and what the simulator received. One server with all five connections, one Chromium.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { inviteToken, mails, packageContent, until } from '../helpers/candidate.ts';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { startSimulator as startGreenhouse, DEFAULT_IDS as GH_IDS, type GreenhouseSimHandle } from '../simulators/greenhouse/index.ts';
import { startSimulator as startKombo, type KomboSimHandle } from '../simulators/kombo/index.ts';
import { startSimulator as startLever, DEFAULT_IDS as LEVER_IDS, type LeverSimHandle } from '../simulators/lever/index.ts';
import { startSimulator as startRecruitee, type RecruiteeSimHandle } from '../simulators/recruitee/index.ts';
import { startSimulator as startStackOne, type StackOneSimHandle } from '../simulators/stackone/index.ts';
import { addConnection as addLeverConnection, consent } from '../integration/lever-helpers.ts';
import { answersFromContent, freePort, openReport, takeWithMouse, type GivenAnswer } from './candidate-helpers.ts';
import { launchChromium } from './helpers.ts';

const SO_PARTNER_KEY = 'partner-key-0123456789abcdef';
const GH_PARTNER_KEY = 'gh-partner-key-0123456789abcdef';

let server: RunningServer;
let browser: Browser;
let recruiter: Page;
let kombo: KomboSimHandle;
let so: StackOneSimHandle;
let rc: RecruiteeSimHandle;
let gh: GreenhouseSimHandle;
let lever: LeverSimHandle;

const cli = async (args: string[]) => {
  const r = await assay([...args, '--json'], { ...server.storeEnv, PUBLIC_URL: server.url });
  if (r.code !== 0) throw new Error(`assay ${args[0]} failed: ${r.stderr}`);
  return r.json;
};
const connect = async (provider: string, settings: Record<string, string>) =>
  (await cli(['connections:add', '--account', server.demo.account_id, '--provider', provider, ...Object.entries(settings).flatMap(([k, v]) => ['--set', `${k}=${v}`])])).connection_id as string;

beforeAll(async () => {
  const port = await freePort();
  [server, browser, kombo, so, rc, gh, lever] = await Promise.all([
    startServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, ASSAY_LEVER_BACKOFF_MS: '50' } }),
    launchChromium(),
    startKombo({}),
    startStackOne({ partnerApiKey: SO_PARTNER_KEY }),
    startRecruitee({ retryDelaysMs: [300, 300, 300] }),
    startGreenhouse({ partnerApiKey: GH_PARTNER_KEY, webhookSecret: 'gh-webhook-secret', harvestApiKey: 'gh-harvest-key', retryDelaysMs: [50, 50] }),
    startLever({ retryDelaysMs: [50, 50, 50, 50, 50], signatureToken: 'lever-signing-token-1' }),
  ]);
  const k = kombo.credentials;
  const komboConn = await connect('kombo', { api_key: k.api_key!, integration_id: k.integration_id!, webhook_secret: k.webhook_secret!, base_url: k.base_url! });
  kombo.config({ webhook_url: `${server.url}/webhooks/kombo/${komboConn}` });
  const s = so.credentials;
  const soConn = await connect('stackone', { api_key: s.api_key!, account_id: s.account_id!, webhook_secret: s.webhook_secret!, base_url: s.base_url!, partner_api_key: SO_PARTNER_KEY, static_package_id: 'numerical-reasoning', codename: 'assay-demo' });
  so.config({ webhook_url: `${server.url}/webhooks/stackone/${soConn}`, package_list_url: `${server.url}/partner/stackone/${soConn}/packages` });
  const r = rc.credentials;
  const rcConn = await connect('recruitee', { customer_token: r.customer_token!, partner_secret: r.partner_secret!, codename: r.codename!, webhook_secret: r.webhook_secret!, company_id: String(r.company_id), base_url: r.base_url! });
  rc.config({ partner_urls_base: `${server.url}/partner/recruitee/${rcConn}`, webhook_url: `${server.url}/webhooks/recruitee/${rcConn}` });
  const ghConn = await connect('greenhouse', { partner_api_key: GH_PARTNER_KEY, webhook_secret: 'gh-webhook-secret', harvest_api_key: 'gh-harvest-key', on_behalf_of: String(GH_IDS.user), base_url: gh.baseUrl });
  await gh.config({ partner_base_url: `${server.url}/partner/greenhouse/${ghConn}` });
  const added = await addLeverConnection(server, lever);
  const cb = await consent(added.authorize_url);
  if (cb.status !== 200) throw new Error(`Lever consent answered ${cb.status}`);
  lever.config({ webhook_url: `${server.url}/webhooks/lever/${added.connection_id}` });
  await cli(['lever:map', added.connection_id, '--posting', LEVER_IDS.posting, '--package', 'logical-reasoning']);
  recruiter = await (await browser.newContext()).newPage();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await Promise.all([kombo?.close(), so?.close(), rc?.close(), gh?.close(), lever?.close()]);
});

/** The newest order that came in from `source`, once it exists. */
const newestOrder = (source: string) =>
  until(() => query<{ id: string }>(server, 'SELECT id FROM orders WHERE source = ? ORDER BY created_at DESC, rowid DESC LIMIT 1', source)[0], (o) => !!o, 20_000, `an order from ${source}`).then((o) => o!.id);

/** The candidate opens the link from their e-mail in a fresh context and answers on the page. */
async function candidateAnswers(orderId: string, pick: (qid: string) => GivenAnswer | null) {
  const [mail] = await until(() => mails(server.dataDir, orderId), (m) => m.length === 1, 20_000, `the invitation for ${orderId}`);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${server.url}/t/${inviteToken(mail!)}`);
  await takeWithMouse(page, pick);
  await ctx.close();
}

async function reportShows(orderId: string, pct: number) {
  await openReport(recruiter, server.url, server.demo.user, orderId);
  expect(await recruiter.locator('.big').textContent()).toBe(`${pct}%`);
}

describe('the score a candidate earns on the page is the score each ATS receives', () => {
  test('Kombo: Logical Reasoning all right → 100', async () => {
    // Series 7/7 = 100, Deduction 6/6 = 100; overall (100·1 + 100·1.5) / 2.5 = 100.
    const key = answersFromContent(packageContent('logical-reasoning'));
    const { order: ko } = await kombo.createOrder({ package_id: 'logical-reasoning', candidate: { remote_id: 'sc-k-1', email: 'kim@example.com', first_name: 'Kim', last_name: 'Jansen' }, application: { remote_id: 'sc-k-app' }, job: { remote_id: 'sc-k-job', name: 'Analyst' } });
    const orderId = query<{ id: string }>(server, "SELECT id FROM orders WHERE source = 'kombo' AND source_order_id = ?", ko.id)[0]!.id;
    await candidateAnswers(orderId, (q) => key[q]!.right);
    const held = await until(() => kombo.order(ko.id), (o) => o.status === 'COMPLETED', 30_000, 'the result in Kombo');
    expect((held.result as { score: number }).score).toBe(100);
    await reportShows(orderId, 100);
  });

  test('StackOne: Numerical Reasoning, Percentages right and Data wrong → 50', async () => {
    // Percentages 7/7 = 100, Data interpretation 0/6 = 0; overall (100 + 0) / 2 = 50.
    const content = packageContent('numerical-reasoning');
    const key = answersFromContent(content);
    const first = new Set(content.tests[0]!.questions.map((q) => q.id));
    const { order } = await so.orderPackage({ package_id: 'numerical-reasoning', application: { remote_id: 'sc-so-app' }, candidate: { email: 'sol@example.com' } });
    const orderId = await newestOrder('stackone');
    await candidateAnswers(orderId, (q) => (first.has(q) ? key[q]!.right : key[q]!.wrong));
    const result = await until(() => so.order(order.id).result, (r) => r !== null, 30_000, 'the result in StackOne');
    expect(result).toMatchObject({ score: { value: '50', max: '100' }, result: { value: 'completed' } });
    await reportShows(orderId, 50);
  });

  test('Recruitee: TypeScript Skills all right, short text included → 100', async () => {
    // Type system 10/10 (choices, selections, short text), Reading code 4/4; overall (100·2 + 100·1) / 3 = 100.
    const key = answersFromContent(packageContent('typescript-skills'));
    const sent = await rc.sendCandidate({ test_id: 'typescript-skills', test_name: 'TypeScript Skills', candidate: { id: 7701, first_name: 'Ada', last_name: 'Lovelace', email: 'ada.rc@example.com' } });
    const orderId = await newestOrder('recruitee');
    await candidateAnswers(orderId, (q) => key[q]!.right);
    const report = await until(() => rc.report(sent.report.id), (x) => x.status === 'completed', 30_000, 'the report in Recruitee');
    expect(report.score).toBe('100%');
    await reportShows(orderId, 100);
  });

  test('Greenhouse: Work Style all wrong → 0', async () => {
    // Every statement at the keyed bottom (keyed 1 → 0 %) and every situation wrong (0/5); overall (0 + 0) / 2 = 0.
    const key = answersFromContent(packageContent('work-style'));
    const sent = await gh.sendTest({ partner_test_id: 'work-style', application_id: GH_IDS.application });
    expect(sent.status).toBe(200);
    const orderId = (sent.body as { partner_interview_id: string }).partner_interview_id;
    await candidateAnswers(orderId, (q) => key[q]!.wrong);
    const answer = await until(
      () => gh.testStatusAnswers().find((a) => (a.body as { partner_status?: string } | null)?.partner_status === 'complete'),
      (a) => !!a,
      30_000,
      'a complete test_status in Greenhouse',
    );
    expect((answer!.body as { partner_score: number }).partner_score).toBe(0);
    await reportShows(orderId, 0);
  });

  test('Lever: Logical Reasoning, Series right and Deduction wrong → 40', async () => {
    // Series 7/7 = 100 (weight 1), Deduction 0/6 = 0 (weight 1.5); overall (100·1 + 0·1.5) / 2.5 = 40.
    const content = packageContent('logical-reasoning');
    const key = answersFromContent(content);
    const first = new Set(content.tests[0]!.questions.map((q) => q.id));
    const opp = lever.seed({ opportunities: [{ name: 'Grace Hopper', emails: ['grace.lever@example.com'], posting: LEVER_IDS.posting, stage: 'lead-new' }] }).opportunities![0]!;
    lever.moveToStage(opp, 'Assay Assessment');
    const orderId = await newestOrder('lever');
    await candidateAnswers(orderId, (q) => (first.has(q) ? key[q]!.right : key[q]!.wrong));
    const [note] = await until(() => lever.notes(opp), (n) => n.length === 1, 30_000, 'the note in Lever');
    expect(note!.value).toContain('Logical Reasoning: 40%');
    await reportShows(orderId, 40);
  });
});
