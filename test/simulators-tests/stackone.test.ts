import { FIXTURES_DIR } from '../helpers/fixtures.ts';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256, startHonoApp, type RunningServer } from '../simulators/shared/index.ts';
import { signStackOneWebhook, startSimulator, type StackOneSimHandle } from '../simulators/stackone/index.ts';

const FIXTURES = FIXTURES_DIR;
const fixture = (p: string) => readFileSync(`${FIXTURES}/${p}`, 'utf8');
const vectors = JSON.parse(fixture('signatures.json')) as Array<Record<string, string>>;
const vector = vectors.find((v) => v.vendor === 'stackone')!;

type Received = { method: string; path: string; headers: Record<string, string>; raw: string };
/** Throwaway target playing our server: /packages (package-list endpoint) and /hook (webhooks). */
async function receiver() {
  const got: Received[] = [];
  let packagesReply: () => Response = () => new Response(fixture('stackone/package-list-response.json'), { headers: { 'content-type': 'application/json' } });
  const app = new Hono();
  app.all('*', async (c) => {
    const r = { method: c.req.method, path: c.req.path, headers: Object.fromEntries(c.req.raw.headers), raw: await c.req.text() };
    got.push(r);
    return c.req.path.endsWith('/packages') ? packagesReply() : c.json({ received: true });
  });
  const server: RunningServer = await startHonoApp(app);
  return {
    server,
    got,
    packagesUrl: `${server.origin}/partner/stackone/conn_1/packages`,
    hookUrl: `${server.origin}/webhooks/stackone/conn_1`,
    answerPackages: (fn: () => Response) => (packagesReply = fn),
  };
}

