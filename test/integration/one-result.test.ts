// One result, the same number everywhere (issue 15, item 3). Candidates ordered from each of the five ATSs
// (Kombo, StackOne, Recruitee, Lever, Greenhouse — each its simulator over real HTTP) give the same answers
// to Logical Reasoning: 5 of 7 right in the first test (weight 1) and 5 of 6 in the second (weight 1.5).
// Earned / max = (5/7 · 1 + 5/6 · 1.5) / 2.5 = 78.57 %, so the one rounding rule gives 79 — and 79 is what
// the report page, the recruiter's result card, the Insights CSVs and every simulator received must show.
// (Before the summary, the overall was the weighted mean of already-rounded test scores: 78.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { inviteToken, mails, packageContent, until } from '../helpers/candidate.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { startSimulator as startGreenhouse, DEFAULT_IDS as GH, type GreenhouseSimHandle } from '../simulators/greenhouse/index.ts';
import { startSimulator as startKombo, type KomboSimHandle } from '../simulators/kombo/index.ts';
import { startSimulator as startLever, DEFAULT_IDS as LV, type LeverSimHandle } from '../simulators/lever/index.ts';
import { startSimulator as startRecruitee, type RecruiteeSimHandle } from '../simulators/recruitee/index.ts';
import { startSimulator as startStackOne, type StackOneSimHandle } from '../simulators/stackone/index.ts';
import { freePort } from '../helpers/net.ts';

const PACKAGE = 'logical-reasoning';
const content = packageContent(PACKAGE);
const weights = (packageContent(PACKAGE) as unknown as { tests: Array<{ weight: number }> }).tests.map((t) => t.weight);
const RIGHT_PER_TEST = [5, 5];
// Computed from the content, not copied from our code: Σ weight · right/total over Σ weight, half up.
const raw = (content.tests.reduce((s, t, i) => s + (weights[i]! * RIGHT_PER_TEST[i]!) / t.questions.length, 0) / weights.reduce((s, w) => s + w, 0)) * 100;
const EXPECTED = Math.floor(raw + 0.5);

let server: RunningServer;
let kombo: KomboSimHandle;
let so: StackOneSimHandle;
let rc: RecruiteeSimHandle;
let lever: LeverSimHandle;
let gh: GreenhouseSimHandle;
const cli = async (args: string[]) => {
  const r = await assay([...args, '--json'], { ...server.storeEnv, PUBLIC_URL: server.url });
  if (r.code !== 0) throw new Error(`assay ${args[0]} failed: ${r.stderr}`);
  return r.json;
};
const add = async (provider: string, settings: Record<string, string | undefined>) =>
  (await cli(['connections:add', '--account', server.demo.account_id, '--provider', provider, ...Object.entries(settings).flatMap(([k, v]) => (v === undefined ? [] : ['--set', `${k}=${v}`]))]));

/** The candidate answers through the candidate API as the page does: the first N of each test right, the rest wrong. */
async function answer(token: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/candidate${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res.json();
  };
  await call('POST', '/start');
  for (const [i, test] of content.tests.entries()) {
    await call('POST', `/tests/${test.id}/start`);
    for (const [j, q] of test.questions.entries()) {
      const ok = j < RIGHT_PER_TEST[i]!;
      const right = q.kind === 'multiple_choice' ? q.answers : q.answer;
      const value = ok ? right : q.kind === 'numeric' ? -12345 : q.kind === 'single_choice' ? (right === 'a' ? 'b' : 'a') : q.kind === 'multiple_choice' ? [] : 'no idea';
      await call('PUT', `/answers/${q.id}`, { value });
    }
    await call('POST', `/tests/${test.id}/finish`);
  }
  await call('POST', '/submit');
}

async function takeOrder(orderId: string) {
  const [mail] = await until(() => mails(server.dataDir, orderId), (m) => m.length === 1, 20_000, `the invitation of ${orderId}`);
  await answer(inviteToken(mail!)!);
}

/** The recruiter's widget on an application: the order JSON the result card reads. */
async function widgetOrders(applicationId: string) {
  const token = await sessionToken(server.url, server.demo, { claims: { application: { id: applicationId } } });
  const r = await api(server.url, token).get('/api/orders');
  expect(r.status).toBe(200);
  return r.body.orders as Array<{ id: string; status: string; source: string; result: { score: number; max_score: number; percent?: number } | null }>;
}

const orders: Record<string, { id: string; application: string }> = {};

