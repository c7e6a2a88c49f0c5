// Greenhouse's Assessment Partner contract over real HTTP: the simulator plays Greenhouse calling our
// list_tests / send_test / test_status, we PATCH its take-home-test URL on completion, and it checks
// every answer by Greenhouse's rules (a malformed one would make it POST response_error).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../helpers/db.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { DEFAULT_IDS, startSimulator, type GreenhouseSimHandle } from '../simulators/greenhouse/index.ts';

const PARTNER_KEY = 'gh-partner-key-0123456789abcdef';
let srv: RunningServer;
let gh: GreenhouseSimHandle;
let con: string;
let partnerBase: string;

/** `assay <args>` without blocking this process (spawnSync would stall the simulator's sockets). */
function assay(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/assay.mjs'), ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      let json: any = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        /* human output */
      }
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr, json });
    });
  });
}

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const mailsOf = (orderId: string) => {
  const dir = join(srv.dataDir, 'mail');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(`-${orderId}.eml`)) : [];
};

/** The invitation token from the e-mail's /t/<token> link (quoted-printable soft breaks undone). */
function inviteToken(orderId: string): string {
  const text = readFileSync(join(srv.dataDir, 'mail', mailsOf(orderId)[0]!), 'utf8').replace(/=\r?\n/g, '');
  return /\/t\/([A-Za-z0-9_-]{16,256})/.exec(text)![1]!;
}

