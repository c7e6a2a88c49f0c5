import { FIXTURES_DIR } from '../helpers/fixtures.ts';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256, startHonoApp, type RunningServer } from '../simulators/shared/index.ts';
import { signKomboWebhook, startSimulator, type KomboSimHandle } from '../simulators/kombo/index.ts';

const FIXTURES = FIXTURES_DIR;
const fixture = (p: string) => readFileSync(`${FIXTURES}/${p}`, 'utf8');
const vectors = JSON.parse(fixture('signatures.json')) as Array<Record<string, string>>;
const komboVector = vectors.find((v) => v.vendor === 'kombo')!;

type Received = { path: string; headers: Record<string, string>; raw: string };
/** A throwaway webhook target: records what it receives and answers with `reply` (default 200 {}). */
async function receiver() {
  const got: Received[] = [];
  let reply: (r: Received) => Response = () => Response.json({ ok: true });
  const app = new Hono();
  app.post('*', async (c) => {
    const r = { path: c.req.path, headers: Object.fromEntries(c.req.raw.headers), raw: await c.req.text() };
    got.push(r);
    return reply(r);
  });
  const server: RunningServer = await startHonoApp(app);
  return { server, got, url: `${server.origin}/webhooks/kombo/conn_1`, answer: (fn: (r: Received) => Response) => (reply = fn) };
}

