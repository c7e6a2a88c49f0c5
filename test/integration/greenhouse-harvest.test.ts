// The Harvest sync against the simulator over real HTTP, with Greenhouse's 10-second rate window
// compressed to 1 second: it follows Link, waits what Retry-After says, completes across many windows,
// and an interrupted run (the process killed mid-request) resumes where it stopped without duplicates.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../helpers/db.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { DEFAULT_IDS, startSimulator, type GreenhouseSimHandle } from '../simulators/greenhouse/index.ts';

const KEY = 'gh-partner-key-0123456789abcdef';
let srv: RunningServer;
let gh: GreenhouseSimHandle;
let con: string;
const EXTRA_JOBS = 24; // + the default job = 25 jobs, 5 pages of 5, then 25 stage lists
const STAGES = 3 * EXTRA_JOBS + 5; // the seeded jobs have 3 stages, the default job 5

function assay(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/assay.mjs'), ...args, '--json'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...srv.storeEnv, ...env }, timeout: 90_000 }, (err, stdout, stderr) => {
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
    await new Promise((r) => setTimeout(r, 25));
  }
}

const objects = (kind: string) => query<{ n: number }>(srv, 'SELECT COUNT(*) AS n FROM synced_objects WHERE connection_id = ? AND kind = ?', con, kind)[0]!.n;
const harvest = () => gh.requests({ path: /^\/v1\// });
const stageJob = (path: string) => /^\/v1\/jobs\/(\d+)\/stages$/.exec(path)?.[1];

beforeAll(async () => {
  srv = await startServer();
  gh = await startSimulator({ partnerApiKey: KEY, webhookSecret: 'gh-webhook-secret', harvestApiKey: 'gh-harvest-key', rateLimit: { limit: 5, windowMs: 1000 } });
  gh.seed({ jobs: Array.from({ length: EXTRA_JOBS }, (_, i) => ({ name: `Job ${i + 1}` })) });
  const r = await assay(['connections:add', '--account', srv.demo.account_id, '--provider', 'greenhouse', '--set', `partner_api_key=${KEY}`, '--set', 'harvest_api_key=gh-harvest-key', '--set', `base_url=${gh.baseUrl}`]);
  expect(r.code, r.stderr).toBe(0);
  con = r.json.connection_id;
  await gh.config({ partner_base_url: `${srv.url}/partner/greenhouse/${con}` });
});
afterAll(async () => {
  await gh?.close();
  await srv?.stop();
});

describe('Greenhouse Harvest sync', () => {
  it('completes a sync of more pages than one rate window allows, following Link and waiting as Retry-After says', { timeout: 150_000 }, async () => {
    // An order, so the sync also fetches its candidate; Greenhouse then hires her without our webhook.
    const sent = await gh.sendTest({ partner_test_id: 'work-style', application_id: DEFAULT_IDS.application });
    expect(sent.status).toBe(200);
    const orderId = (sent.body as { partner_interview_id: string }).partner_interview_id;
    gh.fire('hire_candidate', { application_id: DEFAULT_IDS.application });
    // The order's link job calls Harvest once; it must be over before the sync's log and rate window start.
    await until('the link job done', () => query<{ status: string }>(srv, "SELECT status FROM outbox WHERE kind = 'greenhouse.link_order' AND order_id = ?", orderId)[0]?.status === 'done');
    gh.resetRateLimit();
    const startSeq = harvest().at(-1)?.seq ?? 0;
    // The first list call is told to come back in 2 seconds.
    gh.pushFaults({ status: 429, retryAfterSeconds: 2, match: { method: 'GET', path: '/v1/jobs' } });

    const started = Date.now();
    const r = await assay(['greenhouse:sync', con, '--per-page', '5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ done: true, resumed: false, jobs: EXTRA_JOBS + 1, stages: STAGES, candidates: 1 });
    expect(r.json.rate_limited).toBeGreaterThanOrEqual(3);
    expect(gh.rateLimited()).toBeGreaterThanOrEqual(2);

    const log = harvest().filter((e) => e.seq > startSeq);
    const ok = log.filter((e) => e.status === 200);
    // 5 pages of jobs reached through Link (page 2..5 were never built by us), 25 stage lists, 1 candidates page.
    expect(ok.filter((e) => e.path === '/v1/jobs').map((e) => e.query.page ?? '1')).toEqual(['1', '2', '3', '4', '5']);
    expect(ok.filter((e) => stageJob(e.path))).toHaveLength(EXTRA_JOBS + 1);
    expect(ok.filter((e) => e.path === '/v1/candidates')).toHaveLength(1);
    // After every 429 the next request waited at least what Retry-After said (2 s for the injected one, ≥ 1 s otherwise).
    for (let i = 0; i < log.length - 1; i++) {
      if (log[i]!.status !== 429) continue;
      const gap = Date.parse(log[i + 1]!.at) - Date.parse(log[i]!.at);
      expect(gap, `wait after 429 #${i}`).toBeGreaterThanOrEqual(log[i]!.fault ? 1950 : 950);
    }
    // More than one window's worth, so it took several windows.
    expect(ok.length).toBeGreaterThan(5 * 3);
    expect(Date.now() - started).toBeGreaterThan(4000);

    expect(objects('job')).toBe(EXTRA_JOBS + 1);
    expect(objects('stage')).toBe(STAGES);
    const app = query<{ data: string }>(srv, "SELECT data FROM synced_objects WHERE connection_id = ? AND kind = 'application' AND external_id = ?", con, String(DEFAULT_IDS.application))[0]!;
    expect(JSON.parse(app.data)).toMatchObject({ candidate_id: String(DEFAULT_IDS.candidate), job_id: String(DEFAULT_IDS.job), status: 'hired' });
    // What the missed hire webhook would have recorded, reconciled from Harvest.
    expect(query<{ outcome: string; application_id: string }>(srv, 'SELECT outcome, application_id FROM orders WHERE id = ?', orderId)[0]).toEqual({ outcome: 'hired', application_id: String(DEFAULT_IDS.application) });
    // No names or addresses are kept in synced objects.
    expect(JSON.stringify(query(srv, 'SELECT data FROM synced_objects'))).not.toMatch(/ada@example\.com|Lovelace/);
  });

  it('resumes an interrupted sync where it stopped, without fetching or storing anything twice', { timeout: 150_000 }, async () => {
    await gh.config({ rate_limit: null });
    const startSeq = harvest().at(-1)?.seq ?? 0;
    // Eight stage lists answer normally; the ninth hangs, and the sync process is killed meanwhile.
    gh.pushFaults([{ match: { path: '/stages' }, times: 8 }, { match: { path: '/stages' }, delayMs: 6000 }]);
    const child = spawn(process.execPath, [join(ROOT, 'bin/assay.mjs'), 'greenhouse:sync', con, '--per-page', '5', '--full', '--json'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...srv.storeEnv }, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    await until('eight stage lists fetched', () => harvest().filter((e) => e.seq > startSeq && stageJob(e.path) && e.status === 200).length >= 8);
    // The ninth has taken the hanging fault, so it is in flight now (the simulator's pending faults, over HTTP).
    const pendingFaults = async () => ((await (await fetch(`${new URL(gh.baseUrl).origin}/_sim/faults`)).json()) as unknown[]).length;
    await until('the ninth stage list in flight', async () => (await pendingFaults()) === 0);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await exited;
    const firstRun = harvest().filter((e) => e.seq > startSeq && Date.parse(e.at) < killedAt);
    expect(firstRun.filter((e) => e.path === '/v1/jobs')).toHaveLength(5);
    const doneBefore = new Set(firstRun.filter((e) => stageJob(e.path) && e.status === 200).map((e) => stageJob(e.path)));
    expect(doneBefore.size).toBe(8);
    gh.clearFaults();

    const resumeFrom = Date.now();
    const r = await assay(['greenhouse:sync', con, '--per-page', '5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ done: true, resumed: true });
    const secondRun = harvest().filter((e) => Date.parse(e.at) >= resumeFrom);
    // Jobs were done before the kill: not listed again; stage lists continue with the job that was in flight.
    expect(secondRun.filter((e) => e.path === '/v1/jobs')).toHaveLength(0);
    const doneAfter = secondRun.filter((e) => stageJob(e.path)).map((e) => stageJob(e.path)!);
    expect(new Set(doneAfter).size).toBe(doneAfter.length);
    expect(doneAfter.filter((j) => doneBefore.has(j))).toEqual([]);
    expect(new Set([...doneBefore, ...doneAfter]).size).toBe(EXTRA_JOBS + 1);
    expect(doneAfter).toHaveLength(EXTRA_JOBS + 1 - 8);

    expect(objects('job')).toBe(EXTRA_JOBS + 1);
    expect(objects('stage')).toBe(STAGES);
    expect(query(srv, "SELECT id FROM orders WHERE source = 'greenhouse'")).toHaveLength(1);

    // The next run is incremental: it asks only for what changed since the last complete run began.
    const nextFrom = Date.now();
    const inc = await assay(['greenhouse:sync', con, '--per-page', '5']);
    expect(inc.code, inc.stderr).toBe(0);
    expect(inc.json).toMatchObject({ done: true, resumed: false });
    const jobsCall = harvest().find((e) => Date.parse(e.at) >= nextFrom && e.path === '/v1/jobs')!;
    expect(Date.parse(jobsCall.query.updated_after!)).toBeLessThan(resumeFrom);
    expect(Date.parse(jobsCall.query.updated_after!)).toBeGreaterThan(killedAt - 30_000);
    expect(objects('job')).toBe(EXTRA_JOBS + 1);
  });

  it('says clearly when a connection cannot sync, and connections:check shows what works', { timeout: 150_000 }, async () => {
    const check = await assay(['connections:check', con], { PUBLIC_URL: srv.url });
    expect(check.code, check.stdout + check.stderr).toBe(1); // this connection has no webhook_secret
    expect(check.json.findings.map((f: { check: string; ok: boolean }) => [f.check, f.ok])).toEqual([['partner_api_key', true], ['list_tests', true], ['webhook_secret', false], ['harvest_api_key', true]]);
    const add = await assay(['connections:add', '--account', srv.demo.account_id, '--provider', 'greenhouse', '--set', `partner_api_key=${KEY}-other`]);
    expect(add.code).toBe(0);
    const r = await assay(['greenhouse:sync', add.json.connection_id]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'no_harvest_key', message: expect.stringMatching(/harvest_api_key/) });
    const bad = await assay(['connections:check', add.json.connection_id], { PUBLIC_URL: srv.url });
    expect(bad.code).not.toBe(0);
  });
});
