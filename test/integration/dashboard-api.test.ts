// /api/dashboard over the composed app: only with the strict dashboard cookie (minted by /dashboard
// after login), writes only from our own origin, every answer scoped to the user's account, bad input a
// 400 in the one error shape, keyset pages that neither skip nor repeat, described in /openapi.json.
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { createApp } from '../../server/app.ts';
import '../../server/connectors/register.ts';
import { PROVIDERS } from '../../shared/providers.ts';
import { newId } from '../../server/ids.ts';
import { candidateFixture, PUBLIC_URL, type Fixture } from './candidate-fixture.ts';

let fx: Fixture;
let app: Hono;
let demoCookie: string;
let otherCookie: string;
const ids: string[] = [];

async function loginCookie(email: string, password: string): Promise<string> {
  const res = await app.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password }).toString() });
  expect(res.status).toBe(303);
  const session = /assay_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  const page = await app.request('/dashboard/candidates', { headers: { cookie: `assay_session=${session}` } });
  const set = page.headers.get('set-cookie') ?? '';
  expect(set).toMatch(/assay_dash=/);
  expect(set).toMatch(/SameSite=Strict/i);
  expect(set).toMatch(/HttpOnly/i);
  expect(set).toMatch(/Path=\/api\/dashboard/);
  return `assay_dash=${/assay_dash=([^;]+)/.exec(set)![1]}`;
}

const get = (path: string, cookie = demoCookie) => app.request(`/api/dashboard${path}`, { headers: { cookie } });
const post = (path: string, headers: Record<string, string>, cookie = demoCookie) => app.request(`/api/dashboard${path}`, { method: 'POST', headers: { cookie, ...headers } });
type Page = { orders: { id: string; status: string; candidate: { name: string }; source: string }[]; next_cursor: string | null };

beforeAll(async () => {
  fx = await candidateFixture();
  app = createApp(fx.svc) as unknown as Hono;
  for (let i = 0; i < 6; i++) ids.push((await fx.invite({ firstName: i === 0 ? 'Zelda' : `Casey${i}` })).order.id);
  ids.push((await fx.invite({ source: 'kombo', firstName: 'Kim' })).order.id);
  demoCookie = await loginCookie(fx.demo.user.email, fx.demo.user.password);
  const other = await fx.otherAccount();
  otherCookie = await loginCookie(other.email, other.password);
}, 60_000);
afterAll(() => fx?.close());

