// Erasure leaves no link between a kept score and the person, whatever brought the person in. One person
// ("Quentin Vexley-Ombrage") has orders through every source — the widget (one started with proctoring
// events, one completed, one whose invitation the mail server refused for good), Kombo, StackOne, Recruitee,
// Greenhouse and Lever, each through its simulator over real HTTP — and is then erased with
// `assay candidates:erase`. Afterwards no table (every column, JSON text included: inbox and webhook
// payloads, audit details, outbox payload and last_error) and no file under the data folder may hold the
// person's e-mail, name or any ATS id (candidate, application, profile URL); the score row stays.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { inviteToken, mails, takeTest, until } from '../helpers/candidate.ts';
import { query, tableNames } from '../helpers/db.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { DEFAULT_IDS as GH_IDS, startSimulator as startGreenhouse, type GreenhouseSimHandle } from '../simulators/greenhouse/index.ts';
import { startSimulator as startKombo, type KomboSimHandle } from '../simulators/kombo/index.ts';
import { startSimulator as startRecruitee, type RecruiteeSimHandle } from '../simulators/recruitee/index.ts';
import { startSimulator as startStackOne, type StackOneSimHandle } from '../simulators/stackone/index.ts';
import { DEFAULT_IDS as LEVER_IDS } from '../simulators/lever/index.ts';
import { addKomboConnection } from '../integration/kombo-helpers.ts';
import { cliEnv, startLever, type LeverWorld } from '../integration/lever-helpers.ts';
import { addConnection, completeAsCandidate } from '../integration/stackone-recruitee-helpers.ts';

const FIRST = 'Quentin';
const LAST = 'Vexley-Ombrage';
const email = (source: string) => `quentin.vexley+${source}@example.com`;
const GH_KEY = 'gh-partner-key-0123456789abcdef';
const SO_PARTNER_KEY = 'partner-key-0123456789abcdef';

/** Identifiers chosen by us (the ATS ids the simulators let a test pick), each distinctive enough to grep for. */
const IDS = {
  widgetCandidate: 'qvx-widget-cand-5521',
  widgetApplication: 'qvx-widget-app-5521',
  komboCandidate: 'qvx-kombo-cand-7731',
  komboApplication: 'qvx-kombo-app-7731',
  stackoneCandidate: 'qvx-so-cand-8842',
  stackoneApplication: 'qvx-so-app-8842',
  stackoneProfile: 'https://app.recruitee.com/#/candidates/qvx-so-profile-8842',
  recruiteeCandidate: 90417733,
};

let w: LeverWorld;
let smtp: TestSmtp;
let kombo: KomboSimHandle;
let so: StackOneSimHandle;
let rc: RecruiteeSimHandle;
let gh: GreenhouseSimHandle;
/** Every identifier of the person, filled in as the ATSs assign theirs. */
const traces: string[] = [FIRST, LAST, 'Vexley', 'quentin.vexley', ...Object.values(IDS).map(String)];
/** Numeric ATS ids (Greenhouse's), searched for in the forms they take in stored text. */
const numericIds: number[] = [];
const orderIds: Record<string, string> = {};
const orderId = (k: string) => orderIds[k]!;

const dataDir = () => w.server.dataDir;
const cli = (args: string[]) => assay(args, cliEnv(w.server));

/** Every row of every table, as text (JSON text columns included as stored). */
function wholeDatabase(): string {
  const tables = tableNames(w.server);
  expect(tables).toEqual(expect.arrayContaining(['candidates', 'orders', 'results', 'outbox', 'inbox', 'audit_log', 'proctoring_events']));
  return tables.map((t) => `${t}: ${JSON.stringify(query(w.server, `SELECT * FROM "${t}"`))}`).join('\n');
}

/** Every file under the data folder except the database itself (the store is read through SQL above). */
function everyFile(dir = dataDir()): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...everyFile(p));
    else if (!/^assay\.db(-wal|-shm|-journal)?$/.test(name)) out.push({ path: p, text: readFileSync(p, 'utf8').replace(/=\r?\n/g, '') });
  }
  return out;
}

