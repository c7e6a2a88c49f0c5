// Greenhouse webhooks over real HTTP, from the simulator (signed, Unicode-escaped as Greenhouse sends
// them): signatures on the raw bytes, de-duplication, a stage change ordering the mapped package,
// hiring outcomes on orders, merges, job events keeping the stage mappings current, the rest recorded,
// and exactly 200 for everything stored.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, query } from '../helpers/db.ts';
import { FIXTURES_DIR } from '../helpers/fixtures.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { DEFAULT_IDS, greenhouseSignature, startSimulator, TRIGGER_STAGE_NAME, type GreenhouseSimHandle } from '../simulators/greenhouse/index.ts';

const SECRET = 'greenhouse-fixture-secret'; // the secret of the signature vector in test/fixtures
const TABLES = ['orders', 'candidates', 'outbox', 'inbox', 'synced_objects', 'mappings', 'audit_log'];
let srv: RunningServer;
let gh: GreenhouseSimHandle;
let con: string;
let hookUrl: string;

function assay(args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/assay.mjs'), ...args, '--json'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...srv.storeEnv }, timeout: 60_000 }, (err, stdout, stderr) => {
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

const post = (body: string, headers: Record<string, string>) => fetch(hookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
const ghOrders = () => query<{ id: string; package_id: string; application_id: string; job_id: string; job_name: string; outcome: string | null; outcome_at: string | null; candidate_id: string; status: string }>(srv, "SELECT * FROM orders WHERE source = 'greenhouse' ORDER BY created_at");
/** The inbox rows of one action (one per event: the content-key twin of an application event points at it). */
const inbox = (action: string) =>
  query<{ status: string; result: string | null }>(srv, 'SELECT status, result FROM inbox ORDER BY received_at').filter((r): r is { status: string; result: string } => {
    const result = r.result === null ? null : (JSON.parse(r.result) as { action?: string; same_as?: string });
    return result?.action === action && result.same_as === undefined;
  });
const mailsOf = (orderId: string) => {
  const dir = join(srv.dataDir, 'mail');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(`-${orderId}.eml`)) : [];
};

async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Fires an action in the simulator and waits until Greenhouse's delivery settled; returns its attempts' statuses. */
async function fire(action: string, o: Parameters<GreenhouseSimHandle['fire']>[1] = {}): Promise<Array<number | null>> {
  const id = gh.fire(action, o);
  expect(id, `${action} was not sent`).toBeTruthy();
  await gh.idle();
  return gh.deliveries().find((d) => d.id === id)!.attempts.map((a) => a.status);
}

beforeAll(async () => {
  srv = await startServer();
  gh = await startSimulator({ partnerApiKey: 'gh-partner-key-0123456789abcdef', webhookSecret: SECRET, harvestApiKey: 'gh-harvest-key', retryDelaysMs: [100, 100] });
  const r = await assay(['connections:add', '--account', srv.demo.account_id, '--provider', 'greenhouse', '--set', 'partner_api_key=gh-partner-key-0123456789abcdef', '--set', `webhook_secret=${SECRET}`, '--set', 'harvest_api_key=gh-harvest-key', '--set', `base_url=${gh.baseUrl}`]);
  expect(r.code, r.stderr).toBe(0);
  con = r.json.connection_id;
  hookUrl = `${srv.url}/webhooks/greenhouse/${con}`;
});
afterAll(async () => {
  await gh?.close();
  await srv?.stop();
});

describe('Greenhouse webhooks: signatures', () => {
  it("answers Greenhouse's ping with 200 so the webhook stays enabled", async () => {
    const { ping } = await gh.config({ webhook_url: hookUrl, partner_base_url: `${srv.url}/partner/greenhouse/${con}` });
    expect(ping).toMatchObject({ status: 200, webhook_enabled: true });
  });

  it('verifies a body with escaped Unicode on its raw bytes; the same JSON re-serialised does not verify', async () => {
    const raw = readFileSync(join(FIXTURES_DIR, 'greenhouse/candidate_stage_change.json'), 'utf8');
    const vector = (JSON.parse(readFileSync(join(FIXTURES_DIR, 'signatures.json'), 'utf8')) as Array<Record<string, any>>).find((v) => v.vendor === 'greenhouse')!;
    expect(raw).toContain('\\u003c'); // Greenhouse's escapes, as sent
    const before = countRows(srv, TABLES);

    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).not.toEqual(raw);
    const bad = await post(reserialised, { Signature: vector.value, 'Greenhouse-Event-ID': vector.extra_headers['Greenhouse-Event-ID'] });
    expect(bad.status).toBe(401);
    expect((await bad.json()).error.code).toBe('invalid_signature');
    expect(countRows(srv, TABLES)).toEqual(before);

    const good = await post(raw, { Signature: vector.value, 'Greenhouse-Event-ID': vector.extra_headers['Greenhouse-Event-ID'] });
    expect(good.status).toBe(200);
    expect(inbox('candidate_stage_change')).toHaveLength(1);
    expect(JSON.parse(inbox('candidate_stage_change')[0]!.result)).toMatchObject({ application_id: '265277', stage_id: String(DEFAULT_IDS.triggerStage), ordered: false });
  });

  it('verifies what the simulator sends with non-ASCII and HTML characters escaped', async () => {
    const [candId] = gh.seed({ candidates: [{ first_name: 'Zoë', last_name: 'Ørsted <Ω>', email: 'zoe@example.com' }] }).candidates!;
    const [appId] = gh.seed({ applications: [{ candidate_id: candId!, job_id: DEFAULT_IDS.job, stage: 767355 }] }).applications!;
    const statuses = await fire('update_candidate', { application_id: appId });
    const d = gh.deliveries('update_candidate').at(-1)!;
    expect(d.body).toContain('Zo\\u00eb');
    expect(d.body).toContain('\\u003c\\u03a9\\u003e');
    expect(statuses).toEqual([200]);
  });

  it('stores nothing for a bad or missing signature', async () => {
    const raw = JSON.stringify({ action: 'hire_candidate', payload: { application: { id: DEFAULT_IDS.application, candidate: { id: DEFAULT_IDS.candidate } } } });
    const before = countRows(srv, TABLES);
    for (const sig of [`sha256 ${createHmac('sha256', 'wrong-secret').update(raw).digest('hex')}`, `sha1 ${createHmac('sha1', SECRET).update(raw).digest('hex')}`, '']) {
      const r = await post(raw, sig ? { Signature: sig, 'Greenhouse-Event-ID': `bad-${sig.length}` } : {});
      expect(r.status).toBe(401);
      expect((await r.json()).error.code).toBe('invalid_signature');
    }
    expect(countRows(srv, TABLES)).toEqual(before);
  });

  it('refuses a signed body that is not a Greenhouse event with 400', async () => {
    for (const raw of ['{"not":"an event"', '{"payload":{}}']) {
      const r = await post(raw, { Signature: greenhouseSignature(SECRET, raw) });
      expect(r.status).toBe(400);
    }
  });
});

