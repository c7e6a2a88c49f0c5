import { FIXTURES_DIR } from '../helpers/fixtures.ts';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHonoApp } from '../simulators/shared/server.ts';
import { basicAuth, parseBasicAuth } from '../simulators/shared/signing.ts';
import { DEFAULT_IDS, greenhouseJson, greenhouseSignature, startSimulator, verifyGreenhouseSignature, type GreenhouseSimHandle } from '../simulators/greenhouse/index.ts';

const FIXTURES = FIXTURES_DIR;
const vectors = JSON.parse(readFileSync(`${FIXTURES}/signatures.json`, 'utf8')) as Array<Record<string, string>>;
const PARTNER_KEY = 'customer-key-123';

/** A throwaway partner: the answers are set per test; every call is recorded. */
async function partner() {
  const calls: Array<{ api: string; auth: string | null; body: unknown; query: Record<string, string> }> = [];
  const answers: Record<string, { status: number; body: unknown }> = {
    list_tests: { status: 200, body: [{ partner_test_id: 'numerical-30', partner_test_name: 'Numerical reasoning' }] },
    send_test: { status: 200, body: { partner_interview_id: 'ord_1' } },
    test_status: { status: 200, body: JSON.parse(readFileSync(`${FIXTURES}/greenhouse/test_status-complete.json`, 'utf8')) },
    response_error: { status: 200, body: { status: 200 } },
  };
  const app = new Hono();
  app.all('/gh/:api', async (c) => {
    const api = c.req.param('api');
    const text = await c.req.text();
    calls.push({ api, auth: c.req.header('authorization') ?? null, body: text ? JSON.parse(text) : null, query: c.req.query() });
    if (parseBasicAuth(c.req.header('authorization'))?.user !== PARTNER_KEY) return c.json({ error: 'unauthorized' }, 401);
    const a = answers[api]!;
    return c.json(a.body as object, a.status as 200);
  });
  const server = await startHonoApp(app);
  return { server, calls, answers, base: `${server.origin}/gh` };
}

async function receiver(statuses: number[] = []) {
  const got: Array<{ headers: Record<string, string>; raw: string }> = [];
  const app = new Hono();
  app.post('/hook', async (c) => {
    got.push({ headers: Object.fromEntries(c.req.raw.headers), raw: await c.req.text() });
    return c.body(null, (statuses.shift() ?? 200) as 200);
  });
  const server = await startHonoApp(app);
  return { server, got, url: `${server.origin}/hook` };
}

