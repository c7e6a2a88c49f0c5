// Erasure driven by Greenhouse: deleting a candidate (or their application) in Greenhouse removes every
// piece of that person's data from our store and mail folder, keeps their scores anonymised, and
// leaves everybody else alone. Real server, real simulator, real HTTP.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, tableNames } from '../helpers/db.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { DEFAULT_IDS, startSimulator, type GreenhouseSimHandle } from '../simulators/greenhouse/index.ts';

const KEY = 'gh-partner-key-0123456789abcdef';
const ZOE = { first_name: 'Zoë', last_name: 'Erasable-Quixote', email: 'zoe.erase@example.com', phone: '+44 7700 900123' };
const YAN = { first_name: 'Yannick', last_name: 'Forgettable', email: 'yannick.forget@example.com' };
// Every way the person could appear in stored text (JSON escapes included).
const ZOE_TRACES = ['zoe.erase', 'Erasable', 'Zoë', 'Zo\\u00eb', '900123', 'Quixote'];
const YAN_TRACES = ['yannick', 'Forgettable'];

let srv: RunningServer;
let gh: GreenhouseSimHandle;
let con: string;
let zoe: { candidate: number; application: number };
let yan: { candidate: number; application: number };
const orders: Record<string, string> = {};

function assay(args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/assay.mjs'), ...args, '--json'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...srv.storeEnv }, timeout: 90_000 }, (err, stdout, stderr) => {
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

async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const mailDir = () => join(srv.dataDir, 'mail');
const mails = () => (existsSync(mailDir()) ? readdirSync(mailDir()).filter((f) => f.endsWith('.eml')) : []);
const mailText = () => mails().map((f) => readFileSync(join(mailDir(), f), 'utf8')).join('\n');

/** Every row of every table, as text. */
function wholeDatabase(): string {
  const tables = tableNames(srv);
  expect(tables).toEqual(expect.arrayContaining(['candidates', 'orders', 'answers', 'results', 'outbox', 'inbox', 'synced_objects', 'connector_state', 'audit_log']));
  return tables.map((t) => `${t}: ${JSON.stringify(query(srv, `SELECT * FROM "${t}"`))}`).join('\n');
}

/** Zoë takes her test through candidate mode (/api/candidate) from the e-mail link, writing about herself in a free-text answer. */
async function takeTestWithPersonalAnswer(orderId: string) {
  const file = mails().find((f) => f.endsWith(`-${orderId}.eml`))!;
  const token = /\/t\/([A-Za-z0-9_-]{16,256})/.exec(readFileSync(join(mailDir(), file), 'utf8').replace(/=\r?\n/g, ''))![1]!;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${srv.url}/api/candidate${path}`, { method, headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(r.status, `${method} ${path}: ${await r.clone().text()}`).toBe(200);
  };
  await call('POST', '/start');
  await call('POST', '/tests/ts-types/start');
  await call('PUT', '/answers/ts-keyof', { value: `${ZOE.first_name} ${ZOE.last_name} ${ZOE.phone}` });
  await call('POST', '/submit');
}

beforeAll(async () => {
  srv = await startServer();
  gh = await startSimulator({ partnerApiKey: KEY, webhookSecret: 'gh-webhook-secret', harvestApiKey: 'gh-harvest-key', retryDelaysMs: [100, 100] });
  const add = await assay(['connections:add', '--account', srv.demo.account_id, '--provider', 'greenhouse', '--set', `partner_api_key=${KEY}`, '--set', 'webhook_secret=gh-webhook-secret', '--set', 'harvest_api_key=gh-harvest-key', '--set', `base_url=${gh.baseUrl}`]);
  expect(add.code, add.stderr).toBe(0);
  con = add.json.connection_id;
  const { ping } = await gh.config({ partner_base_url: `${srv.url}/partner/greenhouse/${con}`, webhook_url: `${srv.url}/webhooks/greenhouse/${con}` });
  expect(ping?.status).toBe(200);
  const c = gh.seed({ candidates: [{ ...ZOE }, { ...YAN }] }).candidates!;
  const a = gh.seed({ applications: [{ candidate_id: c[0]!, job_id: DEFAULT_IDS.job, stage: 767356 }, { candidate_id: c[1]!, job_id: DEFAULT_IDS.job, stage: 767356 }] }).applications!;
  zoe = { candidate: c[0]!, application: a[0]! };
  yan = { candidate: c[1]!, application: a[1]! };

  // Zoë: one order from a stage change (left open), one from send_test (completed with answers).
  const map = await assay(['greenhouse:map-stage', con, '--stage', String(DEFAULT_IDS.triggerStage), '--package', 'logical-reasoning', '--force']);
  expect(map.code, map.stderr).toBe(0);
  gh.moveApplication(zoe.application, DEFAULT_IDS.triggerStage);
  await gh.idle();
  orders.zoeOpen = query<{ id: string }>(srv, 'SELECT id FROM orders WHERE application_id = ?', String(zoe.application))[0]!.id;
  const sent = await gh.sendTest({ partner_test_id: 'typescript-skills', application_id: zoe.application });
  expect(sent.status).toBe(200);
  orders.zoeDone = (sent.body as { partner_interview_id: string }).partner_interview_id;
  // Ada (someone else) and Yannick have orders too.
  const ada = await gh.sendTest({ partner_test_id: 'work-style', application_id: DEFAULT_IDS.application });
  orders.ada = (ada.body as { partner_interview_id: string }).partner_interview_id;
  const y = await gh.sendTest({ partner_test_id: 'work-style', application_id: yan.application });
  orders.yan = (y.body as { partner_interview_id: string }).partner_interview_id;
  await until('four invitation e-mails', () => mails().length >= 4);
  await takeTestWithPersonalAnswer(orders.zoeDone);
  await until('Greenhouse pulled the completed status', () => gh.testStatusAnswers().some((t) => (t.body as { partner_status?: string })?.partner_status === 'complete'));
  const sync = await assay(['greenhouse:sync', con]);
  expect(sync.code, sync.stderr).toBe(0);
  await gh.idle();
});
afterAll(async () => {
  await gh?.close();
  await srv?.stop();
});

describe('erasure from Greenhouse', () => {
  it('before: the person is in the store and the mail folder (so the test can fail)', () => {
    const db = wholeDatabase();
    for (const t of ['zoe.erase@example.com', 'Erasable-Quixote', '900123']) expect(db).toContain(t);
    expect(JSON.stringify(query(srv, 'SELECT value FROM answers WHERE order_id = ?', orders.zoeDone))).toContain('900123');
    expect(mailText()).toContain('zoe.erase@example.com');
  });

  it('delete_candidate leaves no personal data of that candidate in any table or e-mail file, and keeps the anonymised score', async () => {
    const id = gh.fire('delete_candidate', { candidate_id: zoe.candidate });
    await gh.idle();
    expect(gh.deliveries().find((d) => d.id === id)!.attempts.map((a) => a.status)).toEqual([200]);

    const db = wholeDatabase();
    for (const t of ZOE_TRACES) expect(db, t).not.toContain(t);
    const mail = mailText();
    for (const t of ZOE_TRACES) expect(mail, t).not.toContain(t);
    expect(mails().some((f) => f.includes(orders.zoeOpen!) || f.includes(orders.zoeDone!))).toBe(false);

    // The score stays, tied to an anonymised candidate; the open order can no longer be taken.
    const result = query<{ score: number; max_score: number }>(srv, 'SELECT score, max_score FROM results WHERE order_id = ?', orders.zoeDone);
    expect(result).toEqual([{ score: expect.any(Number), max_score: 100 }]);
    expect(query(srv, 'SELECT * FROM answers WHERE order_id = ?', orders.zoeDone)).toEqual([]);
    const cand = query<{ email: string | null; first_name: string | null; last_name: string | null; erased_at: string | null }>(srv, 'SELECT c.* FROM candidates c JOIN orders o ON o.candidate_id = c.id WHERE o.id = ?', orders.zoeDone)[0]!;
    expect(cand).toMatchObject({ email: null, first_name: null, last_name: null });
    expect(cand.erased_at).not.toBeNull();
    expect(query(srv, 'SELECT status, invite_token_hash FROM orders WHERE id = ?', orders.zoeOpen)).toEqual([{ status: 'cancelled', invite_token_hash: null }]);

    // Greenhouse may still ask for the result: it gets it, without anything personal.
    const r = await gh.testStatus(gh.tests().find((t) => t.partner_interview_id === orders.zoeDone)!.id);
    expect(r.status).toBe(200);
    expect(r.violations).toEqual([]);
    expect(r.body).toMatchObject({ partner_status: 'complete', partner_score: result[0]!.score });

    // No identifier links the kept score (or the cancelled order) to the person: no Greenhouse application or
    // candidate id, no take-home URL, in the orders or their queued jobs, once the ATS has been told.
    await until('the cancel written back to Greenhouse and settled', () => query<{ status: string }>(srv, "SELECT status FROM outbox WHERE kind = 'writeback' AND order_id = ?", orders.zoeOpen).every((j) => j.status === 'done' || j.status === 'dead') && query<{ meta: string }>(srv, 'SELECT meta FROM orders WHERE id = ?', orders.zoeOpen)[0]!.meta.includes('erased'));
    const zoeOrders = query<Record<string, unknown>>(srv, 'SELECT * FROM orders WHERE id IN (?, ?)', orders.zoeOpen, orders.zoeDone);
    const zoeJobs = query<Record<string, unknown>>(srv, 'SELECT payload, last_error FROM outbox WHERE order_id IN (?, ?)', orders.zoeOpen, orders.zoeDone);
    for (const o of zoeOrders) expect(o.application_id).toBeNull();
    const linked = JSON.stringify([zoeOrders, zoeJobs]);
    for (const id of [zoe.application, zoe.candidate]) for (const form of [`"${id}"`, `:${id}`, `=${id}`, `/${id}`]) expect(linked, form).not.toContain(form);
    expect(linked).not.toContain('take_home_tests');

    // Everybody else is untouched.
    expect(db).toContain('ada@example.com');
    expect(db).toContain('yannick.forget@example.com');
    expect(mail).toContain('ada@example.com');
  });

  it('delete_application erases that candidate too', async () => {
    expect(wholeDatabase()).toContain(YAN.email);
    const id = gh.fire('delete_application', { application_id: yan.application });
    await gh.idle();
    expect(gh.deliveries().find((d) => d.id === id)!.attempts.map((a) => a.status)).toEqual([200]);
    const db = wholeDatabase();
    for (const t of YAN_TRACES) expect(db, t).not.toContain(t);
    expect(mailText()).not.toContain('yannick');
    expect(db).toContain('ada@example.com');
  });

  it('a repeated deletion is answered 200 and changes nothing', async () => {
    const before = wholeDatabase();
    const raw = gh.deliveries('delete_candidate').at(-1)!;
    const r = await fetch(raw.url, { method: 'POST', headers: { ...raw.headers, 'Greenhouse-Event-ID': 'another-id' }, body: raw.body });
    expect(r.status).toBe(200);
    const after = wholeDatabase();
    // Only the new delivery's inbox row differs.
    expect(after.replace(/inbox: .*\n/, '')).toEqual(before.replace(/inbox: .*\n/, ''));
  });
});