beforeAll(async () => {
  [kombo, so, rc, lever, gh] = await Promise.all([
    startKombo({}),
    startStackOne({ partnerApiKey: 'partner-key-0123456789abcdef' }),
    startRecruitee({ retryDelaysMs: [300, 300, 300] }),
    startLever({ retryDelaysMs: [50, 50, 50], signatureToken: 'lever-signing-token-1' }),
    startGreenhouse({ partnerApiKey: 'gh-partner-key-0123456789', webhookSecret: 'gh-webhook-secret', harvestApiKey: 'gh-harvest-key', retryDelaysMs: [50, 50] }),
  ]);
  const port = await freePort();
  server = await startServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, ASSAY_LEVER_BACKOFF_MS: '50' } });

  const k = kombo.credentials;
  const kc = await add('kombo', { api_key: k.api_key, integration_id: k.integration_id, webhook_secret: k.webhook_secret, base_url: k.base_url });
  kombo.config({ webhook_url: `${server.url}/webhooks/kombo/${kc.connection_id}` });

  const s = so.credentials;
  const sc = await add('stackone', { api_key: s.api_key, account_id: s.account_id, webhook_secret: s.webhook_secret, base_url: s.base_url, partner_api_key: 'partner-key-0123456789abcdef', static_package_id: PACKAGE, codename: 'assay-demo' });
  so.config({ webhook_url: `${server.url}/webhooks/stackone/${sc.connection_id}`, package_list_url: `${server.url}/partner/stackone/${sc.connection_id}/packages` });

  const r = rc.credentials;
  const rcc = await add('recruitee', { customer_token: r.customer_token, partner_secret: r.partner_secret, codename: r.codename, webhook_secret: r.webhook_secret, company_id: r.company_id, base_url: r.base_url });
  rc.config({ partner_urls_base: `${server.url}/partner/recruitee/${rcc.connection_id}`, webhook_url: `${server.url}/webhooks/recruitee/${rcc.connection_id}` });

  const l = lever.credentials;
  const lc = await add('lever', { client_id: l.client_id, client_secret: l.client_secret, signature_token: l.signature_token, perform_as: l.perform_as, base_url: l.base_url, auth_url: l.auth_url });
  const authorize = await fetch(lc.authorize_url, { redirect: 'manual' });
  expect((await fetch(authorize.headers.get('location')!, { redirect: 'manual' })).status).toBe(200);
  lever.config({ webhook_url: `${server.url}/webhooks/lever/${lc.connection_id}` });
  await cli(['lever:map', lc.connection_id, '--posting', LV.posting, '--package', PACKAGE]);

  const gc = await add('greenhouse', { partner_api_key: 'gh-partner-key-0123456789', webhook_secret: 'gh-webhook-secret', harvest_api_key: 'gh-harvest-key', on_behalf_of: String(GH.user), base_url: gh.baseUrl });
  await gh.config({ partner_base_url: `${server.url}/partner/greenhouse/${gc.connection_id}` });

  // One order from each ATS, for five different candidates.
  const ko = await kombo.createOrder({ package_id: PACKAGE, candidate: { remote_id: 'one-k', email: 'k@example.com', first_name: 'Kim', last_name: 'K' }, application: { remote_id: 'one-k-app' }, job: { remote_id: 'j1', name: 'Analyst' } });
  orders.kombo = { id: ko.order.id, application: 'one-k-app' };
  await so.openPicker();
  const sto = await so.orderPackage({ package_id: PACKAGE, application: { remote_id: 'one-s-app' } });
  orders.stackone = { id: sto.order.id, application: 'one-s-app' };
  const sent = await rc.sendCandidate({ test_id: PACKAGE, test_name: 'Logical Reasoning', candidate: { id: 4711, first_name: 'Rae', last_name: 'R', email: 'r@example.com' } });
  expect(sent.outcome).toBe('ok');
  orders.recruitee = { id: sent.report.id, application: '4711' };
  const opp = lever.seed({ opportunities: [{ name: 'Lee L', emails: ['l@example.com'], posting: LV.posting, stage: 'lead-new' }] }).opportunities![0]!;
  lever.moveToStage(opp, 'Assay Assessment');
  orders.lever = { id: opp, application: opp };
  const gs = await gh.sendTest({ partner_test_id: PACKAGE, application_id: GH.application });
  expect(gs.status, JSON.stringify(gs.body)).toBe(200);
  orders.greenhouse = { id: (gs.body as { partner_interview_id: string }).partner_interview_id, application: String(GH.application) };
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await Promise.all([kombo, so, rc, lever, gh].map((s) => s?.close()));
});

