// The recruiter's widget API over real HTTP: ordering, refusals a recruiter can read, idempotency,
// bad input that changes nothing, account and application isolation, and durability across restarts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { countRows, query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

let srv: RunningServer;
let other: { issuer: string; audience: string; context_secret: string };

beforeAll(async () => {
  srv = await startServer();
  const r = await assay(['accounts:create', '--name', 'Other Co', '--issuer', 'https://other-ats.example', '--json'], { ...srv.storeEnv });
  expect(r.code, r.stderr).toBe(0);
  other = { issuer: r.json.issuer, audience: r.json.audience, context_secret: r.json.context_secret };
});
afterAll(() => srv?.stop());

describe('packages and orders', () => {
  it('lists the active packages with name, type, duration and description', async () => {
    const a = api(srv.url, await sessionToken(srv.url, srv.demo));
    const r = await a.get('/api/packages');
    expect(r.status).toBe(200);
    expect(r.body.packages.map((p: { id: string }) => p.id).sort()).toEqual(['logical-reasoning', 'numerical-reasoning', 'typescript-skills', 'work-style']);
    for (const p of r.body.packages) {
      expect(p.name).toBeTruthy();
      expect(p.description).toBeTruthy();
      expect(['SKILLS_TEST', 'BEHAVIORAL']).toContain(p.type);
      expect(p.duration_minutes).toBeGreaterThan(0);
      expect(Object.keys(p).sort()).toEqual(['description', 'duration_minutes', 'id', 'name', 'type']);
    }
  });

  it('creates a pending order with an invitation e-mail queued, and replays an Idempotency-Key', async () => {
    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-idem' }, candidate: { id: 'c-idem', email: 'idem@example.com' } } }));
    const first = await a.post('/api/orders', { package_id: 'logical-reasoning' }, { 'Idempotency-Key': 'click-1' });
    expect(first.status).toBe(201);
    expect(first.body.order).toMatchObject({ package_id: 'logical-reasoning', package_name: 'Logical Reasoning', status: 'pending', source: 'widget', application_id: 'app-idem', result: null });
    expect(Date.parse(first.body.order.expires_at) - Date.parse(first.body.order.invited_at)).toBe(7 * 86_400_000);
    const replay = await a.post('/api/orders', { package_id: 'logical-reasoning' }, { 'Idempotency-Key': 'click-1' });
    expect(replay.status).toBe(200);
    expect(replay.body.order.id).toBe(first.body.order.id);
    const reuse = await a.post('/api/orders', { package_id: 'work-style' }, { 'Idempotency-Key': 'click-1' });
    expect(reuse.status).toBe(422);
    expect(reuse.body.error.code).toBe('idempotency_key_reused');
    expect(query(srv, "SELECT id FROM orders WHERE application_id = 'app-idem'")).toHaveLength(1);
    expect(query(srv, "SELECT id FROM outbox WHERE kind = 'email.invitation' AND order_id = ?", first.body.order.id)).toHaveLength(1);
    const list = await a.get('/api/orders');
    expect(list.body.orders.map((o: { id: string }) => o.id)).toEqual([first.body.order.id]);
  });

  it('refuses with 422 and a sentence a recruiter understands', async () => {
    const noMail = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-nomail' }, candidate: { id: 'c-nomail', email: null } } }));
    const before = countRows(srv);
    const r1 = await noMail.post('/api/orders', { package_id: 'work-style' });
    expect(r1.status).toBe(422);
    expect(r1.body.error).toEqual({ code: 'candidate_email_missing', message: expect.stringMatching(/no usable e-mail address/) });
    const r2 = await noMail.post('/api/orders', { package_id: 'no-such-package' });
    expect(r2.status).toBe(422);
    expect(r2.body.error.code).toBe('package_unknown');
    expect(countRows(srv, ['orders', 'outbox', 'idempotency_keys'])).toEqual({ orders: before.orders, outbox: before.outbox, idempotency_keys: before.idempotency_keys });

    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-dup' }, candidate: { id: 'c-dup', email: 'dup@example.com' } } }));
    expect((await a.post('/api/orders', { package_id: 'work-style' })).status).toBe(201);
    const dup = await a.post('/api/orders', { package_id: 'work-style' });
    expect(dup.status).toBe(422);
    expect(dup.body.error.code).toBe('order_already_active');
    expect(dup.body.error.message).toMatch(/already sent to this candidate/);
  });

  it('lets a viewer see but not order', async () => {
    const v = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { role: 'viewer' } }));
    expect((await v.get('/api/packages')).status).toBe(200);
    const r = await v.post('/api/orders', { package_id: 'work-style' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('role_not_allowed');
  });

  it('cancels and re-sends: a resend queues a new invitation, a cancelled order cannot be re-sent', async () => {
    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-cancel' }, candidate: { id: 'c-cancel', email: 'cancel@example.com' } } }));
    const o = (await a.post('/api/orders', { package_id: 'numerical-reasoning' })).body.order;
    const hashBefore = query<{ invite_token_hash: string }>(srv, 'SELECT invite_token_hash FROM orders WHERE id = ?', o.id)[0]!.invite_token_hash;
    const resent = await a.post(`/api/orders/${o.id}/resend`);
    expect(resent.status).toBe(200);
    const hashAfter = query<{ invite_token_hash: string }>(srv, 'SELECT invite_token_hash FROM orders WHERE id = ?', o.id)[0]!.invite_token_hash;
    expect(hashAfter).not.toBe(hashBefore);
    expect(query(srv, "SELECT id FROM outbox WHERE kind = 'email.invitation' AND order_id = ?", o.id)).toHaveLength(2);
    const cancelled = await a.post(`/api/orders/${o.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.order.status).toBe('cancelled');
    const again = await a.post(`/api/orders/${o.id}/resend`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('order_not_resendable');
  });
});

describe('bad input changes nothing', () => {
  const bad: [string, string | object, Record<string, string>, number, string][] = [
    ['malformed JSON', '{"package_id":', { 'content-type': 'application/json' }, 400, 'malformed_json'],
    ['a wrong type', { package_id: 42 }, {}, 400, 'invalid_body'],
    ['an unknown field', { package_id: 'work-style', candidate_id: 'someone-else' }, {}, 400, 'invalid_body'],
    ['a missing field', {}, {}, 400, 'invalid_body'],
    ['a body over the limit', { package_id: 'x'.repeat(40_000) }, {}, 413, 'body_too_large'],
    ['a non-JSON content type', 'package_id=work-style', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
    ['a bad Idempotency-Key', { package_id: 'work-style' }, { 'Idempotency-Key': 'é'.repeat(3) }, 400, 'invalid_idempotency_key'],
  ];
  for (const [name, body, headers, status, code] of bad) {
    it(`answers ${name} with ${status} ${code}`, async () => {
      const token = await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-bad' }, candidate: { id: 'c-bad', email: 'bad@example.com' } } });
      const before = countRows(srv);
      const res = await fetch(`${srv.url}/api/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(res.status).toBe(status);
      const json = await res.json();
      expect(json.error.code).toBe(code);
      expect(typeof json.error.message).toBe('string');
      expect(countRows(srv)).toEqual(before);
    });
  }

  it('answers a missing or garbage bearer token with 401', async () => {
    for (const h of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const r = await fetch(`${srv.url}/api/orders`, { headers: h });
      expect(r.status).toBe(401);
      expect((await r.json()).error.code).toMatch(/^session_/);
    }
  });
});