describe('Greenhouse webhooks: what they do', () => {
  let orderId: string;

  it('a stage change into a mapped stage orders the mapped package, once', { timeout: 150_000 }, async () => {
    const sync = await assay(['greenhouse:sync', con]);
    expect(sync.code, sync.stderr).toBe(0);
    const stages = await assay(['greenhouse:stages', con]);
    const job = stages.json.jobs.find((j: { job_id: string }) => j.job_id === String(DEFAULT_IDS.job));
    expect(job.stages.map((s: { name: string }) => s.name)).toContain(TRIGGER_STAGE_NAME);
    const [map, unknown] = await Promise.all([
      assay(['greenhouse:map-stage', con, '--stage', String(DEFAULT_IDS.triggerStage), '--package', 'logical-reasoning']),
      assay(['greenhouse:map-stage', con, '--stage', '123', '--package', 'logical-reasoning']),
    ]);
    expect(map.code, map.stderr).toBe(0);
    expect(map.json).toMatchObject({ stage_name: TRIGGER_STAGE_NAME, package_id: 'logical-reasoning' });
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stderr).error.code).toBe('unknown_stage');

    const moved = gh.moveApplication(DEFAULT_IDS.application, DEFAULT_IDS.triggerStage);
    await gh.idle();
    expect(gh.deliveries().find((d) => d.id === moved.deliveryId)!.attempts.map((a) => a.status)).toEqual([200]);
    const orders = ghOrders();
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ package_id: 'logical-reasoning', application_id: String(DEFAULT_IDS.application), job_id: String(DEFAULT_IDS.job), job_name: 'Data Analyst', status: 'pending' });
    orderId = orders[0]!.id;
    await until('the invitation e-mail', () => mailsOf(orderId).length === 1);

    // Moving on to an unmapped stage orders nothing.
    gh.moveApplication(DEFAULT_IDS.application, 'Face to Face');
    await gh.idle();
    expect(ghOrders()).toHaveLength(1);
  });

  it('de-duplicates a redelivery (same event id) and the same event under a new id', async () => {
    const d = gh.deliveries('candidate_stage_change').find((x) => x.body.includes(`"id":${DEFAULT_IDS.triggerStage},`))!;
    const inboxBefore = countRows(srv, ['inbox']).inbox;
    const again = await post(d.body, d.headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    const renamed = await post(d.body, { ...d.headers, 'Greenhouse-Event-ID': 'a-brand-new-id' });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ duplicate: true });
    expect(countRows(srv, ['inbox']).inbox).toBe(inboxBefore);
    expect(ghOrders()).toHaveLength(1);
    expect(mailsOf(orderId)).toHaveLength(1);
  });

  it('records hire, unhire, reject and unreject as the outcome of the candidate’s orders', async () => {
    expect(await fire('hire_candidate')).toEqual([200]);
    let o = ghOrders()[0]!;
    expect(o.outcome).toBe('hired');
    expect(Date.parse(o.outcome_at!)).toBeGreaterThan(Date.now() - 60_000);

    expect(await fire('unhire_candidate')).toEqual([200]);
    o = ghOrders()[0]!;
    expect([o.outcome, o.outcome_at]).toEqual([null, null]);

    expect(await fire('reject_candidate')).toEqual([200]);
    o = ghOrders()[0]!;
    expect(o.outcome).toBe('rejected');
    const rejectedAt = JSON.parse(gh.deliveries('reject_candidate').at(-1)!.body).payload.application.rejected_at;
    expect(Date.parse(o.outcome_at!)).toBe(Date.parse(rejectedAt)); // the same instant (PostgreSQL writes it as .000Z)

    expect(await fire('unreject_candidate')).toEqual([200]);
    expect(ghOrders()[0]!.outcome).toBeNull();
  });

  it('a merge re-points the orders to the surviving candidate and keeps no personal data on the merged one', async () => {
    const ids = gh.seed({ candidates: [{ first_name: 'Cleo', last_name: 'Duplicate', email: 'cleo.dup@example.com' }, { first_name: 'Cleo', last_name: 'Kept', email: 'cleo@example.com' }] }).candidates!;
    const [dupApp] = gh.seed({ applications: [{ candidate_id: ids[0]!, job_id: DEFAULT_IDS.job, stage: 767355 }] }).applications!;
    gh.moveApplication(dupApp!, DEFAULT_IDS.triggerStage);
    await gh.idle();
    const order = ghOrders().find((o) => o.application_id === String(dupApp))!;
    expect(order).toBeTruthy();
    const oldCand = order.candidate_id;

    expect(await fire('merge_candidate', { candidate_id: ids[0], new_candidate_id: ids[1] })).toEqual([200]);
    const after = query<{ external_id: string; email: string | null; erased_at: string | null }>(srv, 'SELECT c.* FROM candidates c JOIN orders o ON o.candidate_id = c.id WHERE o.id = ?', order.id)[0]!;
    expect(after).toMatchObject({ external_id: String(ids[1]), erased_at: null });
    const old = query<{ email: string | null; first_name: string | null; erased_at: string | null }>(srv, 'SELECT * FROM candidates WHERE id = ?', oldCand)[0]!;
    expect(old).toMatchObject({ email: null, first_name: null });
    expect(old.erased_at).not.toBeNull();
    // Outcomes of the surviving candidate now reach the re-pointed order.
    expect(await fire('hire_candidate', { application_id: dupApp })).toEqual([200]);
    expect(ghOrders().find((o) => o.id === order.id)!.outcome).toBe('hired');
  });

  it('job events keep the stage mappings current', { timeout: 150_000 }, async () => {
    const [jobId] = gh.seed({ jobs: [{ name: 'Engineer', stages: [{ id: 880001, name: 'Screen' }, { id: 880002, name: 'Assay Test' }, { id: 880003, name: 'Offer' }] }] }).jobs!;
    expect(await fire('job_created', { job_id: jobId })).toEqual([200]);
    const maps = await Promise.all(['880001', '880002', '880003'].map((s) => assay(['greenhouse:map-stage', con, '--stage', s, '--package', 'work-style'])));
    expect(maps.map((m) => m.code)).toEqual([0, 0, 0]);
    // Greenhouse drops stage 880001 from the interview plan: job_updated carries the plan without it.
    gh.seed({ jobs: [{ id: jobId, name: 'Engineer', stages: [{ id: 880002, name: 'Assay Test' }, { id: 880003, name: 'Offer' }] }] });
    expect(await fire('job_updated', { job_id: jobId })).toEqual([200]);
    const mapped = () => query<{ external_id: string }>(srv, 'SELECT external_id FROM mappings WHERE connection_id = ? ORDER BY external_id', con).map((m) => m.external_id);
    expect(mapped()).toEqual(['767358', '880002', '880003']);
    // The last stage of the job is deleted.
    expect(await fire('job_interview_stage_deleted', { job_id: jobId })).toEqual([200]);
    expect(mapped()).toEqual(['767358', '880002']);
    // The whole job goes.
    expect(await fire('job_deleted', { job_id: jobId })).toEqual([200]);
    expect(mapped()).toEqual(['767358']);
    const stages = await assay(['greenhouse:stages', con]);
    expect(stages.json.jobs.map((j: { job_id: string }) => j.job_id)).not.toContain(String(jobId));

    // A job webhook without the interview plan: the stages are fetched from Harvest.
    const [job2] = gh.seed({ jobs: [{ name: 'Designer', stages: [{ id: 890001, name: 'Portfolio' }, { id: 890002, name: 'Assay' }] }] }).jobs!;
    const raw = JSON.stringify({ action: 'job_updated', payload: { job: { id: job2, name: 'Designer', status: 'open', updated_at: '2026-11-21T10:00:00Z' } } });
    expect((await post(raw, { Signature: greenhouseSignature(SECRET, raw), 'Greenhouse-Event-ID': 'job-without-stages' })).status).toBe(200);
    await until('the stages fetched from Harvest', () => query(srv, "SELECT external_id FROM synced_objects WHERE kind = 'stage' AND external_id IN ('890001', '890002')").length === 2);
  });

  it('records the other subscribed events and answers exactly 200', async () => {
    const actions = ['new_candidate_application', 'offer_created', 'offer_updated', 'offer_deleted', 'office_deleted', 'department_deleted', 'interview_deleted', 'scorecard_deleted', 'job_post_deleted'];
    for (const a of actions) {
      expect(await fire(a), a).toEqual([200]);
      expect(inbox(a).length, a).toBeGreaterThanOrEqual(1);
      expect(inbox(a).at(-1)!.status).toBe('processed');
    }
    const raw = JSON.stringify({ action: 'some_future_event', payload: { thing: { id: 7 } } });
    const r = await post(raw, { Signature: greenhouseSignature(SECRET, raw), 'Greenhouse-Event-ID': 'future-1' });
    expect(r.status).toBe(200);
    expect(JSON.parse(inbox('some_future_event')[0]!.result)).toEqual({ action: 'some_future_event', thing_id: '7' });
  });

  it('never gave the simulator anything but 200, and stored no personal data in the event log', () => {
    const all = gh.deliveries();
    expect(all.length).toBeGreaterThan(15);
    for (const d of all) expect(d.attempts.map((a) => a.status), d.event).toEqual([200]);
    const stored = JSON.stringify(query(srv, 'SELECT result FROM inbox'));
    for (const pii of ['ada@example.com', 'Lovelace', 'cleo', 'Zo']) expect(stored).not.toContain(pii);
  });
});