describe('Kombo simulator', () => {
  let kombo: KomboSimHandle;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const h = () => ({ authorization: `Bearer ${kombo.credentials.api_key}`, 'x-integration-id': kombo.credentials.integration_id!, 'content-type': 'application/json' });
  const api = (path: string, init: RequestInit = {}) => fetch(`${kombo.baseUrl}${path}`, { ...init, headers: { ...h(), ...(init.headers as Record<string, string> | undefined) } });
  const sim = (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
    fetch(`${new URL(kombo.baseUrl).origin}/_sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const putPackages = (ids: string[]) =>
    api('/assessment/packages', { method: 'PUT', body: JSON.stringify({ packages: ids.map((id) => ({ id, type: 'SKILLS_TEST', name: `Test ${id}`, description: `About ${id}` })) }) });

  beforeAll(async () => {
    hook = await receiver();
    kombo = await startSimulator({ webhookUrl: hook.url, webhookSecret: komboVector.secret });
  });
  afterAll(async () => {
    await kombo.close();
    await hook.server.close();
  });
  afterEach(() => {
    kombo.reset();
    kombo.config({ webhook_url: hook.url });
    hook.got.length = 0;
    hook.answer(() => Response.json({ ok: true }));
  });

  it('names its credentials as API.md does and serves under /v1', () => {
    expect(Object.keys(kombo.credentials).sort()).toEqual(['api_key', 'base_url', 'integration_id', 'webhook_secret']);
    expect(kombo.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(kombo.credentials.integration_id).toMatch(/^recruitee:[A-Za-z0-9]{24}$/);
  });

  describe('signatures', () => {
    it('matches the fixture vector in both encodings', () => {
      const raw = fixture(komboVector.file!);
      expect(signKomboWebhook(raw, komboVector.secret!, 'base64url')).toBe(komboVector.value_base64url);
      expect(signKomboWebhook(raw, komboVector.secret!, 'hex')).toBe(komboVector.value_hex);
    });

    it('signs the exact bytes it sends, base64url by default and hex when configured', async () => {
      await putPackages(['p1']);
      await kombo.createOrder();
      const first = hook.got[0]!;
      expect(first.headers['x-kombo-signature']).toBe(hmacSha256(komboVector.secret!, first.raw, 'base64url'));
      expect(first.headers['content-type']).toBe('application/json');
      const res = await sim('/config', { signature_encoding: 'hex' }, 'PATCH');
      expect((await res.json()).signature_encoding).toBe('hex');
      await kombo.createOrder();
      const second = hook.got[1]!;
      expect(second.headers['x-kombo-signature']).toBe(hmacSha256(komboVector.secret!, second.raw, 'hex'));
    });
  });

  describe('auth', () => {
    it('refuses a missing or wrong Bearer key with Kombo’s error envelope', async () => {
      for (const auth of [undefined, 'Bearer wrong', `Basic ${kombo.credentials.api_key}`]) {
        const res = await fetch(`${kombo.baseUrl}/assessment/packages`, { headers: auth ? { authorization: auth, 'x-integration-id': kombo.credentials.integration_id! } : {} });
        expect(res.status).toBe(401);
        const body = await res.json();
        expect(body).toMatchObject({ status: 'error', error: { code: 'PLATFORM.AUTHENTICATION_INVALID', title: null } });
        expect(Object.keys(body.error).sort()).toEqual(['code', 'log_url', 'message', 'title']);
        expect(typeof body.error.message).toBe('string');
      }
    });

    it('requires X-Integration-Id naming a known integration', async () => {
      let res = await api('/assessment/packages', { headers: { 'x-integration-id': '' } });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('PLATFORM.INPUT_INVALID');
      res = await api('/assessment/packages', { headers: { 'x-integration-id': 'recruitee:nope' } });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('PLATFORM.INTEGRATION_NOT_FOUND');
    });
  });

  describe('packages', () => {
    it('PUT replaces the list; missing packages are marked deleted', async () => {
      let res = await putPackages(['a', 'b']);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'success', data: {}, warnings: [] });
      await putPackages(['b', 'c']);
      res = await api('/assessment/packages');
      const body = await res.json();
      expect(body.status).toBe('success');
      expect(body.data.packages.map((p: { id: string }) => p.id)).toEqual(['b', 'c']);
      expect(body.data.packages[0]).toMatchObject({ id: 'b', name: 'Test b', description: 'About b', type: 'SKILLS_TEST' });
      expect(body.data.packages[0].updated_at).toMatch(/Z$/);
      const all = kombo.state().packages[kombo.credentials.integration_id!]!;
      expect(all.find((p) => p.id === 'a')).toMatchObject({ deleted: true });
    });

    it('validates the package list', async () => {
      for (const packages of [[{ id: 'x', name: 'X', description: 'd' }], [{ id: 'x', type: 'QUIZ', name: 'X', description: 'd' }], [{ id: 'x', type: 'SKILLS_TEST', name: 'X' }]]) {
        const res = await api('/assessment/packages', { method: 'PUT', body: JSON.stringify({ packages }) });
        expect(res.status).toBe(400);
        expect((await res.json()).error.code).toBe('PLATFORM.INPUT_INVALID');
      }
      const res = await api('/assessment/packages', { method: 'PUT', body: '{"packages":' });
      expect(res.status).toBe(400);
    });
  });

  describe('orders', () => {
    it('paginates with an opaque base64 cursor and page_size 1–250', async () => {
      await putPackages(['p1']);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await kombo.createOrder({ deliver: false })).order.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: Response = await api(`/assessment/orders?page_size=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        const body = await res.json();
        seen.push(...body.data.results.map((o: { id: string }) => o.id));
        cursor = body.data.next;
        if (cursor) expect(() => Buffer.from(cursor!, 'base64')).not.toThrow();
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(ids);
      for (const bad of ['0', '251', 'abc', '2.5']) expect((await api(`/assessment/orders?page_size=${bad}`)).status).toBe(400);
      const res = await api('/assessment/orders?cursor=not-a-cursor');
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('PLATFORM.INPUT_INVALID');
    });

    it('filters by ids, statuses and created_after; the deprecated /open lists only OPEN orders without status', async () => {
      await putPackages(['p1']);
      const old = (await kombo.createOrder({ deliver: false, created_at: '2026-01-01T00:00:00.000Z' })).order;
      const done = (await kombo.createOrder({ deliver: false })).order;
      const open = (await kombo.createOrder({ deliver: false })).order;
      kombo.setOrderStatus(done.id, 'COMPLETED');

      const ids = async (q: string) => ((await (await api(`/assessment/orders?${q}`)).json()).data.results as Array<{ id: string }>).map((o) => o.id);
      expect(await ids(`ids=${done.id},${open.id}`)).toEqual([done.id, open.id]);
      expect(await ids('statuses=OPEN')).toEqual([old.id, open.id]);
      expect(await ids('statuses=OPEN,COMPLETED')).toEqual([old.id, done.id, open.id]);
      expect(await ids('created_after=2026-06-01T00:00:00.000Z')).toEqual([done.id, open.id]);
      expect((await api('/assessment/orders?statuses=DONE')).status).toBe(400);
      expect((await api('/assessment/orders?created_after=yesterday')).status).toBe(400);

      const full = (await (await api(`/assessment/orders?ids=${open.id}`)).json()).data.results[0];
      expect(Object.keys(full).sort()).toEqual(['application', 'candidate', 'id', 'job', 'package_id', 'status']);
      expect(Object.keys(full.job)).toEqual(expect.arrayContaining(['job_code', 'description', 'location', 'hiring_team']));

      const legacy = await (await api('/assessment/orders/open')).json();
      expect(legacy.data.results.map((o: { id: string }) => o.id)).toEqual([old.id, open.id]);
      expect(legacy.data.results[0].status).toBeUndefined();
      expect(legacy.data.results[0].job.job_code).toBeUndefined();
    });

    it('only offers packages the provider submitted', async () => {
      let res = await sim('/orders', {});
      expect(res.status).toBe(400);
      await putPackages(['p1']);
      res = await sim('/orders', { package_id: 'ghost' });
      expect(res.status).toBe(400);
      res = await sim('/orders', { package_id: 'ghost', allow_unknown_package: true, deliver: false });
      expect(res.status).toBe(201);
    });
  });

  describe('order webhook and our reply', () => {
    it('delivers assessment:order-received {id, type, data} and a 2xx reply keeps the order OPEN', async () => {
      await putPackages(['p1']);
      const res = await sim('/orders', { candidate: { email: 'grace@example.com', first_name: 'Grace' } });
      expect(res.status).toBe(201);
      const { order, delivery } = await res.json();
      expect(delivery).toMatchObject({ delivered: true, status: 200, effect: 'accepted', order_status: 'OPEN' });
      const body = JSON.parse(hook.got[0]!.raw);
      expect(body).toMatchObject({ id: order.event_id, type: 'assessment:order-received', data: { id: order.id, package_id: 'p1', status: 'OPEN', integration_id: kombo.credentials.integration_id } });
      expect(body.data.candidate).toEqual({ remote_id: expect.any(String), email: 'grace@example.com', first_name: 'Grace', last_name: 'Lovelace', phone: null });
      expect(Object.keys(body.data.job).sort()).toEqual(['description', 'hiring_team', 'job_code', 'location', 'name', 'remote_id']);
      expect(body.remote_data).toBeUndefined();
    });

    it.each([
      ['{message}', { message: 'Candidate has no e-mail address.' }],
      ['Kombo’s error envelope', { status: 'error', error: { code: null, title: null, message: 'Candidate has no e-mail address.', log_url: null } }],
    ])('a 422 with %s rejects the order and stores the message', async (_label, reply) => {
      await putPackages(['p1']);
      hook.answer(() => Response.json(reply, { status: 422 }));
      const { order, delivery } = await kombo.createOrder();
      expect(delivery).toMatchObject({ status: 422, effect: 'rejected', order_status: 'REJECTED' });
      const read = await (await sim(`/orders/${order.id}`)).json();
      expect(read).toMatchObject({ status: 'REJECTED', rejection_message: 'Candidate has no e-mail address.' });
      const listed = await (await api(`/assessment/orders?ids=${order.id}`)).json();
      expect(listed.data.results[0].status).toBe('REJECTED');
    });

    it.each([
      ['422 without a message', () => Response.json({ reason: 'nope' }, { status: 422 })],
      ['500', () => new Response('boom', { status: 500 })],
      ['400 with a message', () => Response.json({ message: 'bad' }, { status: 400 })],
    ])('%s leaves the order OPEN', async (_label, reply) => {
      await putPackages(['p1']);
      hook.answer(reply);
      const { order, delivery } = await kombo.createOrder();
      expect(delivery).toMatchObject({ effect: 'ignored', order_status: 'OPEN' });
      expect(kombo.order(order.id).status).toBe('OPEN');
    });

    it('can drop a delivery and re-deliver the same event (same id, same bytes)', async () => {
      await putPackages(['p1']);
      const { order, delivery } = await kombo.createOrder({ deliver: false });
      expect(delivery.delivered).toBe(false);
      expect(hook.got).toHaveLength(0);
      const open = await (await api('/assessment/orders?statuses=OPEN')).json();
      expect(open.data.results.map((o: { id: string }) => o.id)).toContain(order.id);
      await (await sim(`/orders/${order.id}/redeliver`, {})).json();
      await kombo.redeliver(order.id);
      expect(hook.got).toHaveLength(2);
      expect(hook.got[0]!.raw).toBe(hook.got[1]!.raw);
      expect(JSON.parse(hook.got[0]!.raw).id).toBe(order.event_id);
      expect(hook.got[0]!.headers['x-kombo-signature']).toBe(hook.got[1]!.headers['x-kombo-signature']);
    });

    it('treats a slow target as no answer (order stays OPEN)', async () => {
      await putPackages(['p1']);
      kombo.config({ webhook_timeout_ms: 100 });
      const slow = new Hono();
      slow.post('*', async () => {
        await new Promise((r) => setTimeout(r, 400));
        return Response.json({ message: 'too late' }, { status: 422 });
      });
      const s = await startHonoApp(slow);
      try {
        kombo.config({ webhook_url: `${s.origin}/hook` });
        const { order, delivery } = await kombo.createOrder();
        expect(delivery).toMatchObject({ status: 0, effect: 'ignored' });
        expect(kombo.order(order.id).status).toBe('OPEN');
      } finally {
        await s.close();
      }
    });
  });

  describe('result write-back', () => {
    const put = (id: string, body: unknown) => api(`/assessment/orders/${id}/result`, { method: 'PUT', body: JSON.stringify(body) });
    const newOrder = async () => {
      await putPackages(['p1']);
      return (await kombo.createOrder({ deliver: false })).order;
    };

    it('accepts the fixture body, records it and completes the order; further updates are refused', async () => {
      const order = await newOrder();
      let res = await put(order.id, JSON.parse(fixture('kombo/put-result.json')));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'success', data: {}, warnings: [] });
      const read = await (await sim(`/orders/${order.id}`)).json();
      expect(read.status).toBe('COMPLETED');
      expect(read.result).toMatchObject({ score: 90, max_score: 100, result_url: 'https://assay.example/report/ord_1' });
      res = await put(order.id, { status: 'CANCELLED', result_url: 'https://assay.example/report/ord_1', completed_at: '2026-04-05T00:00:00.000Z' });
      expect(res.status).toBe(400);
      const err = await res.json();
      expect(err.status).toBe('error');
      expect(err.error.message).toMatch(/only .* while it is OPEN/);
    });

    it.each(['2026-04-04', '2026-04-04T10:00:00Z', '2026-04-04T10:00:00', '2026-04-04T10:00:00.5Z', '2026-04-04T10:00:00.000Z'])(
      'accepts completed_at %s, as Kombo\'s OpenAPI pattern does (milliseconds optional)',
      async (completedAt) => {
        const order = await newOrder();
        const res = await put(order.id, { status: 'COMPLETED', result_url: 'https://x.example/r', completed_at: completedAt });
        expect(res.status).toBe(200);
        expect(kombo.order(order.id).status).toBe('COMPLETED');
      },
    );

    it('allows progress updates with status OPEN and warns when completed_at is missing', async () => {
      const order = await newOrder();
      let res = await put(order.id, { status: 'OPEN', result_url: 'https://assay.example/r/1' });
      expect(res.status).toBe(200);
      expect(kombo.order(order.id).status).toBe('OPEN');
      res = await put(order.id, { status: 'COMPLETED', result_url: 'https://assay.example/r/1', score: 3, max_score: 4 });
      const body = await res.json();
      expect(body.warnings[0].message).toMatch(/completed_at/);
    });

    it.each([
      ['status missing', { result_url: 'https://x.example/r' }],
      ['status REJECTED', { status: 'REJECTED', result_url: 'https://x.example/r' }],
      ['result_url missing', { status: 'COMPLETED' }],
      ['score as a string', { status: 'COMPLETED', result_url: 'https://x.example/r', score: '90' }],
      ['completed_at with an offset', { status: 'COMPLETED', result_url: 'https://x.example/r', completed_at: '2026-04-04T10:00:00+02:00' }],
      ['completed_at that is no date', { status: 'COMPLETED', result_url: 'https://x.example/r', completed_at: '04/04/2026' }],
      ['6 attachments', { status: 'COMPLETED', result_url: 'https://x.example/r', attachments: Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.pdf`, data_url: 'https://x.example/f.pdf' })) }],
      ['attachment with neither data nor data_url', { status: 'COMPLETED', result_url: 'https://x.example/r', attachments: [{ name: 'r.pdf' }] }],
      ['attachment data without content_type', { status: 'COMPLETED', result_url: 'https://x.example/r', attachments: [{ name: 'r.pdf', data: 'JVBERi0=' }] }],
      ['SUB_RESULT with score.max 0', { status: 'COMPLETED', result_url: 'https://x.example/r', attributes: [{ type: 'SUB_RESULT', id: 'a', label: 'A', score: { value: 0, max: 0 }, status: 'COMPLETED' }] }],
      ['SUB_RESULT without status', { status: 'COMPLETED', result_url: 'https://x.example/r', attributes: [{ type: 'SUB_RESULT', id: 'a', label: 'A', score: { value: 1, max: 5 } }] }],
      ['TEXT without value', { status: 'COMPLETED', result_url: 'https://x.example/r', attributes: [{ type: 'TEXT', label: 'A' }] }],
      ['unknown attribute type', { status: 'COMPLETED', result_url: 'https://x.example/r', attributes: [{ type: 'NUMBER', label: 'A', value: 1 }] }],
    ])('refuses %s with INPUT_INVALID and leaves the order OPEN', async (_label, body) => {
      const order = await newOrder();
      const res = await put(order.id, body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('PLATFORM.INPUT_INVALID');
      expect(kombo.order(order.id).status).toBe('OPEN');
      expect(kombo.order(order.id).result_history.at(-1)).toMatchObject({ accepted: false });
    });

    it('accepts 5 attachments (data_url, or data + content_type) and warns about octet-stream', async () => {
      const order = await newOrder();
      const attachments = [
        ...Array.from({ length: 4 }, (_, i) => ({ name: `r${i}.pdf`, data_url: 'https://assay.example/r.pdf' })),
        { name: 'raw.bin', data: 'AAEC', content_type: 'application/octet-stream' },
      ];
      const res = await put(order.id, { status: 'COMPLETED', result_url: 'https://x.example/r', completed_at: '2026-04-04T00:00:00.000Z', attachments });
      expect(res.status).toBe(200);
      expect((await res.json()).warnings.map((w: { message: string }) => w.message).join(' ')).toMatch(/octet-stream/);
    });

    it('404s an unknown order', async () => {
      const res = await put('nope', { status: 'COMPLETED', result_url: 'https://x.example/r' });
      expect(res.status).toBe(404);
      expect((await res.json()).status).toBe('error');
    });
  });

  describe('fault injection', () => {
    it('answers a queued 429 with Retry-After and Kombo’s rate-limit code, then recovers', async () => {
      kombo.injectFault({ status: 429, retryAfterSeconds: 7 });
      let res = await api('/assessment/packages');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect((await res.json()).error.code).toBe('PLATFORM.RATE_LIMIT_EXCEEDED');
      res = await api('/assessment/packages');
      expect(res.status).toBe(200);
      const logged = kombo.requests({ path: '/v1/assessment/packages' });
      expect(logged.map((r) => [r.status, r.fault ?? false])).toEqual([
        [429, true],
        [200, false],
      ]);
    });

    it('queues faults over HTTP: a 503 for one path, then a slow answer', async () => {
      let res = await sim('/faults', [{ status: 503, match: { path: '/assessment/orders' } }, { delayMs: 250 }]);
      expect(res.status).toBe(201);
      expect((await api('/assessment/packages')).status).toBe(200); // the slow answer is not path-bound: it takes this one
      res = await api('/assessment/orders');
      expect(res.status).toBe(503);
      expect((await res.json()).error.code).toBe('REMOTE.SERVICE_UNAVAILABLE');
      await sim('/faults', { delayMs: 250 });
      const t = Date.now();
      expect((await api('/assessment/orders')).status).toBe(200);
      expect(Date.now() - t).toBeGreaterThanOrEqual(240);
      expect((await sim('/faults', { status: 'x' })).status).toBe(400);
    });
  });

  describe('Kombo Connect', () => {
    it('creates a link, shows a setup page, completes it, fires integration-created and resolves the token', async () => {
      const res = await api('/connect/create-link', {
        method: 'POST',
        headers: { 'x-integration-id': '' },
        body: JSON.stringify({ end_user_email: 'admin@acme.example', end_user_organization_name: 'Acme', end_user_origin_id: 'acct_1', integration_category: 'ASSESSMENT', integration_tool: 'recruitee', link_type: 'MAGIC_LINK' }),
      });
      expect(res.status).toBe(200);
      const { status, data } = await res.json();
      expect(status).toBe('success');
      const page = await fetch(data.link);
      const html = await page.text();
      expect(html).toContain('Connect your Recruitee');
      expect(html).toContain('Set up integration');
      expect(html).toMatch(/name="api_key"/);

      const token = new URL(data.link).searchParams.get('token')!;
      const done = await fetch(`${new URL(kombo.baseUrl).origin}/connect/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, api_key: 'recruitee-token-123' }).toString(),
      });
      expect(done.status).toBe(200);
      const doneHtml = await done.text();
      const activation = /data-activation-token="([^"]+)"/.exec(doneHtml)![1]!;

      const event = hook.got.find((g) => JSON.parse(g.raw).type === 'integration-created')!;
      expect(event.headers['x-kombo-signature']).toBe(hmacSha256(komboVector.secret!, event.raw, 'base64url'));
      const payload = JSON.parse(event.raw);
      expect(payload.data).toMatchObject({ tool: 'recruitee', category: 'ASSESSMENT', end_user: { origin_id: 'acct_1', organization_name: 'Acme', creator_email: 'admin@acme.example' } });
      expect(payload.data.id).toMatch(/^recruitee:[A-Za-z0-9]{24}$/);

      const byToken = await (await api(`/connect/integration-by-token/${activation}`, { headers: { 'x-integration-id': '' } })).json();
      expect(byToken).toEqual({ status: 'success', data: { tool: 'recruitee', id: payload.data.id, end_user_origin_id: 'acct_1', end_user_organization_name: 'Acme', end_user_email: 'admin@acme.example', setup_status: 'COMPLETED' } });

      // The new integration is usable with the same API key.
      const pk = await api('/assessment/packages', { headers: { 'x-integration-id': payload.data.id } });
      expect(pk.status).toBe(200);
      // A link is single-use.
      const again = await sim('/connect/complete', { token, api_key: 'x' });
      expect(again.status).toBe(409);
    });

    it('validates create-link and refuses expired links and unknown tokens', async () => {
      const bad = await api('/connect/create-link', { method: 'POST', body: JSON.stringify({ end_user_organization_name: 'Acme', link_type: 'QR' }) });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.message).toMatch(/end_user_email.*link_type/);
      const ok = await (await api('/connect/create-link', { method: 'POST', body: JSON.stringify({ end_user_email: 'a@b.example', end_user_organization_name: 'B' }) })).json();
      const token = new URL(ok.data.link).searchParams.get('token')!;
      await sim(`/connect/links/${token}/expire`, {});
      expect((await fetch(ok.data.link)).status).toBe(410);
      expect((await sim('/connect/complete', { token, api_key: 'k' })).status).toBe(410);
      expect((await api('/connect/integration-by-token/nope')).status).toBe(404);
      expect((await fetch(`${kombo.baseUrl}/connect/create-link`, { method: 'POST', body: '{}' })).status).toBe(401);
    });
  });

  it('keeps a request log readable over /_sim/requests', async () => {
    await api('/assessment/packages');
    const { requests } = await (await sim('/requests?path=/v1/assessment')).json();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'GET', path: '/v1/assessment/packages', status: 200 });
    expect(requests[0].headers['x-integration-id']).toBe(kombo.credentials.integration_id);
  });

  // The official SDK is optional: when it is installed, it must be able to talk to the simulator.
  const require = createRequire(import.meta.url);
  let sdkAvailable = false;
  try {
    require.resolve('@kombo-api/sdk');
    sdkAvailable = true;
  } catch {
    sdkAvailable = false;
  }
  describe.skipIf(!sdkAvailable)('with the official @kombo-api/sdk', () => {
    it('sets and reads packages, lists orders and writes a result', async () => {
      const mod = (await import('@kombo-api/sdk' as string)) as { Kombo: new (o: Record<string, unknown>) => any };
      const client = new mod.Kombo({ api_key: kombo.credentials.api_key, integration_id: kombo.credentials.integration_id, server_url: kombo.baseUrl });
      await client.assessment.setPackages({ packages: [{ id: 'sdk-1', type: 'SKILLS_TEST', name: 'SDK', description: 'via SDK' }] });
      const pk = await client.assessment.getPackages();
      expect(pk.data.packages.map((p: { id: string }) => p.id)).toEqual(['sdk-1']);
      const { order } = await kombo.createOrder({ deliver: false });
      const result = JSON.parse(fixture('kombo/put-result.json'));
      result.completed_at = new Date(result.completed_at);
      await client.assessment.updateOrderResult({ assessment_order_id: order.id, body: result });
      expect(kombo.order(order.id).status).toBe('COMPLETED');
    });
  });
});
