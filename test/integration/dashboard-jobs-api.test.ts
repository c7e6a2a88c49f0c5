// /api/dashboard/jobs and /assessments over the composed app: bad input a 400 (or 404 / 409) in the one
// error shape and nothing written, every query scoped to the user's account, writes only from our own
// origin and only by an admin, Publish / Unpublish deciding what an order for the assessment does (placeOrder:
// its package and defaults, or the package_inactive refusal every connector maps to its ATS's error), the
// Kombo package push queued on each change, and all of it in /openapi.json.
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { createApp } from '../../server/app.ts';
import '../../server/connectors/register.ts';
import { newId } from '../../server/ids.ts';
import { placeOrder } from '../../server/orders/place-order.ts';
import { candidateFixture, type Fixture } from './candidate-fixture.ts';

let fx: Fixture;
let app: Hono;
let admin: string;
let other: string;
let member: string;
let ghCon: string;

async function loginCookie(email: string, password: string): Promise<string> {
  const res = await app.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password }).toString() });
  expect(res.status).toBe(303);
  const session = /assay_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  const page = await app.request('/dashboard/jobs', { headers: { cookie: `assay_session=${session}` } });
  return `assay_dash=${/assay_dash=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]}`;
}

const get = async (path: string, cookie = admin) => {
  const r = await app.request(`/api/dashboard${path}`, { headers: { cookie } });
  return { status: r.status, body: await r.json() };
};
const post = async (path: string, body?: unknown, cookie = admin, headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' }) => {
  const r = await app.request(`/api/dashboard${path}`, {
    method: 'POST',
    headers: { cookie, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
};

/** An order for `packageId` as a connector places one (Kombo here). */
const order = async (packageId: string) => {
  const account = (await fx.svc.store.accounts.get('demo'))!;
  const n = newId('x');
  return fx.svc.store.transaction((tx) =>
    placeOrder(tx, fx.svc.box, {
      account,
      source: 'kombo',
      sourceOrderId: n,
      packageId,
      candidate: { externalId: n, email: `${n}@example.test`, firstName: 'Ola', lastName: 'Order', locale: null },
      applicationId: n,
      job: { id: null, name: null },
      createdBy: null,
    }),
  );
};

beforeAll(async () => {
  fx = await candidateFixture();
  app = createApp(fx.svc) as unknown as Hono;
  admin = await loginCookie(fx.demo.user.email, fx.demo.user.password);
  const o = await fx.otherAccount();
  other = await loginCookie(o.email, o.password);
  const passwordHash = await hashPassword('member-password-1');
  await fx.svc.store.transaction((tx) => tx.users.create({ id: newId('usr'), account_id: 'demo', email: 'jobs-member@example.test', name: 'Mo', password_hash: passwordHash, role: 'member' }));
  member = await loginCookie('jobs-member@example.test', 'member-password-1');
  // A Greenhouse connection whose Harvest sync brought one job; a bound Kombo connection that mirrors packages.
  ghCon = (await fx.svc.store.transaction((tx) => tx.connections.create({ id: newId('con'), account_id: 'demo', provider: 'greenhouse', status: 'active', config: {}, secrets_enc: fx.svc.box.sealJson({}) }))).id;
  await fx.svc.store.transaction((tx) => tx.connectorState.upsertObject(ghCon, 'job', '4690', { id: '4690', name: 'Data Analyst', status: 'open', requisition_id: null, updated_at: null }));
  await fx.svc.store.transaction((tx) => tx.connections.create({ id: newId('con'), account_id: 'demo', provider: 'kombo', status: 'active', config: { integration_id: 'recruitee:abc123', base_url: 'http://127.0.0.1:9/v1' }, secrets_enc: fx.svc.box.sealJson({ api_key: 'k', webhook_secret: 's' }) }));
}, 60_000);
afterAll(() => fx?.close());

describe('/api/dashboard jobs and assessments', () => {
  it('lists the synced ATS jobs, the active packages and the defaults; another account sees none of it', async () => {
    const r = await get('/jobs');
    expect(r.status).toBe(200);
    expect(r.body.ats_jobs).toEqual([{ connection_id: ghCon, provider: 'greenhouse', id: '4690', name: 'Data Analyst' }]);
    expect(r.body.jobs).toEqual([{ key: `${ghCon}:4690`, id: '4690', name: 'Data Analyst', source: { connection_id: ghCon, provider: 'greenhouse' }, assessments: [] }]);
    expect(r.body.packages.map((p: { id: string }) => p.id)).toContain('numerical-reasoning');
    expect(r.body.defaults).toEqual({ invitation_days: 7, extra_time_percent: 0 });
    expect((await get('/jobs', other)).body).toMatchObject({ jobs: [], ats_jobs: [] });
  });

  it('refuses bad input with a 400 / 404 / 409 in the error shape, and creates nothing', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, 'invalid_body'],
      [{ job_name: 'Chef', package_ids: [] }, 400, 'invalid_body'],
      [{ job_name: 'Chef', package_ids: ['numerical-reasoning'], invitation_days: 0 }, 400, 'invalid_body'],
      [{ job_name: 'Chef', package_ids: ['numerical-reasoning'], invitation_days: 2.5 }, 400, 'invalid_body'],
      [{ job_name: 'Chef', package_ids: ['numerical-reasoning'], extra_time_percent: 30 }, 400, 'invalid_body'],
      [{ job_name: 'Chef', package_ids: ['numerical-reasoning'], surprise: true }, 400, 'invalid_body'],
      [{ job_name: '   ', package_ids: ['numerical-reasoning'] }, 400, 'invalid_body'],
      [{ package_ids: ['numerical-reasoning'] }, 400, 'invalid_job'],
      [{ connection_id: ghCon, package_ids: ['numerical-reasoning'] }, 400, 'invalid_job'],
      [{ connection_id: ghCon, job_id: '9999', package_ids: ['numerical-reasoning'] }, 404, 'job_unknown'],
      [{ connection_id: 'con_notours0000', job_id: '4690', package_ids: ['numerical-reasoning'] }, 404, 'not_found'],
      // The second package is unknown: the first is not created either (one transaction).
      [{ job_name: 'Chef', package_ids: ['numerical-reasoning', 'no-such-package'] }, 404, 'package_unknown'],
    ];
    for (const [body, status, code] of cases) {
      const r = await post('/assessments', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body, JSON.stringify(body)).toEqual({ error: { code, message: expect.any(String) } });
    }
    // Another account's connection is not found from here.
    expect((await post('/assessments', { connection_id: ghCon, job_id: '4690', package_ids: ['numerical-reasoning'] }, other)).status).toBe(404);
    expect(await fx.svc.store.assessments.list('demo')).toEqual([]);
    const bad = await app.request('/api/dashboard/assessments', { method: 'POST', headers: { cookie: admin, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body: '{"job_name":' });
    expect(bad.status).toBe(400);
  });

  it('a member, and a write from another site, are refused; nothing is created', async () => {
    const body = { job_name: 'Chef', package_ids: ['numerical-reasoning'] };
    expect(await post('/assessments', body, member)).toEqual({ status: 403, body: { error: { code: 'admin_only', message: expect.any(String) } } });
    expect((await post('/assessments', body, admin, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(await fx.svc.store.assessments.list('demo')).toEqual([]);
    expect((await get('/jobs', member)).status).toBe(200);
  });

  it('publish makes the assessment orderable with its package and defaults; unpublish refuses new orders', async () => {
    const created = await post('/assessments', { connection_id: ghCon, job_id: '4690', package_ids: ['numerical-reasoning'], invitation_days: 3, extra_time_percent: 50 });
    expect(created.status).toBe(201);
    const [a] = created.body.assessments;
    expect(a).toMatchObject({ name: 'Data Analyst — Numerical Reasoning', status: 'draft', invitation_days: 3, extra_time_percent: 50, package: { id: 'numerical-reasoning', active: true } });
    expect(a.id).toMatch(/^asm_[0-9a-z]+$/);
    // A draft is not orderable.
    expect(await order(a.id)).toMatchObject({ kind: 'refused', refusal: { code: 'package_inactive' } });

    expect((await post(`/assessments/${a.id}/publish`, undefined, other)).status).toBe(404);
    expect((await post(`/assessments/${a.id}/publish`, undefined, member)).status).toBe(403);
    expect((await post('/assessments/not-an-id/publish')).body.error.code).toBe('invalid_param');
    const pushesBefore = (await fx.svc.store.outbox.list({ kind: 'kombo.push_packages', accountId: 'demo' })).length;
    const published = await post(`/assessments/${a.id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.assessment).toMatchObject({ id: a.id, status: 'published', published_at: expect.any(String) });
    // Kombo's package list is pushed again (through the outbox).
    expect((await fx.svc.store.outbox.list({ kind: 'kombo.push_packages', accountId: 'demo' })).length).toBe(pushesBefore + 1);

    const placed = await order(a.id);
    expect(placed.kind).toBe('created');
    if (placed.kind !== 'created') return;
    expect(placed.order).toMatchObject({ package_id: 'numerical-reasoning', extra_time_percent: 50, job_id: '4690', job_name: 'Data Analyst', meta: { assessment_id: a.id } });
    expect(Date.parse(placed.order.expires_at!) - Date.parse(placed.order.invited_at!)).toBe(3 * 86_400_000);

    const jobs = (await get('/jobs')).body.jobs;
    expect(jobs).toEqual([expect.objectContaining({ name: 'Data Analyst', assessments: [expect.objectContaining({ id: a.id, status: 'published' })] })]);

    const un = await post(`/assessments/${a.id}/unpublish`);
    expect(un.body.assessment.status).toBe('unpublished');
    expect((await fx.svc.store.outbox.list({ kind: 'kombo.push_packages', accountId: 'demo' })).length).toBe(pushesBefore + 2);
    const refused = await order(a.id);
    expect(refused).toMatchObject({ kind: 'refused', refusal: { code: 'package_inactive', message: 'The assessment "Data Analyst — Numerical Reasoning" was unpublished and can no longer be sent.' } });
    expect(await order('asm_doesnotexist00')).toMatchObject({ kind: 'refused', refusal: { code: 'package_unknown' } });
    const audit = (await fx.svc.store.audit.list('demo', 50)).filter((e) => e.target === a.id).map((e) => e.action);
    expect(audit.sort()).toEqual(['assessment.created', 'assessment.published', 'assessment.unpublished']);
  });

  it('is described in /openapi.json with the cookie', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    for (const [p, m] of [['/api/dashboard/jobs', 'get'], ['/api/dashboard/assessments', 'post'], ['/api/dashboard/assessments/{id}/publish', 'post'], ['/api/dashboard/assessments/{id}/unpublish', 'post']] as const) {
      expect(doc.paths[p]?.[m]?.security, p).toEqual([{ dashboardCookie: [] }]);
    }
  });
});
