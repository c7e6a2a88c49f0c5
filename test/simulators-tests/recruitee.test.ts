import { FIXTURES_DIR } from '../helpers/fixtures.ts';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256, startHonoApp, type RunningServer } from '../simulators/shared/index.ts';
import { signRecruiteeWebhook, startSimulator, type RecruiteeSimHandle } from '../simulators/recruitee/index.ts';

const FIXTURES = FIXTURES_DIR;
const fixture = (p: string) => readFileSync(`${FIXTURES}/${p}`, 'utf8');
const vectors = JSON.parse(fixture('signatures.json')) as Array<Record<string, string>>;
const vector = vectors.find((v) => v.vendor === 'recruitee')!;

type Received = { method: string; path: string; headers: Record<string, string>; raw: string };
/** Throwaway target playing our partner URLs (/tests, /send_candidate, /cancel) and webhook endpoint (/hook). */
async function receiver() {
  const got: Received[] = [];
  const replies: Record<string, Array<() => Response>> = {};
  const app = new Hono();
  app.all('*', async (c) => {
    const r = { method: c.req.method, path: c.req.path, headers: Object.fromEntries(c.req.raw.headers), raw: await c.req.text() };
    got.push(r);
    const key = r.path.split('/').pop()!;
    const next = replies[key]?.shift();
    if (next) return next();
    if (key === 'tests') return c.json([{ name: 'Numerical reasoning', id: 2 }, { name: 'Verbal', id: '3' }]);
    if (key === 'send_candidate') return c.json({ ok: true }, 201);
    return c.text('ok', 200);
  });
  const server: RunningServer = await startHonoApp(app);
  return {
    server,
    got,
    base: `${server.origin}/partner/recruitee/conn_1`,
    hookUrl: `${server.origin}/webhooks/recruitee/hook`,
    /** queue answers for a path's last segment ("tests", "send_candidate", "hook", "cancel") */
    queue: (key: string, ...fns: Array<() => Response>) => (replies[key] = [...(replies[key] ?? []), ...fns]),
    clear: () => {
      got.length = 0;
      for (const k of Object.keys(replies)) delete replies[k];
    },
  };
}