describe('Greenhouse webhooks: candidate events and replays as Greenhouse documents them', () => {
  // Ordering needs the trigger stage mapped (done above); each test seeds its own candidate.
  async function orderFor(first: string, email: string): Promise<{ candId: number; appId: number; order: ReturnType<typeof ghOrders>[number] }> {
    const [candId] = gh.seed({ candidates: [{ first_name: first, last_name: 'Tester', email }] }).candidates!;
    const [appId] = gh.seed({ applications: [{ candidate_id: candId!, job_id: DEFAULT_IDS.job, stage: 767355 }] }).applications!;
    gh.moveApplication(appId!, DEFAULT_IDS.triggerStage);
    await gh.idle();
    const order = ghOrders().find((o) => o.application_id === String(appId))!;
    expect(order, 'the stage change ordered a test').toBeTruthy();
    return { candId: candId!, appId: appId!, order };
  }
  const candidateRow = (orderId: string) => query<{ email: string | null; first_name: string | null; external_id: string | null; erased_at: string | null }>(srv, 'SELECT c.* FROM candidates c JOIN orders o ON o.candidate_id = c.id WHERE o.id = ?', orderId)[0]!;

  it('update_candidate carries payload.candidate and no application: 200, and the contact data is refreshed', async () => {
    const { candId, order } = await orderFor('Uma', 'uma.old@example.com');
    gh.seed({ candidates: [{ id: candId, first_name: 'Uma', last_name: 'Renamed', email: 'uma.new@example.com' }] });
    expect(await fire('update_candidate', { candidate_id: candId })).toEqual([200]);
    const sent = JSON.parse(gh.deliveries('update_candidate').at(-1)!.body);
    expect(sent.payload.application).toBeUndefined();
    expect(candidateRow(order.id)).toMatchObject({ email: 'uma.new@example.com' });
  });

  it('candidate_anonymized carries payload.candidate_id only: 200, and our copy of the person is erased', async () => {
    const { candId, order } = await orderFor('Ana', 'ana.nym@example.com');
    await until('the invitation e-mail', () => mailsOf(order.id).length === 1);
    expect(await fire('candidate_anonymized', { candidate_id: candId })).toEqual([200]);
    const sent = JSON.parse(gh.deliveries('candidate_anonymized').at(-1)!.body);
    expect(Object.keys(sent.payload).sort()).toEqual(['anonymized_fields', 'candidate_id']);
    const row = candidateRow(order.id);
    expect(row.email).toBeNull();
    expect(row.first_name).toBeNull();
    expect(row.erased_at).not.toBeNull();
    expect(mailsOf(order.id)).toHaveLength(0);
  });

  it('the same signed body under a new Greenhouse-Event-ID is a replay: no second order, no second e-mail', async () => {
    const [candId] = gh.seed({ candidates: [{ first_name: 'Rex', last_name: 'Replay', email: 'rex@example.com' }] }).candidates!;
    const [appId] = gh.seed({ applications: [{ candidate_id: candId!, job_id: DEFAULT_IDS.job, stage: 767355 }] }).applications!;
    // A stage change as signed by Greenhouse, without last_activity_at (the header is not signed).
    const raw = JSON.stringify({ action: 'candidate_stage_change', payload: { application: { id: appId, status: 'active', current_stage: { id: DEFAULT_IDS.triggerStage, name: TRIGGER_STAGE_NAME }, candidate: { id: candId, first_name: 'Rex', last_name: 'Replay', email_addresses: [{ value: 'rex@example.com', type: 'personal' }] }, jobs: [{ id: DEFAULT_IDS.job, name: 'Data Analyst' }] } } });
    const headers = { Signature: greenhouseSignature(SECRET, raw) };
    const first = await post(raw, { ...headers, 'Greenhouse-Event-ID': 'replay-original' });
    expect(first.status).toBe(200);
    const orders = () => ghOrders().filter((o) => o.application_id === String(appId));
    expect(orders()).toHaveLength(1);
    await until('the invitation e-mail', () => mailsOf(orders()[0]!.id).length === 1);
    const replay = await post(raw, { ...headers, 'Greenhouse-Event-ID': 'replay-new-id' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ duplicate: true });
    expect(orders()).toHaveLength(1);
    expect(mailsOf(orders()[0]!.id)).toHaveLength(1);
  });
});