describe('isolation', () => {
  it('gives a token of another account 404 for every object of this account, and another application 404 too', async () => {
    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-iso' }, candidate: { id: 'c-iso', email: 'iso@example.com' } } }));
    const order = (await a.post('/api/orders', { package_id: 'work-style' })).body.order;
    // Same application and candidate ids, but the other account: ids are scoped by the verified account.
    const b = api(srv.url, await sessionToken(srv.url, other, { claims: { application: { id: 'app-iso' }, candidate: { id: 'c-iso', email: 'iso@example.com' } } }));
    for (const [m, p] of [['GET', `/api/orders/${order.id}`], ['POST', `/api/orders/${order.id}/cancel`], ['POST', `/api/orders/${order.id}/resend`]] as const) {
      const r = await b.call(m, p, m === 'POST' ? {} : undefined);
      expect(r.status, `${m} ${p}`).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    expect((await b.get('/api/orders')).body.orders).toEqual([]);
    expect((await b.post('/api/orders', { package_id: 'work-style' })).body.order.package_id).toBe('work-style'); // B's own packages work
    const otherApp = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-iso-2' } } }));
    expect((await otherApp.get(`/api/orders/${order.id}`)).status).toBe(404);
    expect((await otherApp.get('/api/orders')).body.orders).toEqual([]);
    expect((await a.get(`/api/orders/${order.id}`)).body.order.status).toBe('pending');
  });
});

describe('durability', () => {
  it('loses nothing across a crash and restart, and an Idempotency-Key still replays the first order', async () => {
    const claims = { application: { id: 'app-restart' }, candidate: { id: 'c-restart', email: 'restart@example.com' } };
    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims }));
    const first = (await a.post('/api/orders', { package_id: 'typescript-skills' }, { 'Idempotency-Key': 'restart-key' })).body.order;
    srv = await srv.restart();
    const b = api(srv.url, await sessionToken(srv.url, srv.demo, { claims }));
    const list = await b.get('/api/orders');
    expect(list.body.orders.map((o: { id: string }) => o.id)).toEqual([first.id]);
    const replay = await b.post('/api/orders', { package_id: 'typescript-skills' }, { 'Idempotency-Key': 'restart-key' });
    expect(replay.status).toBe(200);
    expect(replay.body.order.id).toBe(first.id);
  });
});