describe('StackOne simulator', () => {
  let so: StackOneSimHandle;
  let target: Awaited<ReturnType<typeof receiver>>;
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  const api = (path: string, init: RequestInit & { auth?: string; account?: string | null } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: init.auth ?? basic(`${so.credentials.api_key}:`) };
    if (init.account !== null) headers['x-account-id'] = init.account ?? so.credentials.account_id!;
    return fetch(`${so.baseUrl}${path}`, { ...init, headers });
  };
  const sim = (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
    fetch(`${so.baseUrl}/_sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    target = await receiver();
    so = await startSimulator({ webhookUrl: target.hookUrl, packageListUrl: target.packagesUrl, webhookSecret: vector.secret, partnerApiKey: 'partner-key-1' });
  });
  afterAll(async () => {
    await so.close();
    await target.server.close();
  });
  afterEach(() => {
    so.reset();
    target.got.length = 0;
    target.answerPackages(() => new Response(fixture('stackone/package-list-response.json'), { headers: { 'content-type': 'application/json' } }));
  });

  it('names its credentials as API.md does', () => {
    expect(Object.keys(so.credentials).sort()).toEqual(['account_id', 'api_key', 'base_url', 'partner_api_key', 'webhook_secret']);
    so.config({ static_package_id: 'pkg-static' });
    expect(so.credentials.static_package_id).toBe('pkg-static');
  });

  describe('signatures', () => {
    it('matches the fixture vector', () => {
      expect(signStackOneWebhook(fixture(vector.file!), vector.secret!)).toBe(vector.value_base64url);
    });
  });

  describe('auth', () => {
    it('accepts base64(key) and base64(key:) with x-account-id', async () => {
      for (const auth of [basic(so.credentials.api_key!), basic(`${so.credentials.api_key}:`)]) expect((await api('/unified/ats/assessments/packages', { auth })).status).toBe(200);
    });

    it('refuses wrong keys, a password, and missing or unknown accounts with StackOne’s error body', async () => {
      for (const auth of [basic('wrong:'), basic(`${so.credentials.api_key}:secret`), `Bearer ${so.credentials.api_key}`]) {
        const res = await api('/unified/ats/assessments/packages', { auth });
        expect(res.status).toBe(401);
        const body = await res.json();
        expect(body).toMatchObject({ statusCode: 401, message: expect.any(String) });
        expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
      }
      expect((await api('/unified/ats/assessments/packages', { account: null })).status).toBe(400);
      expect((await api('/unified/ats/assessments/packages', { account: '123' })).status).toBe(404);
    });
  });

  describe('the picker calls our package-list endpoint', () => {
    it('POSTs {account_id, provider} with Basic partner key and a verifiable x-stackone-signature', async () => {
      const res = await sim('/picker', {});
      const result = await res.json();
      expect(result).toMatchObject({ source: 'endpoint', status: 200, shape_valid: true, problems: [] });
      expect(result.packages).toEqual([{ id: 'numerical-30', name: 'Numerical reasoning', description: '30 minutes, 20 questions' }]);
      const call = target.got[0]!;
      expect(call.method).toBe('POST');
      expect(JSON.parse(call.raw)).toEqual({ account_id: so.credentials.account_id, provider: 'recruitee' });
      expect(call.headers.authorization).toBe(basic('partner-key-1'));
      expect(call.headers['x-stackone-signature']).toBe(hmacSha256(vector.secret!, call.raw, 'base64url'));
      expect(call.headers['content-type']).toBe('application/json');
      so.config({ partner_auth_encoding: 'key:' });
      await so.openPicker();
      expect(target.got[1]!.headers.authorization).toBe(basic('partner-key-1:'));
    });

    it.each([
      ['a bare array', () => Response.json([{ id: 'a', name: 'A' }]), /bare array/],
      ['a package without a name', () => Response.json({ data: [{ id: 'a' }] }), /name/],
      ['a numeric id', () => Response.json({ data: [{ id: 1, name: 'A' }] }), /id/],
      ['a 500', () => new Response('oops', { status: 500 }), /status/],
      ['HTML', () => new Response('<html></html>', { status: 200 }), /body/],
    ])('flags %s as an invalid shape', async (_label, reply, problem) => {
      target.answerPackages(reply);
      const r = await so.openPicker();
      expect(r.shape_valid).toBe(false);
      expect(r.problems.join(' ')).toMatch(problem);
      expect(r.packages).toEqual([]);
    });

    it('falls back to the static package id when no list URL is configured, and needs one of the two', async () => {
      so.config({ package_list_url: null, static_package_id: 'pkg-static' });
      expect(await so.openPicker()).toMatchObject({ source: 'static', shape_valid: true, packages: [{ id: 'pkg-static' }] });
      expect(target.got).toHaveLength(0);
      so.config({ static_package_id: null });
      expect((await sim('/picker', {})).status).toBe(400);
    });
  });

  describe('orders', () => {
    it('“recruiter orders package X for candidate Y” fires a signed ats_assessments.created envelope', async () => {
      await so.openPicker();
      const res = await sim('/orders', { package_id: 'numerical-30', candidate: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' } });
      expect(res.status).toBe(201);
      const { order, delivery } = await res.json();
      expect(delivery).toMatchObject({ delivered: true, status: 200 });
      const hook = target.got.find((g) => g.path.startsWith('/webhooks'))!;
      expect(hook.headers['x-stackone-signature']).toBe(signStackOneWebhook(hook.raw, vector.secret!));
      const body = JSON.parse(hook.raw);
      expect(Object.keys(body)).toEqual(Object.keys(JSON.parse(fixture('stackone/ats_assessments.created.json'))));
      expect(body).toMatchObject({ event: 'ats_assessments.created', account_id: so.credentials.account_id, provider: 'recruitee', record_id: order.id, event_data: { id: order.id, package: { id: 'numerical-30', name: 'Numerical reasoning' } } });
      expect(body.event_data.candidate).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', emails: [{ type: 'personal', value: 'grace@example.com' }] });
    });

    it('can send a candidate without e-mails, drop a delivery and re-deliver the same bytes', async () => {
      const { order, delivery } = await so.orderPackage({ candidate: { email: null }, deliver: false });
      expect(delivery.delivered).toBe(false);
      expect((order.event_data.candidate as { emails: unknown[] }).emails).toEqual([]);
      expect(target.got.filter((g) => g.path.startsWith('/webhooks'))).toHaveLength(0);
      await so.redeliver(order.id);
      await so.redeliver(order.id);
      const hooks = target.got.filter((g) => g.path.startsWith('/webhooks'));
      expect(hooks).toHaveLength(2);
      expect(hooks[0]!.raw).toBe(hooks[1]!.raw);
    });

    it('refuses a package the picker did not offer unless forced', async () => {
      await so.openPicker();
      expect((await sim('/orders', { package_id: 'ghost' })).status).toBe(400);
      expect((await sim('/orders', { package_id: 'ghost', allow_unknown_package: true, deliver: false })).status).toBe(201);
    });
  });

  describe('packages list (GET)', () => {
    it('pages with page_size and next', async () => {
      so.config({ packages: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }, { id: 'c', name: 'C' }] });
      const ids: string[] = [];
      let next: string | null = null;
      do {
        const res: Response = await api(`/unified/ats/assessments/packages?page_size=2${next ? `&next=${next}` : ''}`);
        const body = await res.json();
        ids.push(...body.data.map((p: { id: string }) => p.id));
        next = body.next;
      } while (next);
      expect(ids).toEqual(['a', 'b', 'c']);
      expect((await api('/unified/ats/assessments/packages?page_size=zero')).status).toBe(400);
      expect((await (await api('/unified/ats/assessments/packages/b')).json()).data).toMatchObject({ id: 'b', name: 'B' });
    });
  });

  describe('result write-back', () => {
    const patch = (id: string, body: unknown) => api(`/unified/ats/assessments/orders/${id}/result`, { method: 'PATCH', body: JSON.stringify(body) });

    it('accepts the fixture body and answers {statusCode, message, timestamp}', async () => {
      const { order } = await so.orderPackage({ deliver: false });
      const res = await patch(order.id, JSON.parse(fixture('stackone/update-result.json')));
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toEqual({ statusCode: 200, message: 'Record updated successfully.', timestamp: expect.any(String) });
      const read = await (await sim(`/orders/${order.id}`)).json();
      expect(read.result).toMatchObject({ score: { value: '80', max: '100' }, result: { value: 'completed' } });
      expect(read.ats_view).toEqual({ status: 'completed', score: '80%', result_url: 'https://assay.example/report/ord_1' });
      const back = await (await api(`/unified/ats/assessments/orders/${order.id}/results`)).json();
      expect(back.data).toMatchObject({ id: order.id, summary: 'Numerical 80%', result: { value: 'completed' } });
    });

    it.each([
      ['a numeric score', { score: { value: 80, max: '100' } }, /score.value/],
      ['an unknown result.value', { result: { value: 'done' } }, /result.value/],
      ['a test_results field', { test_results: [] }, /test_results/],
      ['base64 attachments', { attachments: [{ data: 'AAA=', content_type: { value: 'pdf' } }] }, /attachments/],
      ['a bad attachment type', { attachments: [{ url: 'https://x.example/a.pdf', content_type: { value: 'application/pdf' } }] }, /content_type/],
      ['a non-ISO submission_date', { submission_date: '20/11/2026' }, /submission_date/],
    ])('refuses %s with 400', async (_label, body, msg) => {
      const { order } = await so.orderPackage({ deliver: false });
      const res = await patch(order.id, body);
      expect(res.status).toBe(400);
      const err = await res.json();
      expect(err.statusCode).toBe(400);
      expect(err.message).toMatch(msg);
      expect(so.order(order.id).result).toBeNull();
    });

    it('404s an unknown order', async () => {
      const res = await patch('nope', { summary: 'x' });
      expect(res.status).toBe(404);
      expect((await res.json()).statusCode).toBe(404);
    });
  });

  describe('fault injection', () => {
    it('answers queued 429 (with Retry-After) and 502 in StackOne’s error shape, observable in the request log', async () => {
      const res0 = await sim('/faults', [{ status: 429, retryAfterSeconds: 2 }, { status: 502 }]);
      expect(res0.status).toBe(201);
      let res = await api('/unified/ats/assessments/packages');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(await res.json()).toMatchObject({ statusCode: 429, message: 'Too Many Requests' });
      res = await api('/unified/ats/assessments/packages');
      expect(res.status).toBe(502);
      res = await api('/unified/ats/assessments/packages');
      expect(res.status).toBe(200);
      const { requests } = await (await sim('/requests?path=/unified')).json();
      expect(requests.map((r: { status: number }) => r.status)).toEqual([429, 502, 200]);
    });
  });
});