describe('/api/dashboard', () => {
  it('needs the strict dashboard cookie: none, or only the login cookie, is a 401 in the error shape', async () => {
    const none = await app.request('/api/dashboard/candidates');
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: 'login_required', message: expect.any(String) } });
    const lax = await get('/candidates', demoCookie.replace('assay_dash', 'assay_session'));
    expect(lax.status).toBe(401);
    expect(none.headers.get('cache-control')).toBe('no-store');
  });

  it('/dashboard without a login goes to the login page and comes back', async () => {
    const res = await app.request('/dashboard/integrations?x=1');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/dashboard/integrations?x=1')}`);
    const nope = await app.request('/dashboard/nope', { headers: { cookie: demoCookie } });
    expect(nope.status).toBe(404);
    expect(await nope.json()).toEqual({ error: { code: 'not_found', message: 'Nothing at GET /dashboard/nope.' } });
  });

  it('pages through every order newest first with a keyset, none skipped or repeated', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/candidates?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Page;
      expect(body.orders.length).toBeLessThanOrEqual(3);
      seen.push(...body.orders.map((o) => o.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...ids].sort());
    // Newest first: the last order placed is on top, the first at the bottom.
    expect(seen[0]).toBe(ids[ids.length - 1]);
    expect(seen[seen.length - 1]).toBe(ids[0]);
  });

  it('filters by source, status and name or e-mail, taking wildcards literally', async () => {
    const kombo = (await (await get('/candidates?source=kombo')).json()) as Page;
    expect(kombo.orders.map((o) => o.candidate.name)).toEqual(['Kim Candidate']);
    const zelda = (await (await get('/candidates?q=zeLDA')).json()) as Page;
    expect(zelda.orders.map((o) => o.id)).toEqual([ids[0]]);
    const wild = (await (await get(`/candidates?q=${encodeURIComponent('%')}`)).json()) as Page;
    expect(wild.orders).toEqual([]);
    const done = (await (await get('/candidates?status=completed')).json()) as Page;
    expect(done.orders).toEqual([]);
  });

  it('refuses bad input with a 400 in the one shape', async () => {
    for (const [q, code] of [
      ['status=nearly', 'invalid_query'],
      ['from=2026-13-01', 'invalid_query'],
      ['to=2026-02-30', 'invalid_query'],
      ['limit=1000', 'invalid_query'],
      ['cursor=bm90LWEtY3Vyc29y', 'invalid_cursor'],
      ['sort=name', 'invalid_query'],
      ['from=2026-05-02&to=2026-05-01', 'invalid_query'],
    ] as const) {
      const res = await get(`/candidates?${q}`);
      expect(res.status, q).toBe(400);
      expect(await res.json(), q).toEqual({ error: { code, message: expect.any(String) } });
    }
  });

  it("shows the band of the stored result, as the report does, even after the account's bands changed", async () => {
    const order = ids[5]!;
    const details = { version: 1, percent: 81, band: 'Exceeds the bar', answered: 1, total: 1, seconds: 60, tests: [], proctoring: null };
    await fx.svc.store.transaction((tx) => tx.results.insert({ order_id: order, account_id: 'demo', score: 81, max_score: 100, details, completed_at: new Date().toISOString() }));
    const page = (await (await get('/candidates?limit=100')).json()) as { orders: { id: string; score: number | null; band: string | null }[] };
    expect(page.orders.find((o) => o.id === order)).toMatchObject({ score: 81, band: 'Exceeds the bar' });
  });

  it('shows another account none of these orders and lets it change none of them', async () => {
    const theirs = (await (await get('/candidates', otherCookie)).json()) as Page;
    expect(theirs.orders).toEqual([]);
    const res = await post(`/orders/${ids[1]}/cancel`, { 'sec-fetch-site': 'same-origin' }, otherCookie);
    expect(res.status).toBe(404);
    expect((await fx.svc.store.orders.get('demo', ids[1]!))!.status).toBe('pending');
  });

  it('refuses writes from another site, then cancels from our own page; a finished order is a 409', async () => {
    const tries: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, {}];
    for (const headers of tries) {
      const res = await post(`/orders/${ids[1]}/cancel`, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect((await res.json()).error.code).toBe('cross_origin');
    }
    expect((await fx.svc.store.orders.get('demo', ids[1]!))!.status).toBe('pending');
    const ok = await post(`/orders/${ids[1]}/cancel`, { origin: PUBLIC_URL });
    expect(ok.status).toBe(200);
    expect((await ok.json()).order).toMatchObject({ id: ids[1], status: 'cancelled', can_cancel: false, can_resend: false });
    const again = await post(`/orders/${ids[1]}/resend`, { 'sec-fetch-site': 'same-origin' });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('order_not_resendable');
    const audit = await fx.svc.store.audit.list('demo', 50);
    expect(audit.some((a) => a.action === 'order.cancelled' && a.target === ids[1] && a.actor.startsWith('user:'))).toBe(true);
  });

  it('is described in /openapi.json with the cookie', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    for (const p of ['/api/dashboard/candidates', '/api/dashboard/orders/{id}/cancel', '/api/dashboard/orders/{id}/resend', '/api/dashboard/integrations', '/api/dashboard/jobs/{id}/retry']) {
      expect(Object.keys(doc.paths), p).toContain(p);
    }
    expect(doc.paths['/api/dashboard/candidates']!.get!.security).toEqual([{ dashboardCookie: [] }]);
  });

  it('Integrations: a dead write-back makes the card need attention; Retry (as outbox:replay) restarts it once', async () => {
    const con = await fx.svc.store.transaction((tx) => tx.connections.create({ id: newId('con'), account_id: 'demo', provider: 'greenhouse', status: 'active', config: {}, secrets_enc: fx.svc.box.sealJson({}) }));
    const job = await fx.svc.store.transaction((tx) => tx.outbox.enqueue({ account_id: 'demo', kind: 'writeback', connection_id: con.id, order_id: ids[2]!, payload: {} }));
    await fx.svc.store.transaction((tx) => tx.outbox.kill(job.id, 'Greenhouse answered 500'));
    const cards = ((await (await get('/integrations')).json()) as { integrations: { provider: string; state: string; connections: { id: string; jobs: { id: string; status: string; last_error: string }[] }[] }[] }).integrations;
    expect(cards.map((c) => c.provider).sort()).toEqual([...PROVIDERS].sort());
    const gh = cards.find((c) => c.provider === 'greenhouse')!;
    expect(gh.state).toBe('needs_attention');
    expect(gh.connections[0]!.jobs).toEqual([expect.objectContaining({ id: job.id, status: 'dead', last_error: 'Greenhouse answered 500' })]);
    expect(cards.find((c) => c.provider === 'lever')!.state).toBe('not_connected');

    expect((await post(`/jobs/${job.id}/retry`, { 'sec-fetch-site': 'same-origin' }, otherCookie)).status).toBe(404);
    const ok = await post(`/jobs/${job.id}/retry`, { 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(200);
    expect((await fx.svc.store.outbox.get(job.id))!).toMatchObject({ status: 'pending', attempts: 0 });
    const again = await post(`/jobs/${job.id}/retry`, { 'sec-fetch-site': 'same-origin' });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('job_not_retryable');
  });

  it('a member reads but every change is a 403 admin_only, and nothing changes', async () => {
    const email = `member-${Date.now()}@example.test`;
    const passwordHash = await hashPassword('member-password-1');
    await fx.svc.store.transaction((tx) => tx.users.create({ id: newId('usr'), account_id: 'demo', email, name: 'Mo Member', password_hash: passwordHash, role: 'member' }));
    const cookie = await loginCookie(email, 'member-password-1');
    const me = await (await get('/me', cookie)).json();
    expect(me.user.role).toBe('member');
    expect((await get('/candidates', cookie)).status).toBe(200);
    expect((await get('/integrations', cookie)).status).toBe(200);
    for (const path of [`/orders/${ids[3]}/cancel`, `/orders/${ids[3]}/resend`, '/jobs/job_abcdefgh/retry', '/connections/con_abcdefgh/check']) {
      const res = await post(path, { 'sec-fetch-site': 'same-origin' }, cookie);
      expect(res.status, path).toBe(403);
      expect((await res.json()).error.code, path).toBe('admin_only');
    }
    expect((await fx.svc.store.orders.get('demo', ids[3]!))!.status).toBe('pending');
  });

  it('Greenhouse connect refuses a bad key with a 400 and writes nothing; a good one answers the setup once', async () => {
    const before = (await fx.svc.store.connections.listByAccount('demo')).length;
    const postJson = (body: unknown, cookie = demoCookie) =>
      app.request('/api/dashboard/connections/greenhouse', { method: 'POST', headers: { cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const body of [{ harvest_api_key: 'has spaces in it' }, { harvest_api_key: 'short' }, { harvest_api_key: 'k'.repeat(201) }, { harvest_api_key: 'valid-key-1234', extra: 1 }, {}]) {
      const res = await postJson(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect((await fx.svc.store.connections.listByAccount('demo')).length).toBe(before);
    const ok = await postJson({ harvest_api_key: 'valid-key-1234' });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const setup = await ok.json();
    expect(setup.webhook_url).toBe(`${PUBLIC_URL}/webhooks/greenhouse/${setup.connection_id}`);
    expect(setup.events).toHaveLength(21);
    const conn = (await fx.svc.store.connections.get('demo', setup.connection_id))!;
    expect(fx.svc.box.openJson<Record<string, string>>(conn.secrets_enc)).toEqual({ harvest_api_key: 'valid-key-1234', partner_api_key: setup.partner_api_key, webhook_secret: setup.webhook_secret });
    // Not shown again: the cards never carry a secret.
    expect(JSON.stringify(await (await get('/integrations')).json())).not.toContain(setup.webhook_secret);
  });
});
