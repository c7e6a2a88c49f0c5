// StackOne partner integration for Recruitee, end to end over real HTTP: the StackOne simulator plays StackOne (and,
// through it, the recruiter in Recruitee); the real server plays us.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { SecretBox } from '../../server/crypto/secrets.ts';
import { newId } from '../../server/ids.ts';
import { openServerStore } from '../helpers/test-store.ts';
import type { RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { signStackOneWebhook, startSimulator, type StackOneSimHandle } from '../simulators/stackone/index.ts';
import { addConnection, assayAsync, completeAsCandidate, mails, startPublicServer, until, widgetOrders } from './stackone-recruitee-helpers.ts';

const PARTNER_KEY = 'partner-key-0123456789abcdef';

describe('StackOne connector', () => {
  let server: RunningServer;
  let so: StackOneSimHandle;
  let conn: string;
  const hookUrl = () => `${server.url}/webhooks/stackone/${conn}`;
  const listUrl = () => `${server.url}/partner/stackone/${conn}/packages`;
  const sign = (body: string) => signStackOneWebhook(body, so.credentials.webhook_secret!);
  const post = (url: string, body: string, headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  const statusOf = (d: { delivered: boolean; status?: number }) => d.status;

  beforeAll(async () => {
    [server, so] = await Promise.all([startPublicServer(), startSimulator({ partnerApiKey: PARTNER_KEY })]);
    const c = so.credentials;
    conn = await addConnection(server, 'stackone', {
      api_key: c.api_key,
      account_id: c.account_id,
      webhook_secret: c.webhook_secret,
      base_url: c.base_url,
      partner_api_key: PARTNER_KEY,
      static_package_id: 'numerical-reasoning',
      codename: 'assay-demo',
    });
    so.config({ webhook_url: hookUrl(), package_list_url: listUrl() });
  });
  afterAll(async () => {
    await so?.close();
    await server?.stop();
  });

  describe('package list', () => {
    it("gives the picker our active packages in StackOne's shape", async () => {
      const token = await sessionToken(server.url, server.demo);
      const ours = (await api(server.url, token).get('/api/packages')).body.packages as Array<{ id: string; name: string }>;
      const picker = await so.openPicker();
      expect(picker).toMatchObject({ source: 'endpoint', status: 200, shape_valid: true, problems: [] });
      expect(picker.packages.map((p) => [p.id, p.name])).toEqual(ours.map((p) => [p.id, p.name]));
      expect(picker.body).toMatchObject({ next: null });
    });

    it('accepts the key as base64(key:) too, and refuses a wrong key, a missing or wrong signature and another account', async () => {
      so.config({ partner_auth_encoding: 'key:' });
      expect((await so.openPicker()).status).toBe(200);
      so.config({ partner_auth_encoding: 'key' });
      const body = JSON.stringify({ account_id: so.credentials.account_id, provider: 'recruitee' });
      const cases: Array<[Record<string, string>, string, number, string]> = [
        [{ authorization: basic('wrong-key-0123456789') , 'x-stackone-signature': sign(body) }, body, 401, 'auth_invalid'],
        [{ 'x-stackone-signature': sign(body) }, body, 401, 'auth_missing'],
        [{ authorization: basic(PARTNER_KEY) }, body, 401, 'invalid_signature'],
        [{ authorization: basic(PARTNER_KEY), 'x-stackone-signature': sign(body + ' ') }, body, 401, 'invalid_signature'],
      ];
      for (const [headers, b, status, code] of cases) {
        const res = await post(listUrl(), b, headers);
        expect(res.status).toBe(status);
        expect((await res.json()).error.code).toBe(code);
      }
      const other = JSON.stringify({ account_id: '999', provider: 'recruitee' });
      const res = await post(listUrl(), other, { authorization: basic(PARTNER_KEY), 'x-stackone-signature': sign(other) });
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe('account_mismatch');
    });

    it('with only a static Package ID configured, the picker offers that package alone and orders for it work', async () => {
      so.config({ package_list_url: null, static_package_id: 'numerical-reasoning' });
      try {
        const picker = await so.openPicker();
        expect(picker.source).toBe('static');
        expect(picker.packages.map((p) => p.id)).toEqual(['numerical-reasoning']);
        const { delivery } = await so.orderPackage({ application: { remote_id: 'so-static-app' } });
        expect(statusOf(delivery)).toBe(200);
        const orders = await widgetOrders(server, 'so-static-app');
        expect(orders).toHaveLength(1);
        expect(orders[0]).toMatchObject({ package_id: 'numerical-reasoning', source: 'stackone', status: 'pending' });
      } finally {
        so.config({ package_list_url: listUrl(), static_package_id: null });
      }
    });
  });

  describe('order webhook', () => {
    it('turns an order into one order on the application and one invitation e-mail', async () => {
      await so.openPicker();
      const { order, delivery } = await so.orderPackage({ package_id: 'logical-reasoning', application: { remote_id: 'so-app-1' }, candidate: { email: 'ada@example.com' } });
      expect(statusOf(delivery)).toBe(200);
      const orders = await widgetOrders(server, 'so-app-1');
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({ package_id: 'logical-reasoning', package_name: 'Logical Reasoning', status: 'pending', source: 'stackone', job: { id: order.event_data.job && (order.event_data.job as any).remote_id, name: 'Data Analyst' } });
      const mail = await until(() => mails(server.dataDir, orders[0].id), (m) => m.length === 1, 15_000, 'invitation');
      expect(mail[0]).toContain('ada@example.com');
    });

    it('the same webhook three times, or three at once, gives one order and one e-mail', async () => {
      await so.openPicker();
      const first = await so.orderPackage({ package_id: 'work-style', application: { remote_id: 'so-dup-1' } });
      for (let i = 0; i < 2; i++) expect(statusOf(await so.redeliver(first.order.id))).toBe(200);
      const second = await so.orderPackage({ package_id: 'work-style', application: { remote_id: 'so-dup-2' }, deliver: false });
      const raw = second.order.webhook_body;
      const answers = await Promise.all([0, 1, 2].map(() => post(hookUrl(), raw, { 'x-stackone-signature': sign(raw) })));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      for (const app of ['so-dup-1', 'so-dup-2']) {
        const orders = await widgetOrders(server, app);
        expect(orders).toHaveLength(1);
        await until(() => mails(server.dataDir, orders[0].id), (m) => m.length === 1, 15_000, 'invitation');
      }
      await new Promise((r) => setTimeout(r, 1500)); // a duplicate invitation would have been sent by now
      for (const app of ['so-dup-1', 'so-dup-2']) expect(mails(server.dataDir, (await widgetOrders(server, app))[0].id)).toHaveLength(1);
    });

    it('a missing or wrong signature, or one changed byte, is refused with 401 and stores nothing', async () => {
      await so.openPicker();
      const { order } = await so.orderPackage({ package_id: 'work-style', application: { remote_id: 'so-badsig' }, deliver: false });
      const raw = order.webhook_body;
      const flipped = raw.replace('"work-style"', '"work-stylf"');
      expect(flipped).not.toBe(raw);
      const attempts: Array<[string, Record<string, string>]> = [
        [raw, {}],
        [raw, { 'x-stackone-signature': signStackOneWebhook(raw, 'not-the-secret') }],
        [raw, { 'x-stackone-signature': sign(raw).slice(0, -2) }],
        [flipped, { 'x-stackone-signature': sign(raw) }],
      ];
      for (const [body, headers] of attempts) {
        const res = await post(hookUrl(), body, headers);
        expect(res.status).toBe(401);
        expect((await res.json()).error.code).toBe('invalid_signature');
      }
      expect(await widgetOrders(server, 'so-badsig')).toHaveLength(0);
      // The refused attempts did not use up the order: the genuine delivery still places it.
      expect(statusOf(await so.redeliver(order.id))).toBe(200);
      expect(await widgetOrders(server, 'so-badsig')).toHaveLength(1);
    });

    it('a candidate with no usable e-mail becomes a refused order the recruiter sees, in the widget and in Recruitee', async () => {
      await so.openPicker();
      const { order, delivery } = await so.orderPackage({ package_id: 'logical-reasoning', application: { remote_id: 'so-noemail' }, candidate: { email: null } });
      expect(statusOf(delivery)).toBe(200);
      const orders = await widgetOrders(server, 'so-noemail');
      expect(orders).toHaveLength(1);
      expect(orders[0].status).toBe('rejected');
      expect(orders[0].reason).toMatch(/no usable e-mail/);
      const result = await until(() => so.order(order.id).result, (r) => r !== null, 15_000, 'refusal written back');
      expect(result).toMatchObject({ result: { value: 'cancelled' }, summary: orders[0].reason });
      expect(so.order(order.id).ats_view?.status).toBe('canceled');
      expect(mails(server.dataDir, orders[0].id)).toHaveLength(0);
    });

    it('an order for a package we do not have is refused and the reason still reaches Recruitee', async () => {
      const { order, delivery } = await so.orderPackage({ package_id: 'no-such-package', allow_unknown_package: true, application: { remote_id: 'so-unknown' } });
      expect(statusOf(delivery)).toBe(200);
      expect(JSON.parse((delivery as { body?: string }).body!)).toMatchObject({ status: 'refused', code: 'package_unknown' });
      const result = await until(() => so.order(order.id).result, (r) => r !== null, 15_000, 'refusal written back');
      expect(result).toMatchObject({ result: { value: 'cancelled' }, summary: expect.stringContaining('no-such-package') });
    });

    it('a revoked connection accepts no orders (410, as for every vendor), even correctly signed', async () => {
      const box = new SecretBox(loadConfig({ ...server.storeEnv }).masterKey);
      const store = await openServerStore(server.storeEnv);
      const id = newId('con');
      try {
        await store.transaction((tx) => tx.connections.create({ id, account_id: server.demo.account_id, provider: 'stackone', status: 'revoked', config: { account_id: so.credentials.account_id }, secrets_enc: box.sealJson({ webhook_secret: so.credentials.webhook_secret }) }));
      } finally {
        await store.close();
      }
      const { order } = await so.orderPackage({ package_id: 'no-such', allow_unknown_package: true, application: { remote_id: 'so-revoked' }, deliver: false });
      const res = await post(`${server.url}/webhooks/stackone/${id}`, order.webhook_body, { 'x-stackone-signature': sign(order.webhook_body) });
      expect(res.status).toBe(410);
      expect((await res.json()).error.code).toBe('connection_revoked');
      expect(await widgetOrders(server, 'so-revoked')).toHaveLength(0);
    });

    it('answers malformed bodies with a 400 and a sentence, never a 500', async () => {
      for (const raw of ['not json', '{"event":42}', '{"event":"ats_assessments.created"}']) {
        const res = await post(hookUrl(), raw, { 'x-stackone-signature': sign(raw) });
        expect(res.status).toBe(400);
        const body = await res.json();
        expect(body.error.code).toMatch(/^(malformed_json|invalid_body)$/);
        expect(body.error.message.length).toBeGreaterThan(10);
      }
      const other = JSON.stringify({ event: 'ats_assessments.updated', record_id: 'x' });
      const res = await post(hookUrl(), other, { 'x-stackone-signature': sign(other) });
      expect(res.status).toBe(200);
      expect((await res.json()).status).toBe('ignored');
    });
  });

  describe('results', () => {
    it('completion reaches StackOne as a PATCH with string scores, status, Open link and dates, retried after a 503', async () => {
      await so.openPicker();
      const { order } = await so.orderPackage({ package_id: 'numerical-reasoning', application: { remote_id: 'so-result' } });
      const [ours] = await widgetOrders(server, 'so-result');
      so.injectFault({ status: 503, match: { method: 'PATCH', path: `/orders/${order.id}/result` } });
      await completeAsCandidate(server, ours.id, 'numerical-reasoning');
      const stored = await until(() => so.order(order.id).result, (r) => r !== null, 20_000, 'result in StackOne');
      const [done] = await widgetOrders(server, 'so-result');
      expect(done.status).toBe('completed');
      const pct = Math.round((done.result.score / done.result.max_score) * 100);
      expect(pct).toBeGreaterThan(0);
      expect(pct).toBeLessThan(100);
      expect(stored).toEqual({
        score: { label: 'Percentage', value: String(pct), min: '0', max: '100' },
        result: { value: 'completed', source_value: 'completed' },
        result_url: `${server.url}/report/${ours.id}`,
        summary: `Numerical Reasoning: ${pct}%`,
        start_date: done.started_at,
        submission_date: done.completed_at,
      });
      expect(so.order(order.id).ats_view).toEqual({ status: 'completed', score: `${pct}%`, result_url: `${server.url}/report/${ours.id}` });
      const patches = so.requests({ method: 'PATCH', path: `/orders/${order.id}/result` });
      expect(patches.length).toBe(2); // the 503, then the retry
    });

    it('a result StackOne refuses for good is dead-lettered with the reason, and replayable', async () => {
      await so.openPicker();
      const { order } = await so.orderPackage({ package_id: 'numerical-reasoning', application: { remote_id: 'so-dead' } });
      const [ours] = await widgetOrders(server, 'so-dead');
      so.injectFault({ status: 400, body: { statusCode: 400, message: 'Invalid payload format', timestamp: new Date().toISOString() }, match: { method: 'PATCH', path: `/orders/${order.id}/result` } });
      await completeAsCandidate(server, ours.id, 'numerical-reasoning');
      const dead = await until(
        async () => ((await assayAsync(server, ['outbox:list', '--status', 'dead', '--kind', 'writeback'])).json?.jobs ?? []).filter((j: any) => j.order_id === ours.id),
        (jobs: any[]) => jobs.length === 1,
        20_000,
        'dead letter',
      );
      expect(dead[0].last_error).toMatch(/StackOne update result: HTTP 400.*Invalid payload format/);
      expect(so.order(order.id).result).toBeNull();
      const replay = await assayAsync(server, ['outbox:replay', dead[0].id]);
      expect(replay.code).toBe(0);
      await until(() => so.order(order.id).result, (r) => r !== null, 20_000, 'replayed result');
    });
  });

  describe('CLI', () => {
    it('connections:show prints the Recruitee configuration form ready to paste, secrets only as "set"', async () => {
      const r = await assayAsync(server, ['connections:show', conn]);
      expect(r.code).toBe(0);
      const form = r.json.vendor_setup[0].fields as Array<{ label: string; value: string | null }>;
      const field = (l: string) => form.find((f) => f.label === l)?.value;
      expect(field("Package's List Endpoint URL")).toBe(listUrl());
      expect(field('Package ID')).toBe('numerical-reasoning');
      expect(field('Partner Codename')).toBe('assay-demo');
      expect(field('Name')).toBeTruthy();
      expect(field('Description')).toBeTruthy();
      expect(r.json.vendor_setup[1].fields.find((f: any) => f.label === 'URL').value).toBe(hookUrl());
      expect(r.json.secrets).toEqual({ api_key: 'set', webhook_secret: 'set', partner_api_key: 'set' });
      expect(r.stdout).not.toContain(so.credentials.api_key);
      expect(r.stdout).not.toContain(PARTNER_KEY);
      const human = await new Promise<string>((resolve) => {
        import('node:child_process').then(({ execFile }) =>
          execFile(process.execPath, ['bin/assay.mjs', 'connections:show', conn], { env: { ...process.env, ...server.storeEnv, PUBLIC_URL: server.url } }, (_e, out) => resolve(out)),
        );
      });
      expect(human).toContain("Package's List Endpoint URL");
      expect(human).toContain(listUrl());
    });

    it('connections:add refuses a codename that is not lowercase letters and dashes, and a connection with no way to list packages', async () => {
      const c = so.credentials;
      const base = ['connections:add', '--account', server.demo.account_id, '--provider', 'stackone', '--set', `api_key=${c.api_key}`, '--set', `account_id=${c.account_id}`, '--set', `webhook_secret=${c.webhook_secret}`];
      const bad = await assayAsync(server, [...base, '--set', `partner_api_key=${PARTNER_KEY}`, '--set', 'codename=Assay_Tests']);
      expect(bad.code).toBe(2);
      expect(JSON.parse(bad.stderr).error.message).toMatch(/lowercase letters and dashes/);
      const none = await assayAsync(server, base);
      expect(none.code).toBe(2);
      expect(JSON.parse(none.stderr).error.message).toMatch(/Package's List Endpoint URL or a static Package ID/);
    });
  });
});