describe('Greenhouse simulator', () => {
  let gh: GreenhouseSimHandle;
  let p: Awaited<ReturnType<typeof partner>>;
  let hook: Awaited<ReturnType<typeof receiver>> | undefined;
  beforeAll(async () => {
    p = await partner();
    gh = await startSimulator({ partnerApiKey: PARTNER_KEY, harvestApiKey: 'harvest-key', webhookSecret: 'gh-secret', retryDelaysMs: [5, 5, 5, 5, 5, 5], rateLimit: { limit: 5, windowMs: 1000 } });
    await gh.config({ partner_base_url: p.base });
  });
  afterAll(async () => {
    await gh.close();
    await p.server.close();
  });
  afterEach(async () => {
    await hook?.server.close();
    hook = undefined;
    await gh.config({ webhook_url: null, webhook_enabled: true });
    gh.reset();
    gh.resetRateLimit();
    p.calls.length = 0;
  });

  const harvest = (path: string, key = 'harvest-key', init: RequestInit = {}) =>
    fetch(path.startsWith('http') ? path : `${gh.baseUrl}${path}`, { ...init, headers: { authorization: basicAuth(key), 'content-type': 'application/json', ...(init.headers ?? {}) } });

  it('encodes and signs the fixture body byte for byte', () => {
    const v = vectors.find((x) => x.vendor === 'greenhouse')!;
    const raw = readFileSync(`${FIXTURES}/${v.file}`, 'utf8');
    expect(greenhouseJson(JSON.parse(raw))).toBe(raw);
    expect(greenhouseSignature(v.secret!, raw)).toBe(v.value);
    expect(greenhouseSignature(v.secret!, JSON.stringify(JSON.parse(raw)))).toBe(v.wrong_if_reserialised);
    expect(verifyGreenhouseSignature(v.secret!, raw, v.value)).toBe(true);
    expect(greenhouseJson({ s: "é'😀\u2028" })).toBe('{"s":"\\u00e9\\u0027\\ud83d\\ude00\\u2028"}');
  });

  it('refuses Harvest calls without the key', async () => {
    const res = await harvest('/candidates', 'wrong');
    expect(res.status).toBe(401);
    expect(await res.json()).toHaveProperty('message');
    expect((await fetch(`${gh.baseUrl}/candidates`)).status).toBe(401);
  });

  it('pages Harvest lists through the Link header', async () => {
    gh.generateCandidates(24);
    await gh.config({ rate_limit: null });
    const ids: number[] = [];
    let url: string | undefined = `${gh.baseUrl}/candidates?per_page=10`;
    let first = true;
    while (url) {
      const res = await harvest(url);
      const link = res.headers.get('link') ?? '';
      if (first) expect(link).toMatch(/rel="last"/);
      first = false;
      ids.push(...((await res.json()) as Array<{ id: number }>).map((c) => c.id));
      url = /<([^>]+)>; rel="next"/.exec(link)?.[1];
    }
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    const skip = await harvest('/candidates?per_page=10&skip_count=true');
    expect(skip.headers.get('link')).not.toMatch(/rel="last"/);
    expect((await harvest('/jobs')).headers.get('link')).toBeNull();
    const bad = await harvest('/candidates?per_page=501');
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ message: 'Validation error', errors: [{ field: 'per_page' }] });
    await gh.config({ rate_limit: { limit: 5, window_ms: 1000 } });
  });

  it('answers 429 with Retry-After beyond the window limit', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 7; i++) {
      const res = await harvest('/users');
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(gh.rateLimited()).toBe(2);
    await new Promise((r) => setTimeout(r, 1020));
    expect((await harvest('/users')).status).toBe(200);
  });

  it('sends a test, takes the partner PATCH, then pulls test_status', async () => {
    const listed = await gh.listTests();
    expect(listed.violations).toEqual([]);
    const sent = await gh.sendTest({ partner_test_id: 'numerical-30' });
    expect(sent).toMatchObject({ status: 200, violations: [], response_error: null, test: { partner_interview_id: 'ord_1', status: 'sent' } });
    const call = p.calls.find((c) => c.api === 'send_test')!;
    expect(call.auth).toBe(basicAuth(PARTNER_KEY, ''));
    expect(call.body).toMatchObject({ partner_test_id: 'numerical-30', candidate: { first_name: 'Ada', email: 'ada@example.com', preferred_name: null, greenhouse_profile_url: `https://app.greenhouse.io/people/${DEFAULT_IDS.candidate}` }, url: sent.test!.url });

    expect((await fetch(sent.test!.url, { method: 'PATCH', headers: { authorization: basicAuth('wrong') } })).status).toBe(401);
    const patched = await fetch(sent.test!.url, { method: 'PATCH', headers: { authorization: basicAuth(PARTNER_KEY) } });
    expect(patched.status).toBe(200);
    await gh.idle();
    expect(p.calls.find((c) => c.api === 'test_status')!.query).toEqual({ partner_interview_id: 'ord_1' });
    expect(gh.tests()[0]).toMatchObject({ status: 'complete', result: { partner_score: 81, partner_profile_url: 'https://assay.example/report/ord_1' } });
    expect(gh.patches().map((x) => x.status)).toEqual([401, 200]);
    expect(gh.responseErrors()).toEqual([]);
  });

  it('reports broken partner answers through response_error', async () => {
    p.answers.send_test = { status: 200, body: { partnerInterviewId: 5 } };
    const bad = await gh.sendTest({ partner_test_id: 'numerical-30' });
    expect(bad.violations).toEqual(expect.arrayContaining(['partnerInterviewId is not snake_case', 'partner_interview_id is missing (send null when there is no value)']));
    expect(bad.response_error?.status).toBe(200);

    p.answers.send_test = { status: 200, body: { partner_interview_id: 'ord_2' } };
    p.answers.test_status = { status: 200, body: { partner_status: 'complete', partner_profile_url: null, partner_score: 90, metadata: { nested: { no: 1 } } } };
    const sent = await gh.sendTest({ partner_test_id: 'numerical-30' });
    const status = await gh.testStatus(sent.test_id!);
    expect(status.violations).toEqual(["partner_status is 'complete' but partner_profile url is missing", 'metadata["nested"] must be a primitive (metadata is flat)']);
    const posted = p.calls.filter((c) => c.api === 'response_error').map((c) => c.body);
    expect(posted[1]).toEqual({ api_call: 'test_status', errors: status.violations, partner_test_id: 'numerical-30', partner_interview_id: 'ord_2', candidate_email: 'ada@example.com' });
    expect(gh.tests().find((t) => t.id === sent.test_id)!.status).toBe('sent');

    p.answers.test_status = { status: 200, body: { partner_status: 'in_progress' } };
    const missing = await gh.testStatus(sent.test_id!);
    expect(missing.violations).toEqual(['partner_profile_url is missing (send null when there is no value)', 'partner_score is missing (send null when there is no value)', 'metadata is missing (send null when there is no value)']);

    p.answers.list_tests = { status: 200, body: { tests: [] } };
    const listed = await gh.listTests();
    expect(listed.violations).toEqual(['list_tests response must be a JSON array']);
    expect(p.calls.filter((c) => c.api === 'response_error').at(-1)!.body).toEqual({ api_call: 'list_tests', errors: ['list_tests response must be a JSON array'] });
    expect(gh.violations()).toHaveLength(4);
    p.answers.list_tests = { status: 200, body: [{ partner_test_id: 'numerical-30', partner_test_name: 'Numerical reasoning' }] };
    p.answers.send_test = { status: 200, body: { partner_interview_id: 'ord_1' } };
    p.answers.test_status = { status: 200, body: JSON.parse(readFileSync(`${FIXTURES}/greenhouse/test_status-complete.json`, 'utf8')) };
  });

  it('judges an unsuccessful partner answer other than 401 or 404 a violation (_errors.md)', async () => {
    const before = gh.violations().length;
    p.answers.send_test = { status: 404, body: { error: { code: 'package_unknown', message: 'No such test.' } } };
    expect((await gh.sendTest({ partner_test_id: 'numerical-30' })).violations).toEqual([]);
    p.answers.send_test = { status: 422, body: { error: { code: 'package_unknown', message: 'No such test.' } } };
    const refused = await gh.sendTest({ partner_test_id: 'numerical-30' });
    expect(refused.violations).toEqual(['unsuccessful answer 422: the Assessment Partner API allows only 401 or 404']);
    expect(gh.violations()).toHaveLength(before + 1);
    p.answers.send_test = { status: 200, body: { partner_interview_id: 'ord_1' } };
  });

  it('refuses a PATCH for a hired candidate', async () => {
    const sent = await gh.sendTest({ partner_test_id: 'numerical-30' });
    gh.fire('hire_candidate', { application_id: DEFAULT_IDS.application });
    const res = await fetch(sent.test!.url, { method: 'PATCH', headers: { authorization: basicAuth(PARTNER_KEY) } });
    expect(res.status).toBe(422);
  });

  it('sends signed, escaped webhooks and retries unless the answer is exactly 200', async () => {
    hook = await receiver([200, 202, 500]);
    const { ping } = await gh.config({ webhook_url: hook.url });
    expect(ping).toMatchObject({ status: 200, webhook_enabled: true });
    gh.moveApplication(DEFAULT_IDS.application, 'Assay Assessment');
    await gh.idle();
    const [d] = gh.deliveries('candidate_stage_change');
    expect(d!.attempts.map((a) => a.status)).toEqual([202, 500, 200]);
    const first = hook.got[1]!;
    expect(verifyGreenhouseSignature('gh-secret', first.raw, first.headers.signature)).toBe(true);
    expect(first.headers['greenhouse-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.raw).toContain('"last_name":"Lovelace \\u0026 Byron"');
    expect(first.raw).toContain('"tags":["\\u003cvip\\u003e"]');
    const body = JSON.parse(first.raw) as { action: string; payload: { application: { current_stage: { id: number; name: string } } } };
    expect(body).toMatchObject({ action: 'candidate_stage_change', payload: { application: { current_stage: { id: DEFAULT_IDS.triggerStage, name: 'Assay Assessment' } } } });
  });

  it('disables the webhook when its ping fails', async () => {
    hook = await receiver([204]);
    const { ping } = await gh.config({ webhook_url: hook.url });
    expect(ping).toMatchObject({ status: 204, webhook_enabled: false });
    gh.fire('reject_candidate');
    expect(gh.deliveries('reject_candidate')[0]!.state).toBe('skipped');
    expect(hook.got).toHaveLength(1);
  });

  it('fires candidate deletion and merge events with the person payload', async () => {
    hook = await receiver();
    await gh.config({ webhook_url: hook.url });
    gh.seed({ candidates: [{ id: 1, first_name: 'Ada', last_name: 'Duplicate' }] });
    const res = await fetch(`${gh.origin}/_sim/webhooks/fire`, { method: 'POST', body: JSON.stringify({ action: 'merge_candidate', candidate_id: DEFAULT_IDS.candidate, new_candidate_id: 1 }) });
    expect(res.status).toBe(200);
    gh.fire('delete_candidate', { candidate_id: 1 });
    await gh.idle();
    const [merge, del] = hook.got.slice(1).map((g) => JSON.parse(g.raw) as { action: string; payload: { person: Record<string, unknown> } });
    expect(merge).toMatchObject({ action: 'merge_candidate', payload: { person: { id: DEFAULT_IDS.candidate, new_candidate_id: 1 } } });
    expect(del).toMatchObject({ action: 'delete_candidate', payload: { person: { id: 1, deleted_application_ids: [DEFAULT_IDS.application] } } });
    const unknown = await fetch(`${gh.origin}/_sim/webhooks/fire`, { method: 'POST', body: JSON.stringify({ action: 'nope' }) });
    expect(unknown.status).toBe(400);
  });

  it('moves an application through Harvest with On-Behalf-Of and fires the stage change', async () => {
    hook = await receiver();
    await gh.config({ webhook_url: hook.url });
    const body = JSON.stringify({ from_stage_id: 767356, to_stage_id: DEFAULT_IDS.triggerStage });
    expect((await harvest(`/applications/${DEFAULT_IDS.application}/move`, 'harvest-key', { method: 'POST', body })).status).toBe(422);
    const res = await harvest(`/applications/${DEFAULT_IDS.application}/move`, 'harvest-key', { method: 'POST', body, headers: { 'On-Behalf-Of': String(DEFAULT_IDS.user) } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { current_stage: { id: number } }).current_stage.id).toBe(DEFAULT_IDS.triggerStage);
    await gh.idle();
    expect(gh.deliveries('candidate_stage_change')[0]!.state).toBe('delivered');
  });
});