describe('Recruitee simulator', () => {
  let rc: RecruiteeSimHandle;
  let target: Awaited<ReturnType<typeof receiver>>;
  const origin = () => new URL(rc.baseUrl).origin;
  const sim = (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
    fetch(`${origin()}/_sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const patchReport = (id: string, body: unknown, secret: string | null = rc.credentials.partner_secret!, codename = rc.credentials.codename!) =>
    fetch(`${rc.credentials.base_url}/p/${codename}/reports/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'RT-PARTNER-SECRET': secret }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const hooks = () => target.got.filter((g) => g.path.endsWith('/hook'));

  beforeAll(async () => {
    target = await receiver();
    rc = await startSimulator({ partnerUrlsBase: target.base, webhookUrl: target.hookUrl, webhookSecret: vector.secret, retryDelaysMs: [15, 15, 15], codename: 'assay', companyId: 1 });
  });
  afterAll(async () => {
    await rc.close();
    await target.server.close();
  });
  afterEach(() => {
    rc.reset();
    target.clear();
  });

  it('names its credentials as API.md does; base_url is the Partners API base', () => {
    expect(Object.keys(rc.credentials).sort()).toEqual(['base_url', 'codename', 'company_id', 'customer_token', 'partner_secret', 'webhook_secret']);
    expect(rc.credentials.base_url).toMatch(/\/api$/);
  });

  describe('signatures', () => {
    it('matches the fixture vector', () => {
      expect(signRecruiteeWebhook(fixture(vector.file!), vector.secret!)).toBe(vector.value);
    });

    it('sends the fixture bytes unchanged with the vector’s signature', async () => {
      const d = await rc.fireWebhook({ raw: fixture(vector.file!) });
      expect(d.state).toBe('delivered');
      const h = hooks()[0]!;
      expect(h.raw).toBe(fixture(vector.file!));
      expect(h.headers['x-recruitee-signature']).toBe(vector.value);
      expect(h.headers['user-agent']).toBe('Recruitee-Webhooks');
      expect(h.headers['content-type']).toBe('application/json');
    });
  });

  describe('partner calls with the customer’s Bearer token', () => {
    it('“recruiter opens Send test” GETs our tests URL and checks its shape', async () => {
      const res = await sim('/tests/fetch', {});
      const r = await res.json();
      expect(r).toMatchObject({ status: 200, shape_valid: true, tests: [{ id: 2, name: 'Numerical reasoning' }, { id: '3', name: 'Verbal' }] });
      expect(target.got[0]).toMatchObject({ method: 'GET', path: '/partner/recruitee/conn_1/tests' });
      expect(target.got[0]!.headers.authorization).toBe(`Bearer ${rc.credentials.customer_token}`);
      target.queue('tests', () => Response.json({ tests: [] }), () => Response.json([{ id: 1 }]));
      expect((await rc.fetchTests()).problems.join()).toMatch(/array/);
      expect((await rc.fetchTests()).problems.join()).toMatch(/name/);
    });

    it('“recruiter sends test X to candidate Y” creates a report and POSTs send_candidate in Recruitee’s shape', async () => {
      const res = await sim('/send', { test_id: 2, test_name: 'Numerical reasoning', candidate: { id: 1, first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' } });
      expect(res.status).toBe(201);
      const r = await res.json();
      expect(r).toMatchObject({ outcome: 'ok', answer: { status: 201 }, report: { status: 'sent', test_id: '2' } });
      const call = target.got.find((g) => g.path.endsWith('/send_candidate'))!;
      expect(call.headers.authorization).toBe(`Bearer ${rc.credentials.customer_token}`);
      const body = JSON.parse(call.raw);
      const example = JSON.parse(fixture('recruitee/send_candidate.json'));
      expect(Object.keys(body)).toEqual(Object.keys(example));
      expect(body).toEqual({ ...example, report_id: r.report.id, test_name: 'Numerical reasoning' });
      expect(typeof body.test_id).toBe('string');
    });

    it.each([
      ['401', () => Response.json({ error: 'bad token' }, { status: 401 }), 'unauthorized', /token/],
      ['422 with {"error": "<string>"}', () => Response.json({ error: 'Candidate already invited.' }, { status: 422 }), 'error', /^Candidate already invited\.$/],
      ['422 with another body (Recruitee\'s generic sentence)', () => Response.json({ message: 'Candidate already invited.' }, { status: 422 }), 'error', /^There was a problem with the Assay API$/],
      ['404 with an error object (generic sentence)', () => Response.json({ error: { code: 'unknown_package', message: 'Unknown test.' } }, { status: 404 }), 'error', /^There was a problem with the Assay API$/],
      ['500', () => new Response('boom', { status: 500 }), 'error', /error/],
    ])('reads a %s answer to send_candidate', async (_label, reply, outcome, shown) => {
      target.queue('send_candidate', reply);
      const r = await rc.sendCandidate({ test_id: '2' });
      expect(r.outcome).toBe(outcome);
      expect(r.message_shown).toMatch(shown);
      expect(rc.report(r.report.id).send_candidate).toMatchObject({ outcome });
    });
  });

  describe('report PATCHes from the partner', () => {
    const newReport = async () => (await rc.sendCandidate({ test_id: '2', candidate: { id: 1 } })).report;

    it('updates status, free-text score and completed_at', async () => {
      const report = await newReport();
      const res = await patchReport(report.id, { score: '10', status: 'completed', completed_at: '2022-10-06T18:22:26.927622Z' });
      expect(res.status).toBe(200);
      expect((await res.json()).report).toMatchObject({ id: report.id, status: 'completed', score: '10' });
      for (const score of ['76%', '12/15', 'Strong']) expect((await patchReport(report.id, { score })).status).toBe(200);
      const read = await (await sim(`/reports/${report.id}`)).json();
      expect(read).toMatchObject({ status: 'completed', score: 'Strong', completed_at: '2022-10-06T18:22:26.927622Z' });
      const list = await (await fetch(`${rc.credentials.base_url}/p/assay/c/1/candidates/1/reports`, { headers: { 'RT-PARTNER-SECRET': rc.credentials.partner_secret! } })).json();
      expect(list.reports.map((x: { id: string }) => x.id)).toEqual([report.id]);
    });

    it('accepts every documented status and urls.cancel, and notes ignored fields', async () => {
      const report = await newReport();
      for (const status of ['sent', 'failed', 'canceled', 'completed']) expect((await patchReport(report.id, { status })).status).toBe(200);
      const res = await patchReport(report.id, { urls: { cancel: `${target.base}/cancel` }, report: { status: 'x' } });
      expect(res.status).toBe(200);
      expect((await res.json()).ignored_fields).toEqual(['report']);
      const click = await (await sim(`/reports/${report.id}/cancel`, {})).json();
      expect(click.status).toBe(200);
      expect(target.got.at(-1)).toMatchObject({ method: 'POST', path: '/partner/recruitee/conn_1/cancel' });
    });

    it.each([
      ['an unknown status', { status: 'cancelled' }, 'status'],
      ['a numeric score', { score: 10 }, 'score'],
      ['a non-ISO completed_at', { completed_at: '06/10/2022' }, 'completed_at'],
    ])('refuses %s with 422', async (_label, body, field) => {
      const report = await newReport();
      const res = await patchReport(report.id, body);
      expect(res.status).toBe(422);
      expect(Object.keys((await res.json()).errors)).toEqual([field]);
      expect(rc.report(report.id).status).toBe('sent');
    });

    it('refuses subtitle/properties for non-assessment kinds', async () => {
      rc.config({ kind: 'background_check' });
      const report = await newReport();
      expect((await patchReport(report.id, { subtitle: 'x' })).status).toBe(422);
    });

    it('needs RT-PARTNER-SECRET, the right codename and a known report; the secret can be rotated', async () => {
      const report = await newReport();
      expect((await patchReport(report.id, { status: 'completed' }, null)).status).toBe(401);
      expect((await patchReport(report.id, { status: 'completed' }, 'wrong')).status).toBe(401);
      expect((await patchReport(report.id, { status: 'completed' }, undefined, 'other')).status).toBe(404);
      expect((await patchReport('4b9a5c2e-0000-4a3b-9c7e-2d1f0e9a8b7c', { status: 'completed' })).status).toBe(404);
      expect((await patchReport(report.id, '{bad json')).status).toBe(400);
      const old = rc.credentials.partner_secret!;
      const rot = await (await fetch(`${rc.credentials.base_url}/p/assay/partner/regenerate-secret`, { method: 'POST', headers: { 'RT-PARTNER-SECRET': old } })).json();
      expect(rot.secret).not.toBe(old);
      expect(rc.credentials.partner_secret).toBe(rot.secret);
      expect((await patchReport(report.id, { status: 'completed' }, old)).status).toBe(401);
      expect((await patchReport(report.id, { status: 'completed' }, rot.secret)).status).toBe(200);
    });
  });

  describe('webhooks', () => {
    it('retries until the answer is exactly 200 (201 and 204 count as failures)', async () => {
      target.queue('hook', () => new Response(null, { status: 204 }), () => new Response('created', { status: 201 }), () => new Response('boom', { status: 500 }));
      const res = await sim('/webhooks', { candidate: { id: 9, name: 'Grace Hopper' }, to_stage: { name: 'Assay Assessment' }, wait: true });
      const d = await res.json();
      expect(d.state).toBe('delivered');
      expect(d.attempts.map((a: { status: number }) => a.status)).toEqual([204, 201, 500, 200]);
      const bodies = hooks().map((h) => h.raw);
      expect(new Set(bodies).size).toBe(1);
      const body = JSON.parse(bodies[0]!);
      expect(body).toMatchObject({ event_type: 'candidate_moved', event_subtype: 'stage_changed', payload: { candidate: { id: 9 }, details: { to_stage: { name: 'Assay Assessment' } } } });
      expect(hooks()[0]!.headers['x-recruitee-signature']).toBe(hmacSha256(vector.secret!, bodies[0]!, 'hex'));
    });

    it('gives up after the retry schedule and lists the delivery as failed; “Retry now” works', async () => {
      target.queue('hook', ...Array.from({ length: 4 }, () => () => new Response('no', { status: 503 })));
      const d = await rc.fireWebhook({ body: { event_type: 'candidate_moved', payload: {} }, wait: true });
      expect(d.state).toBe('failed');
      expect(d.attempts).toHaveLength(4);
      const again = await (await sim(`/webhooks/${d.id}/retry`, {})).json();
      expect(again.state).toBe('delivered');
    });

    it('retries in the background when not waiting', async () => {
      target.queue('hook', () => new Response('no', { status: 500 }));
      const d = await rc.fireWebhook({});
      expect(d.state).toBe('pending');
      expect(d.next_attempt_at).not.toBeNull();
      await expect.poll(() => rc.webhooks().find((w) => w?.id === d.id)?.state, { timeout: 2000 }).toBe('delivered');
    });

    it('pings {"test":true} unsigned by default; the webhook is saved only on 200', async () => {
      let r = await (await sim('/webhooks/ping', {})).json();
      expect(r.saved).toBe(true);
      const ping = hooks()[0]!;
      expect(ping.raw).toBe('{"test":true}');
      expect(ping.headers['x-recruitee-signature']).toBeUndefined();
      expect(ping.headers['user-agent']).toBe('Recruitee-Webhooks');
      target.queue('hook', () => new Response(null, { status: 204 }));
      r = await rc.ping({ sign: true });
      expect(r.saved).toBe(false);
      expect(r.delivery.attempts).toHaveLength(1);
      expect(hooks()[1]!.headers['x-recruitee-signature']).toBe(signRecruiteeWebhook('{"test":true}', vector.secret!));
    });
  });

  describe('fault injection', () => {
    it('answers a queued 429 with Retry-After on the Partners API, then recovers', async () => {
      const report = (await rc.sendCandidate({ test_id: '2' })).report;
      rc.injectFault({ status: 429, retryAfterSeconds: 30, match: { method: 'PATCH' } });
      let res = await patchReport(report.id, { status: 'completed' });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('30');
      res = await patchReport(report.id, { status: 'completed' });
      expect(res.status).toBe(200);
      expect(rc.requests({ method: 'PATCH' }).map((r) => r.status)).toEqual([429, 200]);
    });
  });
});