/** The candidate takes the test through candidate mode (/api/candidate), as from the e-mail link. */
async function takeTest(orderId: string, answers: Record<string, { test: string; value: unknown }>) {
  const token = inviteToken(orderId);
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${srv.url}/api/candidate${path}`, { method, headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(r.status, `${method} ${path}: ${await r.clone().text()}`).toBe(200);
    return r.json();
  };
  await call('POST', '/start');
  for (const [questionId, a] of Object.entries(answers)) {
    await call('POST', `/tests/${a.test}/start`);
    await call('PUT', `/answers/${questionId}`, { value: a.value });
  }
  await call('POST', '/submit');
}

beforeAll(async () => {
  srv = await startServer();
  gh = await startSimulator({ partnerApiKey: PARTNER_KEY, webhookSecret: 'gh-webhook-secret', harvestApiKey: 'gh-harvest-key', retryDelaysMs: [50, 50] });
  const r = await assay(
    ['connections:add', '--account', srv.demo.account_id, '--provider', 'greenhouse', '--set', `partner_api_key=${PARTNER_KEY}`, '--set', 'webhook_secret=gh-webhook-secret',
      '--set', 'harvest_api_key=gh-harvest-key', '--set', `on_behalf_of=${DEFAULT_IDS.user}`, '--set', `base_url=${gh.baseUrl}`, '--json'],
    { DATA_DIR: srv.dataDir },
  );
  expect(r.code, r.stderr).toBe(0);
  con = r.json.connection_id;
  expect(Object.keys(r.json.partner_urls)).toEqual(['list_tests', 'send_test', 'test_status', 'response_error']);
  expect(r.json.partner_urls.send_test).toMatch(new RegExp(`/partner/greenhouse/${con}/send_test$`));
  partnerBase = `${srv.url}/partner/greenhouse/${con}`;
  await gh.config({ partner_base_url: partnerBase });
});
afterAll(async () => {
  await gh?.close();
  await srv?.stop();
});

describe('Greenhouse partner endpoints', () => {
  it('list_tests answers our active packages, valid for Greenhouse', async () => {
    const r = await gh.listTests();
    expect(r.status).toBe(200);
    expect(r.violations).toEqual([]);
    expect((r.body as Array<{ partner_test_id: string }>).map((t) => t.partner_test_id).sort()).toEqual(['logical-reasoning', 'numerical-reasoning', 'typescript-skills', 'work-style']);
    expect(r.body).toContainEqual({ partner_test_id: 'numerical-reasoning', partner_test_name: 'Numerical Reasoning' });
  });

  it('refuses a wrong or missing key with 401 and an unknown connection with 404', async () => {
    const wrong = await fetch(`${partnerBase}/list_tests`, { headers: { Authorization: basic('not-the-key-0123456789') } });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('invalid_api_key');
    const none = await fetch(`${partnerBase}/list_tests`);
    expect(none.status).toBe(401);
    const other = await fetch(`${srv.url}/partner/greenhouse/con_doesnotexist0/list_tests`, { headers: { Authorization: basic(PARTNER_KEY) } });
    expect(other.status).toBe(404);
  });

  it('keys must be fewer than 171 characters', { timeout: 150_000 }, async () => {
    const add = (key: string) =>
      assay(['connections:add', '--account', srv.demo.account_id, '--provider', 'greenhouse', '--set', `partner_api_key=${key}`, '--json'], { DATA_DIR: srv.dataDir });
    const tooLong = await add('k'.repeat(171));
    expect(tooLong.code).toBe(2);
    expect(JSON.parse(tooLong.stderr).error).toMatchObject({ code: 'invalid_setting', message: expect.stringMatching(/fewer than 171 characters/) });
    expect((await add('k'.repeat(170))).code).toBe(0);
  });

  let orderId: string;
  let firstTest: number;
  let secondTest: number;

  it('send_test places one order and sends one e-mail to the candidate from the request, also when repeated', async () => {
    const r = await gh.sendTest({ partner_test_id: 'numerical-reasoning', application_id: DEFAULT_IDS.application });
    expect(r.status, JSON.stringify([r.body, r.error])).toBe(200);
    expect(r.violations).toEqual([]);
    orderId = (r.body as { partner_interview_id: string }).partner_interview_id;
    expect(orderId).toMatch(/^ord_/);
    firstTest = r.test_id!;
    const orders = query<{ id: string; source: string; source_order_id: string; package_id: string; status: string; meta: string }>(srv.dataDir, "SELECT * FROM orders WHERE source = 'greenhouse'");
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ id: orderId, source_order_id: r.test!.url, package_id: 'numerical-reasoning', status: 'pending' });
    expect(JSON.parse(orders[0]!.meta).greenhouse.urls).toEqual([r.test!.url]);
    const cand = query<{ email: string; first_name: string; last_name: string; external_id: string }>(srv.dataDir, 'SELECT c.* FROM candidates c JOIN orders o ON o.candidate_id = c.id WHERE o.id = ?', orderId)[0]!;
    expect(cand).toMatchObject({ email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace & Byron', external_id: String(DEFAULT_IDS.candidate) });

    const mail = await until('the invitation e-mail', () => mailsOf(orderId)[0]);
    expect(readFileSync(join(srv.dataDir, 'mail', mail), 'utf8')).toMatch(/To: ada@example\.com/);

    // Greenhouse retries the same request: the same answer.
    const sent = (await (await fetch(`${gh.origin}/_sim/send_tests`)).json()) as Array<{ request: unknown }>;
    const again = await fetch(`${partnerBase}/send_test`, { method: 'POST', headers: { Authorization: basic(PARTNER_KEY), 'Content-Type': 'application/json' }, body: JSON.stringify(sent[0]!.request) });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ partner_interview_id: orderId });
    // A recruiter presses Send Test again while the test is open: a new take-home test, still the same order.
    const second = await gh.sendTest({ partner_test_id: 'numerical-reasoning', application_id: DEFAULT_IDS.application });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ partner_interview_id: orderId });
    secondTest = second.test_id!;

    expect(query(srv.dataDir, "SELECT id FROM orders WHERE source = 'greenhouse'")).toHaveLength(1);
    expect(query(srv.dataDir, "SELECT id FROM outbox WHERE kind = 'email.invitation' AND order_id = ?", orderId)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1200)); // give a second e-mail every chance to appear
    expect(mailsOf(orderId)).toHaveLength(1);
  });

  it('links the order to its Greenhouse application and job through Harvest', async () => {
    const o = await until('the order linked to its application', () => query<{ application_id: string | null; job_id: string | null; job_name: string | null }>(srv.dataDir, 'SELECT application_id, job_id, job_name FROM orders WHERE id = ? AND application_id IS NOT NULL', orderId)[0]);
    expect(o).toEqual({ application_id: String(DEFAULT_IDS.application), job_id: String(DEFAULT_IDS.job), job_name: 'Data Analyst' });
  });

  it('test_status answers a valid not-complete status while the test is open', async () => {
    const r = await gh.testStatus(firstTest);
    expect(r.status).toBe(200);
    expect(r.violations).toEqual([]);
    expect(r.body).toMatchObject({ partner_status: 'pending', partner_profile_url: null, partner_score: null });
    expect(r.test.status).toBe('sent');
  });

  it('on completion PATCHes the take-home tests, and Greenhouse then pulls a valid complete test_status', async () => {
    // The first question answered right (€80 less 15% = 68), the rest left open.
    await takeTest(orderId, { 'nr-discount': { test: 'nr-percentages', value: 68 } });
    const result = query<{ score: number; max_score: number }>(srv.dataDir, 'SELECT score, max_score FROM results WHERE order_id = ?', orderId)[0]!;
    expect(result.score).toBeGreaterThan(0);
    const pct = Math.round((result.score / result.max_score) * 1000) / 10;
    await until('test_status answers after the PATCHes', () => gh.testStatusAnswers().filter((a) => a.body && (a.body as { partner_status?: string }).partner_status === 'complete').length >= 2);
    await gh.idle();
    const patches = gh.patches();
    expect(patches.map((p) => Number(p.test_id)).sort()).toEqual([firstTest, secondTest].sort());
    expect(patches.every((p) => p.status === 200 && p.authorized)).toBe(true);
    const answers = gh.testStatusAnswers().filter((a) => (a as unknown as { trigger: string }).trigger === 'patch');
    expect(answers.length).toBe(2);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.violations).toEqual([]);
      expect(a.body).toMatchObject({ partner_status: 'complete', partner_profile_url: expect.stringMatching(new RegExp(`^https?://[^/]+/report/${orderId}$`)), partner_score: pct });
      const md = (a.body as { metadata: Record<string, unknown> }).metadata;
      expect(md).toMatchObject({ Test: 'Numerical Reasoning', Status: 'completed', Score: `${result.score} / ${result.max_score}`, Band: expect.any(String), 'Completed At': expect.any(String) });
      for (const v of Object.values(md)) expect(['string', 'number', 'boolean']).toContain(typeof v);
    }
    expect(gh.tests().find((t) => t.id === firstTest)!.status).toBe('complete');
  });

  it('refuses what it cannot order with 404, the only refusal besides 401 Greenhouse documents (_errors.md)', async () => {
    const violationsBefore = gh.violations().length;
    const unknown = await gh.sendTest({ partner_test_id: 'no-such-test', application_id: DEFAULT_IDS.application });
    expect(unknown.status).toBe(404);
    expect((unknown.body as { error: { code: string } }).error.code).toBe('package_unknown');
    const [candId] = gh.seed({ candidates: [{ first_name: 'No', last_name: 'Mail' }] }).candidates!;
    const [appId] = gh.seed({ applications: [{ candidate_id: candId!, job_id: DEFAULT_IDS.job }] }).applications!;
    const noMail = await gh.sendTest({ partner_test_id: 'work-style', application_id: appId });
    expect(noMail.status).toBe(404);
    expect((noMail.body as { error: { code: string; message: string } }).error).toMatchObject({ code: 'candidate_email_missing', message: expect.stringMatching(/e-mail/) });

    const post = (body: unknown) => fetch(`${partnerBase}/send_test`, { method: 'POST', headers: { Authorization: basic(PARTNER_KEY), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const bad = await post({ partner_test_id: 'work-style', candidate: 'Ada' });
    expect(bad.status).toBe(404);
    expect((await bad.json()).error.code).toBe('invalid_body');
    const elsewhere = await post({ partner_test_id: 'work-style', candidate: { first_name: 'A', last_name: 'B', email: 'a@example.com', greenhouse_profile_url: 'https://app.greenhouse.io/people/1' }, url: 'http://169.254.169.254/latest' });
    expect(elsewhere.status).toBe(404);
    expect((await elsewhere.json()).error.code).toBe('invalid_url');
    expect(query(srv.dataDir, "SELECT id FROM orders WHERE source = 'greenhouse'")).toHaveLength(1);

    const missing = await fetch(`${partnerBase}/test_status?partner_interview_id=ord_doesnotexist01`, { headers: { Authorization: basic(PARTNER_KEY) } });
    expect(missing.status).toBe(404);
    const noId = await fetch(`${partnerBase}/test_status`, { headers: { Authorization: basic(PARTNER_KEY) } });
    expect(noId.status).toBe(404);
    expect((await noId.json()).error.code).toBe('invalid_query');
    // Greenhouse judged every refusal a documented one.
    expect(gh.violations().length).toBe(violationsBefore);
  });

  it('response_error is accepted with 200 and recorded without the candidate e-mail', async () => {
    const r = await fetch(`${partnerBase}/response_error`, {
      method: 'POST',
      headers: { Authorization: basic(PARTNER_KEY), 'Content-Type': 'application/json' },
      body: JSON.stringify({ api_call: 'test_status', errors: ['example'], partner_test_id: 'x', partner_interview_id: 'ord_x', candidate_email: 'secret-person@example.com' }),
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 200 });
    const audit = query<{ details: string }>(srv.dataDir, "SELECT details FROM audit_log WHERE action = 'greenhouse.response_error'");
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).not.toContain('secret-person');
  });

  it('never made Greenhouse send response_error', () => {
    expect(gh.responseErrors()).toEqual([]);
    expect(gh.violations()).toEqual([]);
  });
});