/** Which of the person's identifiers occur in `text` (numeric ids only in the forms stored text gives them). */
function found(text: string): string[] {
  const hits = traces.filter((t) => text.toLowerCase().includes(t.toLowerCase()));
  for (const id of numericIds) for (const form of [`"${id}"`, `:${id}`, `=${id}`, `/${id}`, ` ${id}`]) if (text.includes(form)) hits.push(form);
  return hits;
}

beforeAll(async () => {
  smtp = await startSmtp({ refuseRecipients: true });
  [w, kombo, so, rc, gh] = await Promise.all([
    startLever({ env: { SMTP_URL: smtp.url, KOMBO_RECONCILE_MS: '600000' } }),
    startKombo({}),
    startStackOne({ partnerApiKey: SO_PARTNER_KEY }),
    startRecruitee({ retryDelaysMs: [300, 300, 300] }),
    startGreenhouse({ partnerApiKey: GH_KEY, webhookSecret: 'gh-webhook-secret', harvestApiKey: 'gh-harvest-key', retryDelaysMs: [100, 100] }),
  ]);

  // 1. The widget, while the mail server refuses every recipient: the invitation is dead-lettered, the order failed.
  const widget = api(w.server.url, await sessionToken(w.server.url, w.server.demo, { claims: { application: { id: IDS.widgetApplication }, candidate: { id: IDS.widgetCandidate, email: email('widget'), first_name: FIRST, last_name: LAST } } }));
  const refusedOrder = await widget.post('/api/orders', { package_id: 'work-style' });
  expect(refusedOrder.status).toBe(201);
  orderIds.widgetRefused = refusedOrder.body.order.id;
  await until(async () => (await widget.get(`/api/orders/${orderIds.widgetRefused}`)).body.order.status, (s) => s === 'failed', 30_000, 'the refused invitation to fail the order');
  expect(smtp.refused).toBeGreaterThanOrEqual(1);

  // From here on e-mails are written as .eml files in the data folder.
  w.server = await w.server.restart({ SMTP_URL: '' });
  // That restart killed the server (SIGKILL) right after a client saw the order fail: the invitation job's end
  // was written with the order's failure, so it is not left `running` under its lease.
  expect(query(w.server, "SELECT status FROM outbox WHERE kind = 'email.invitation' AND order_id = ?", orderIds.widgetRefused)).toEqual([{ status: 'dead' }]);
  const widget2 = api(w.server.url, await sessionToken(w.server.url, w.server.demo, { claims: { application: { id: IDS.widgetApplication }, candidate: { id: IDS.widgetCandidate, email: email('widget'), first_name: FIRST, last_name: LAST } } }));

  // 2. The widget: one test started with proctoring events (left open), one completed (the score to keep).
  orderIds.widgetStarted = (await widget2.post('/api/orders', { package_id: 'logical-reasoning' })).body.order.id;
  orderIds.widgetDone = (await widget2.post('/api/orders', { package_id: 'numerical-reasoning' })).body.order.id;
  const [startedMail] = await until(() => mails(dataDir(), orderId('widgetStarted')), (m) => m.length === 1, 15_000, 'the invitation');
  const startedToken = inviteToken(startedMail!)!;
  const cand = (method: string, path: string, body?: unknown) =>
    fetch(`${w.server.url}/api/candidate${path}`, { method, headers: { authorization: `Bearer ${startedToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  expect((await cand('POST', '/start')).status).toBe(200);
  expect((await cand('POST', '/proctoring', { events: [{ kind: 'left', duration_ms: 1200 }, { kind: 'left', duration_ms: 800 }] })).status).toBe(200);
  await completeAsCandidate(w.server, orderId('widgetDone'), 'numerical-reasoning');

  // 3. Kombo: an order webhook (left open).
  const kc = await addKomboConnection(w.server, kombo);
  kombo.config({ webhook_url: kc.webhookUrl });
  const { order: ko, delivery: kd } = await kombo.createOrder({
    package_id: 'work-style',
    candidate: { remote_id: IDS.komboCandidate, email: email('kombo'), first_name: FIRST, last_name: LAST },
    application: { remote_id: IDS.komboApplication },
    job: { remote_id: 'rc-job-1', name: 'Data Analyst' },
  });
  expect(kd).toMatchObject({ delivered: true, status: 200 });
  orderIds.kombo = query<{ id: string }>(w.server, "SELECT id FROM orders WHERE source = 'kombo' AND source_order_id = ?", ko.id)[0]!.id;

  // 4. StackOne: an order through the picker, completed (its result written back).
  const c = so.credentials;
  const soConn = await addConnection(w.server, 'stackone', { api_key: c.api_key, account_id: c.account_id, webhook_secret: c.webhook_secret, base_url: c.base_url, partner_api_key: SO_PARTNER_KEY, codename: 'assay-demo' });
  so.config({ webhook_url: `${w.server.url}/webhooks/stackone/${soConn}`, package_list_url: `${w.server.url}/partner/stackone/${soConn}/packages` });
  await so.openPicker();
  const { order: soo, delivery: sod } = await so.orderPackage({
    package_id: 'logical-reasoning',
    application: { remote_id: IDS.stackoneApplication },
    candidate: { remote_id: IDS.stackoneCandidate, first_name: FIRST, last_name: LAST, email: email('stackone'), profile_url: IDS.stackoneProfile },
  });
  expect(sod).toMatchObject({ delivered: true, status: 200 });
  orderIds.stackone = (JSON.parse(sod.body!) as { order_id: string }).order_id;
  expect(orderIds.stackone, sod.body).toMatch(/^ord_/);
  void soo;
  await completeAsCandidate(w.server, orderId('stackone'), 'logical-reasoning');

  // 5. Recruitee: "Send test" on the candidate's profile (left open).
  const r = rc.credentials;
  const rcConn = await addConnection(w.server, 'recruitee', { customer_token: r.customer_token, partner_secret: r.partner_secret, codename: r.codename, webhook_secret: r.webhook_secret, company_id: r.company_id, base_url: r.base_url });
  rc.config({ partner_urls_base: `${w.server.url}/partner/recruitee/${rcConn}`, webhook_url: `${w.server.url}/webhooks/recruitee/${rcConn}` });
  const sent = await rc.sendCandidate({ test_id: 'work-style', test_name: 'Work style', candidate: { id: IDS.recruiteeCandidate, first_name: FIRST, last_name: LAST, email: email('recruitee') } });
  expect(sent.outcome).toBe('ok');
  orderIds.recruitee = (sent.answer.body as { id: string }).id;

  // 6. Greenhouse: a test sent from the application (left open).
  const add = await cli(['connections:add', '--account', w.server.demo.account_id, '--provider', 'greenhouse', '--set', `partner_api_key=${GH_KEY}`, '--set', 'webhook_secret=gh-webhook-secret', '--set', 'harvest_api_key=gh-harvest-key', '--set', `base_url=${gh.baseUrl}`, '--json']);
  expect(add.code, add.stderr).toBe(0);
  const ghConn = add.json.connection_id as string;
  await gh.config({ partner_base_url: `${w.server.url}/partner/greenhouse/${ghConn}`, webhook_url: `${w.server.url}/webhooks/greenhouse/${ghConn}` });
  const ghCand = gh.seed({ candidates: [{ first_name: FIRST, last_name: LAST, email: email('greenhouse') }] }).candidates![0]!;
  const ghApp = gh.seed({ applications: [{ candidate_id: ghCand, job_id: GH_IDS.job, stage: 767356 }] }).applications![0]!;
  numericIds.push(ghCand, ghApp);
  const ghSent = await gh.sendTest({ partner_test_id: 'work-style', application_id: ghApp });
  expect(ghSent.status).toBe(200);
  orderIds.greenhouse = (ghSent.body as { partner_interview_id: string }).partner_interview_id;

  // 7. Lever: the opportunity moved to the trigger stage of a mapped posting (left open).
  const mapped = await w.cli(['lever:map', w.connectionId, '--posting', LEVER_IDS.posting, '--package', 'numerical-reasoning']);
  expect(mapped.code, mapped.stderr).toBe(0);
  const opp = w.sim.seed({ opportunities: [{ name: `${FIRST} ${LAST}`, emails: [email('lever')], posting: LEVER_IDS.posting, stage: 'lead-new' }] }).opportunities![0]!;
  traces.push(opp);
  w.sim.moveToStage(opp, 'Assay Assessment');
  orderIds.lever = (await until(() => query<{ id: string }>(w.server, "SELECT id FROM orders WHERE source = 'lever' AND application_id = ?", opp), (o) => o.length === 1, 15_000, 'the Lever order'))[0]!.id;
  const leverCandidate = query<{ external_id: string }>(w.server, "SELECT c.external_id FROM candidates c JOIN orders o ON o.candidate_id = c.id WHERE o.id = ?", orderIds.lever)[0]!.external_id;
  traces.push(leverCandidate);

  // Every invitation sent (the refused one aside).
  for (const k of ['kombo', 'stackone', 'recruitee', 'greenhouse', 'lever']) await until(() => mails(dataDir(), orderId(k)), (m) => m.length >= 1, 15_000, `the ${k} invitation`);
}, 240_000);

afterAll(async () => {
  await Promise.all([w?.stop(), kombo?.close(), so?.close(), rc?.close(), gh?.close(), smtp?.stop()]);
});

describe('erasing a person who came through every source', () => {
  it('before: the person is in the store and the data folder, under every source (so the test can fail)', () => {
    const db = wholeDatabase();
    for (const source of ['widget', 'kombo', 'stackone', 'recruitee', 'greenhouse', 'lever']) expect(db, source).toContain(email(source));
    for (const t of traces) expect(db, t).toContain(t);
    for (const id of numericIds) expect(found(db), String(id)).toContainEqual(expect.stringContaining(String(id)));
    expect(query(w.server, 'SELECT COUNT(*) AS n FROM proctoring_events WHERE order_id = ?', orderIds.widgetStarted)).toEqual([{ n: 2 }]);
    expect(everyFile().map((f) => f.text).join('\n')).toContain('quentin.vexley');
  });

  it('after `assay candidates:erase` for each of their candidate records, no table or file holds any identifier, and the scores stay', { timeout: 120_000 }, async () => {
    const candidates = query<{ id: string }>(w.server, "SELECT id FROM candidates WHERE email LIKE 'quentin.vexley+%'");
    expect(candidates).toHaveLength(6);
    const scores = query<{ order_id: string; score: number }>(w.server, 'SELECT order_id, score FROM results WHERE order_id IN (?, ?) ORDER BY order_id', orderIds.widgetDone, orderIds.stackone);
    expect(scores).toHaveLength(2);

    for (const c of candidates) {
      const r = await cli(['candidates:erase', '--account', w.server.demo.account_id, '--candidate', c.id, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json.erased_now).toBe(true);
    }

    // The open orders are cancelled through the lifecycle and each ATS is told.
    for (const k of ['widgetStarted', 'kombo', 'recruitee', 'greenhouse', 'lever']) {
      expect(query(w.server, 'SELECT status, invite_token_hash FROM orders WHERE id = ?', orderIds[k]), k).toEqual([{ status: 'cancelled', invite_token_hash: null }]);
    }
    // Wait until every job about these orders has settled (the write-backs need the ATS ids until then).
    const ids = Object.values(orderIds);
    // (Each job's kind, attempts, lease and last error are selected too: a timeout then says which job is stuck and why.)
    await until(
      () => query<{ status: string }>(w.server, `SELECT kind, status, attempts, lease_until, last_error FROM outbox WHERE order_id IN (${ids.map(() => '?').join(',')})`, ...ids),
      (jobs) => jobs.every((j) => j.status === 'done' || j.status === 'dead'),
      60_000,
      'every job about the erased orders to settle',
    );

    const db = wholeDatabase();
    const leftInDb = found(db);
    // Where each one is: the table and the text around it.
    const where = leftInDb.flatMap((t) =>
      db.split('\n').filter((line) => line.toLowerCase().includes(t.toLowerCase())).map((line) => {
        const at = line.toLowerCase().indexOf(t.toLowerCase());
        return `${line.split(':')[0]}: …${line.slice(Math.max(0, at - 160), at + 60)}…`;
      }),
    );
    expect(leftInDb, `left in tables:\n${where.join('\n')}`).toEqual([]);
    for (const f of everyFile()) expect(found(f.text), f.path).toEqual([]);

    // The scores stay, on anonymised candidates.
    expect(query<{ order_id: string; score: number }>(w.server, 'SELECT order_id, score FROM results WHERE order_id IN (?, ?) ORDER BY order_id', orderIds.widgetDone, orderIds.stackone)).toEqual(scores);
  });
});