describe('one attempt, one figure', () => {
  const ours: Record<string, string> = {};

  it(`every candidate answers the same mix (raw ${raw.toFixed(2)} %) and each ATS receives ${EXPECTED}`, { timeout: 240_000 }, async () => {
    expect(raw % 1).not.toBe(0);
    // Our order ids: the Greenhouse one is its interview id; the others are found through the widget.
    ours.greenhouse = orders.greenhouse!.id;
    for (const vendor of ['kombo', 'stackone', 'recruitee', 'lever'] as const) {
      const [o] = await until(() => widgetOrders(orders[vendor]!.application), (list) => list.length === 1, 20_000, `the ${vendor} order`);
      ours[vendor] = o!.id;
    }
    for (const id of Object.values(ours)) await takeOrder(id);

    const komboResult = await until(() => kombo.order(orders.kombo!.id), (o) => o.status === 'COMPLETED', 30_000, 'the result in Kombo');
    const kb = komboResult.result as { score: number; max_score: number; attributes: Array<{ type: string; value?: string; score?: { value: number } }> };
    expect([kb.score, kb.max_score]).toEqual([EXPECTED, 100]);
    expect(kb.attributes.find((a) => a.type === 'TEXT')!.value).toContain(`: ${EXPECTED}/100`);

    const stackone = await until(() => so.order(orders.stackone!.id).result, (r) => r !== null, 30_000, 'the result in StackOne');
    expect(stackone!.score).toEqual({ label: 'Percentage', value: String(EXPECTED), min: '0', max: '100' });

    const report = await until(() => rc.report(orders.recruitee!.id), (x) => x.status !== 'sent', 30_000, 'the report in Recruitee');
    expect(report).toMatchObject({ status: 'completed', score: `${EXPECTED}%` });

    const [note] = await until(() => lever.notes(orders.lever!.id), (n) => n.length === 1, 30_000, 'the note in Lever');
    expect(note!.value).toContain(`Logical Reasoning: ${EXPECTED}% (`);
    const [feedback] = await until(() => lever.feedback(orders.lever!.id), (f) => f.length === 1, 30_000, 'the feedback in Lever');
    expect(JSON.stringify(feedback)).toContain(`${EXPECTED}%`);

    const status = await until(
      () => gh.testStatusAnswers().filter((a) => (a.body as { partner_status?: string } | null)?.partner_status === 'complete'),
      (a) => a.length >= 1,
      30_000,
      'Greenhouse pulling a complete test_status',
    );
    expect((status[0]!.body as { partner_score: number }).partner_score).toBe(EXPECTED);
    expect((status[0]!.body as { metadata: Record<string, unknown> }).metadata.Score).toBe(`${EXPECTED} / 100`);
  });

  it(`the recruiter's result cards, the report pages and the Insights CSVs show ${EXPECTED} too`, { timeout: 120_000 }, async () => {
    expect(Object.keys(ours)).toHaveLength(5);
    for (const vendor of ['kombo', 'stackone', 'recruitee', 'lever'] as const) {
      const [card] = await widgetOrders(orders[vendor]!.application);
      expect(card!.result, vendor).toMatchObject({ score: EXPECTED, max_score: 100, percent: EXPECTED });
    }

    const login = await fetch(`${server.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url }, body: new URLSearchParams(server.demo.user) });
    expect(login.status).toBe(303);
    const cookie = /assay_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    for (const id of Object.values(ours)) {
      const page = await (await fetch(`${server.url}/report/${id}`, { headers: { cookie } })).text();
      expect(/data-testid="overall-percent">(\d+)%</.exec(page)?.[1], id).toBe(String(EXPECTED));
    }

    const csv = await (await fetch(`${server.url}/api/insights/by_package.csv`, { headers: { authorization: `Bearer ${await sessionToken(server.url, server.demo)}` } })).text();
    const row = csv.split(/\r?\n/).find((l) => l.startsWith(`${PACKAGE},`))!;
    // package_id, package_name, sent, completed, completion_rate_percent, avg_score: five attempts, all 79.
    expect(row.split(',').slice(2)).toEqual(['5', '5', '100', String(EXPECTED)]);
    const scores = await (await fetch(`${server.url}/api/insights/scores.csv`, { headers: { authorization: `Bearer ${await sessionToken(server.url, server.demo)}` } })).text();
    const decile = Math.min(9, Math.floor(EXPECTED / 10));
    const bins = scores.trim().split(/\r?\n/).slice(1).map((l) => l.split(',').map(Number));
    expect(bins.find((b) => b[2] === 5)?.slice(0, 2)).toEqual([decile * 10, decile === 9 ? 100 : decile * 10 + 9]);
  });
});
