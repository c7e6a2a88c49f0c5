// Kombo orders end to end, over real HTTP against the real server and the Kombo simulator:
// packages pushed, order webhook → our order + one invitation → candidate completes → COMPLETED result
// in Kombo; duplicates, signatures, refusals, reconciliation, retries and closed orders.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../helpers/db.ts';
import { FIXTURES_DIR } from '../helpers/fixtures.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { signKomboWebhook, startSimulator, type KomboSimHandle } from '../simulators/kombo/index.ts';
import { KOMBO_DATETIME, validatePutResult } from '../simulators/kombo/validate.ts';
import { addKomboConnection, assayAsync, inviteToken, mails, takeTest, until } from './kombo-helpers.ts';

let server: RunningServer;
let kombo: KomboSimHandle;
let conn: { id: string; webhookUrl: string };

const ACTIVE_PACKAGES = ['logical-reasoning', 'numerical-reasoning', 'typescript-skills', 'work-style'];

const ourOrders = (komboOrderId: string) =>
  query<{ id: string; status: string; application_id: string | null; job_id: string | null; job_name: string | null; reason: string | null; outcome: string | null; writeback_state: string | null; writeback_note: string | null; candidate_id: string }>(
    server.dataDir,
    "SELECT * FROM orders WHERE source = 'kombo' AND source_order_id = ?",
    komboOrderId,
  );

/** A signed order-received body of our own making, for an order the simulator does not hold. */
function craftedWebhook(overrides: { orderId?: string } = {}) {
  const fixture = JSON.parse(readFileSync(`${FIXTURES_DIR}/kombo/assessment-order-received.json`, 'utf8'));
  fixture.id = `evt-${Math.random().toString(36).slice(2)}`;
  fixture.data.id = overrides.orderId ?? `crafted-${Math.random().toString(36).slice(2)}`;
  fixture.data.integration_id = kombo.credentials.integration_id;
  fixture.data.package_id = 'numerical-reasoning';
  const raw = JSON.stringify(fixture);
  return { raw, orderId: fixture.data.id as string, signature: signKomboWebhook(raw, kombo.credentials.webhook_secret!, 'base64url') };
}

const post = (raw: string, headers: Record<string, string>) =>
  fetch(conn.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });

beforeAll(async () => {
  kombo = await startSimulator({});
  server = await startServer({ env: { KOMBO_RECONCILE_MS: '1000', KOMBO_TIMEOUT_MS: '1500' } });
  conn = await addKomboConnection(server, kombo);
  kombo.config({ webhook_url: conn.webhookUrl });
});
afterAll(async () => {
  await server?.stop();
  await kombo?.close();
});

describe('Kombo connection', () => {
  it('pushes every active package (id, type, name, description) as soon as the connection is added', async () => {
    const pushed = kombo.sim.activePackages(kombo.credentials.integration_id!);
    expect(pushed.map((p) => p.id).sort()).toEqual(ACTIVE_PACKAGES);
    const numerical = pushed.find((p) => p.id === 'numerical-reasoning')!;
    expect(numerical).toMatchObject({ type: 'SKILLS_TEST', name: 'Numerical Reasoning' });
    expect(numerical.description.length).toBeGreaterThan(10);
    const put = kombo.requests({ method: 'PUT', path: '/v1/assessment/packages' })[0]!;
    expect(put.headers.authorization).toBe(`Bearer ${kombo.credentials.api_key}`);
    expect(put.headers['x-integration-id']).toBe(kombo.credentials.integration_id);
  });

  it('keeps the Kombo secrets sealed at rest and never prints them', async () => {
    const row = query<{ secrets_enc: string; config: string }>(server.dataDir, 'SELECT secrets_enc, config FROM connections WHERE id = ?', conn.id)[0]!;
    expect(row.secrets_enc).not.toContain(kombo.credentials.api_key);
    expect(row.secrets_enc).not.toContain(kombo.credentials.webhook_secret);
    expect(row.config).not.toContain(kombo.credentials.api_key);
    const listed = await assayAsync(['connections:list', '--account', server.demo.account_id, '--json'], { DATA_DIR: server.dataDir });
    expect(listed.stdout).not.toContain(kombo.credentials.api_key);
    expect(listed.json.connections[0].secrets).toEqual({ api_key: 'set', webhook_secret: 'set' });
  });

  it('refuses bad settings with a sentence and stores nothing', async () => {
    const r = await assayAsync(['connections:add', '--account', 'demo', '--provider', 'kombo', '--set', 'api_key=abcdefghij', '--set', 'integration_id=nonsense', '--set', 'webhook_secret=abcdefghij', '--set', 'signature_encoding=base64', '--json'], { DATA_DIR: server.dataDir });
    expect(r.code).toBe(2);
    const message = JSON.parse(r.stderr).error.message as string;
    expect(message).toMatch(/integration_id looks like "<tool>:<id>"/);
    expect(message).toMatch(/signature_encoding must be base64url or hex/);
    expect(query(server.dataDir, "SELECT id FROM connections WHERE provider = 'kombo'")).toHaveLength(1);
  });
});

describe('Kombo order → our order → result back in Kombo', () => {
  it('turns an order into one order with one invitation, shows it in the widget, and writes a COMPLETED result Kombo accepts', async () => {
    const { order: ko, delivery } = await kombo.createOrder({
      package_id: 'numerical-reasoning',
      candidate: { remote_id: 'rc-cand-1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
      application: { remote_id: 'rc-app-1' },
      job: { remote_id: 'rc-job-1', name: 'Data Analyst' },
    });
    expect(delivery).toMatchObject({ delivered: true, status: 200, effect: 'accepted' });
    const [order] = ourOrders(ko.id);
    expect(order).toMatchObject({ status: 'pending', application_id: 'rc-app-1', job_id: 'rc-job-1', job_name: 'Data Analyst' });

    // The recruiter's widget on that application lists it like any other order.
    const token = await sessionToken(server.url, server.demo, { claims: { application: { id: 'rc-app-1' }, candidate: { id: 'rc-cand-1', email: 'ada@example.com' } } });
    const listed = await api(server.url, token).get('/api/orders');
    expect(listed.body.orders).toHaveLength(1);
    expect(listed.body.orders[0]).toMatchObject({ id: order!.id, source: 'kombo', status: 'pending', package_id: 'numerical-reasoning' });

    // One invitation e-mail to the candidate, with the link.
    const sent = await until(() => mails(server.dataDir, order!.id), (m) => m.length === 1, 10_000, 'the invitation e-mail');
    expect(sent[0]).toContain('To: ada@example.com');
    const link = inviteToken(sent[0]!);
    expect(link).toBeTruthy();

    // The candidate takes the test through the candidate API.
    await takeTest(server.url, link!, 'numerical-reasoning');

    const held = await until(() => kombo.order(ko.id), (o) => o.status === 'COMPLETED', 15_000, 'the result in Kombo');
    const body = held.result as Record<string, any>;
    expect(validatePutResult(body)).toEqual({ problems: [], warnings: [] });
    expect(body.status).toBe('COMPLETED');
    expect(body.max_score).toBe(100);
    expect(typeof body.score).toBe('number');
    expect(body.score).toBeGreaterThan(0);
    expect(body.score).toBeLessThan(100);
    expect(body.result_url).toMatch(new RegExp(`/report/${order!.id}$`));
    expect(body.completed_at).toMatch(KOMBO_DATETIME); // Kombo's OpenAPI pattern
    const subs = body.attributes.filter((a: any) => a.type === 'SUB_RESULT');
    expect(subs.map((s: any) => s.id)).toEqual(['nr-percentages', 'nr-data']);
    expect(subs[0]).toMatchObject({ label: expect.any(String), score: { value: 100, max: 100 }, status: 'COMPLETED' });
    expect(subs[1].score.value).toBeLessThan(100);
    const text = body.attributes.filter((a: any) => a.type === 'TEXT');
    expect(text).toHaveLength(1);
    expect(text[0].value).toContain('Numerical Reasoning');
    expect(text[0].value).toContain(`${Math.round(body.score)}/100`);
    expect(held.result_history.filter((h) => h.accepted)).toHaveLength(1);

    // The widget shows the result too.
    const after = await api(server.url, token).get('/api/orders');
    expect(after.body.orders[0]).toMatchObject({ status: 'completed', result: { score: expect.any(Number), max_score: 100 } });
    await until(() => ourOrders(ko.id)[0]!.writeback_note, (o) => o === 'kombo: COMPLETED written', 5000, 'the recorded write-back');
    // The hiring outcome (Insights) is not the write-back's state.
    expect(ourOrders(ko.id)[0]).toMatchObject({ writeback_state: 'written', outcome: null });
  });

  it('makes one order and one e-mail from the same webhook delivered three times, or concurrently', async () => {
    const { order: ko } = await kombo.createOrder({ package_id: 'logical-reasoning' });
    await kombo.redeliver(ko.id);
    await kombo.redeliver(ko.id);
    const concurrent = await Promise.all([kombo.redeliver(ko.id), kombo.redeliver(ko.id), kombo.redeliver(ko.id)]);
    for (const d of concurrent) expect(d).toMatchObject({ status: 200, effect: 'accepted' });

    // A second order whose first deliveries all arrive at once.
    const { order: ko2 } = await kombo.createOrder({ package_id: 'work-style', deliver: false });
    const burst = await Promise.all([1, 2, 3, 4].map(() => kombo.redeliver(ko2.id)));
    expect(burst.every((d) => d.delivered && d.status === 200)).toBe(true);

    for (const id of [ko.id, ko2.id]) {
      const rows = ourOrders(id);
      expect(rows).toHaveLength(1);
      await until(() => mails(server.dataDir, rows[0]!.id), (m) => m.length === 1, 10_000, 'the invitation');
      expect(query(server.dataDir, "SELECT id FROM outbox WHERE kind = 'email.invitation' AND order_id = ?", rows[0]!.id)).toHaveLength(1);
    }
    await new Promise((r) => setTimeout(r, 600)); // a late duplicate e-mail would show up by now
    expect(mails(server.dataDir, ourOrders(ko.id)[0]!.id)).toHaveLength(1);
  });

  it('answers 401 to a missing or bad signature, or a body changed by one byte, and stores nothing', async () => {
    const before = query<{ n: number }>(server.dataDir, 'SELECT COUNT(*) AS n FROM orders')[0]!.n;
    const inboxBefore = query<{ n: number }>(server.dataDir, 'SELECT COUNT(*) AS n FROM inbox')[0]!.n;
    const w = craftedWebhook();

    const missing = await post(w.raw, {});
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toBe('invalid_signature');

    expect((await post(w.raw, { 'x-kombo-signature': signKomboWebhook(w.raw, 'not-the-secret') })).status).toBe(401);
    // The right MAC in the encoding this connection does not use (hex) is refused too.
    expect((await post(w.raw, { 'x-kombo-signature': signKomboWebhook(w.raw, kombo.credentials.webhook_secret!, 'hex') })).status).toBe(401);

    const bytes = new TextEncoder().encode(w.raw);
    const i = w.raw.indexOf('Bottle Opener') + 1;
    bytes[i] = bytes[i]! ^ 0x01; // "Bottle" → "Bnttle": one byte
    const tampered = await post(new TextDecoder().decode(bytes), { 'x-kombo-signature': w.signature });
    expect(tampered.status).toBe(401);

    expect(query<{ n: number }>(server.dataDir, 'SELECT COUNT(*) AS n FROM orders')[0]!.n).toBe(before);
    expect(query<{ n: number }>(server.dataDir, 'SELECT COUNT(*) AS n FROM inbox')[0]!.n).toBe(inboxBefore);
    expect(ourOrders(w.orderId)).toHaveLength(0);

    // The untouched body with its signature is taken (so the refusals above were about the signature).
    const good = await post(w.raw, { 'x-kombo-signature': w.signature });
    expect(good.status).toBe(200);
    expect(ourOrders(w.orderId)).toHaveLength(1);
  });

  it('answers 400 with a sentence to a signed body that is not a Kombo order', async () => {
    const raw = JSON.stringify({ id: 'evt-x', type: 'assessment:order-received', data: { id: 'o1', candidate: {} } });
    const res = await post(raw, { 'x-kombo-signature': signKomboWebhook(raw, kombo.credentials.webhook_secret!) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'invalid_body', message: expect.stringMatching(/package_id/) });
  });

  it('refuses an order with 422 and our message, which the simulator shows as REJECTED', async () => {
    const { order: noEmail, delivery } = await kombo.createOrder({ package_id: 'numerical-reasoning', candidate: { email: 'not-an-email' }, application: { remote_id: 'rc-app-refused' } });
    expect(delivery).toMatchObject({ status: 422, effect: 'rejected' });
    const held = kombo.order(noEmail.id);
    expect(held.status).toBe('REJECTED');
    expect(held.rejection_message).toMatch(/no usable e-mail address/);

    const { order: unknown } = await kombo.createOrder({ package_id: 'no-such-package', allow_unknown_package: true });
    expect(kombo.order(unknown.id)).toMatchObject({ status: 'REJECTED', rejection_message: expect.stringMatching(/"no-such-package" does not exist/) });

    // A package the provider retired while the ATS still offers it. (Arranged in storage: there is no
    // command to retire a package yet.)
    const db = new Database(join(server.dataDir, 'assay.db'));
    try {
      db.prepare("UPDATE packages SET active = 0 WHERE account_id = 'demo' AND id = 'typescript-skills'").run();
      const { order: retired } = await kombo.createOrder({ package_id: 'typescript-skills' });
      expect(kombo.order(retired.id)).toMatchObject({ status: 'REJECTED', rejection_message: expect.stringMatching(/"TypeScript Skills" is no longer active/) });
    } finally {
      db.prepare("UPDATE packages SET active = 1 WHERE account_id = 'demo' AND id = 'typescript-skills'").run();
      db.close();
    }

    // A re-delivery gets the same answer, and the recruiter's widget shows why.
    const again = await kombo.redeliver(noEmail.id);
    expect(again).toMatchObject({ status: 422 });
    expect(ourOrders(noEmail.id)).toEqual([expect.objectContaining({ status: 'rejected', reason: expect.stringMatching(/no usable e-mail/) })]);
    const token = await sessionToken(server.url, server.demo, { claims: { application: { id: 'rc-app-refused' } } });
    const listed = await api(server.url, token).get('/api/orders');
    expect(listed.body.orders[0]).toMatchObject({ status: 'rejected', source: 'kombo' });
    expect(mails(server.dataDir, ourOrders(noEmail.id)[0]!.id)).toHaveLength(0);
  });

  it('recovers a dropped webhook by reconciliation, and connections:sync does the same at once', async () => {
    const { order: lost } = await kombo.createOrder({ package_id: 'typescript-skills', application: { remote_id: 'rc-app-lost' }, deliver: false });
    expect(ourOrders(lost.id)).toHaveLength(0);
    const rows = await until(() => ourOrders(lost.id), (r) => r.length === 1, 10_000, 'reconciliation');
    expect(rows[0]).toMatchObject({ status: 'pending', application_id: 'rc-app-lost' });
    await until(() => mails(server.dataDir, rows[0]!.id), (m) => m.length === 1, 10_000, 'its invitation');
    const listCall = kombo.requests({ method: 'GET', path: '/v1/assessment/orders' }).at(-1)!;
    expect(listCall.query.statuses).toBe('OPEN');

    const { order: lost2 } = await kombo.createOrder({ package_id: 'work-style', deliver: false });
    const sync = await assayAsync(['connections:sync', conn.id, '--json'], { DATA_DIR: server.dataDir });
    expect(sync.code).toBe(0);
    expect(sync.json.packages_pushed).toBe(4);
    expect(sync.json.reconcile.open_seen).toBeGreaterThanOrEqual(1);
    expect(ourOrders(lost2.id)).toHaveLength(1);
  });

  it('closes a refused order that only reconciliation found as CANCELLED in Kombo, with the reason', async () => {
    const { order: ko } = await kombo.createOrder({ package_id: 'numerical-reasoning', candidate: { email: 'nobody-at-all' }, deliver: false });
    const held = await until(() => kombo.order(ko.id), (o) => o.status !== 'OPEN', 10_000, 'the order closed in Kombo');
    expect(held.status).toBe('CANCELLED');
    expect(validatePutResult(held.result).problems).toEqual([]);
    expect(held.result).toMatchObject({ status: 'CANCELLED', attributes: [{ type: 'TEXT', label: 'Refused', value: expect.stringMatching(/no usable e-mail address/) }] });
    expect(ourOrders(ko.id)).toEqual([expect.objectContaining({ status: 'rejected' })]);
  });

  it('pushes the package list again when the packages change', async () => {
    const before = kombo.requests({ method: 'PUT', path: '/v1/assessment/packages' }).length;
    const r = await assayAsync(['packages:import', '--account', 'demo', `${ROOT}content/packages/work-style.json`, '--json'], { DATA_DIR: server.dataDir });
    expect(r.code).toBe(0);
    await until(() => kombo.requests({ method: 'PUT', path: '/v1/assessment/packages' }).length, (n) => n > before, 10_000, 'a new package push');
    expect(kombo.sim.activePackages(kombo.credentials.integration_id!).map((p) => p.id).sort()).toEqual(ACTIVE_PACKAGES);
  });

  it('delivers the result exactly once after 503, then 429 with Retry-After, then 200, waiting as asked', async () => {
    const { order: ko } = await kombo.createOrder({ package_id: 'logical-reasoning' });
    const [order] = ourOrders(ko.id);
    const token = inviteToken((await until(() => mails(server.dataDir, order!.id), (m) => m.length === 1, 10_000, 'invitation'))[0]!)!;
    kombo.injectFault([
      { status: 503, match: { method: 'PUT', path: '/result' } },
      { status: 429, retryAfterSeconds: 2, match: { method: 'PUT', path: '/result' } },
    ]);
    await takeTest(server.url, token, 'logical-reasoning');
    await until(() => kombo.order(ko.id).status, (s) => s === 'COMPLETED', 30_000, 'the result after retries');
    const puts = kombo.requests({ method: 'PUT', path: `/v1/assessment/orders/${ko.id}/result` });
    expect(puts.map((p) => p.status)).toEqual([503, 429, 200]);
    expect(Date.parse(puts[2]!.at) - Date.parse(puts[1]!.at)).toBeGreaterThanOrEqual(2000 - 50);
    expect(kombo.order(ko.id).result_history.filter((h) => h.accepted)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 800));
    expect(kombo.requests({ method: 'PUT', path: `/v1/assessment/orders/${ko.id}/result` })).toHaveLength(3);
  }, 45_000);

  it('retries a write-back that timed out, and counts it done when the slow attempt had landed after all', async () => {
    // Kombo hangs past our 1.5 s timeout and then answers 504: retried until Kombo takes it.
    const { order: ko } = await kombo.createOrder({ package_id: 'work-style' });
    const token = inviteToken((await until(() => mails(server.dataDir, ourOrders(ko.id)[0]!.id), (m) => m.length === 1, 10_000, 'invitation'))[0]!)!;
    kombo.injectFault({ delayMs: 2500, status: 504, match: { method: 'PUT', path: `/orders/${ko.id}/result` } });
    await takeTest(server.url, token, 'work-style');
    await until(() => kombo.order(ko.id).status, (s) => s === 'COMPLETED', 30_000, 'the result after a timeout');
    expect(kombo.order(ko.id).result_history.filter((h) => h.accepted)).toHaveLength(1);
    await until(() => ourOrders(ko.id)[0]!.writeback_note, (o) => o === 'kombo: COMPLETED written', 5000, 'the write-back note');

    // Kombo is slow but does write it: our retry finds the order COMPLETED and stops there.
    const { order: ko2 } = await kombo.createOrder({ package_id: 'work-style' });
    const token2 = inviteToken((await until(() => mails(server.dataDir, ourOrders(ko2.id)[0]!.id), (m) => m.length === 1, 10_000, 'invitation'))[0]!)!;
    kombo.injectFault({ delayMs: 2500, match: { method: 'PUT', path: `/orders/${ko2.id}/result` } });
    await takeTest(server.url, token2, 'work-style');
    const outcome = await until(() => ourOrders(ko2.id)[0]!.writeback_note, (o) => !!o, 30_000, 'the write-back note');
    // Which attempt lands first depends on the retry's jitter; either way Kombo takes exactly one result.
    expect(outcome).toMatch(/^kombo: COMPLETED written( \(an earlier attempt had landed\))?$/);
    expect(kombo.order(ko2.id).result_history.filter((h) => h.accepted)).toHaveLength(1);
    const [job] = query<{ status: string }>(server.dataDir, "SELECT status FROM outbox WHERE kind = 'writeback' AND order_id = ?", ourOrders(ko2.id)[0]!.id);
    expect(job!.status).toBe('done');
  }, 60_000);

  it('writes CANCELLED for a cancelled order, and treats "no longer OPEN" in Kombo as final with the reason recorded', { timeout: 120_000 }, async () => {
    const { order: ko } = await kombo.createOrder({ package_id: 'numerical-reasoning', application: { remote_id: 'rc-app-cancel' } });
    const token = await sessionToken(server.url, server.demo, { claims: { application: { id: 'rc-app-cancel' } } });
    const w = api(server.url, token);
    const [mine] = (await w.get('/api/orders')).body.orders;
    expect((await w.post(`/api/orders/${mine.id}/cancel`)).status).toBe(200);
    // Kombo hears of a recruiter's cancel once it can no longer be undone (10 s).
    const held = await until(() => kombo.order(ko.id), (o) => o.status === 'CANCELLED', 40_000, 'CANCELLED in Kombo');
    expect(validatePutResult(held.result).problems).toEqual([]);
    expect(held.result).toMatchObject({ status: 'CANCELLED', result_url: expect.stringContaining(`/report/${mine.id}`), attributes: [{ type: 'TEXT', value: 'Cancelled by a recruiter.' }] });

    // The recruiter closed it in the ATS first: Kombo refuses the write, and that is final.
    const { order: ko2 } = await kombo.createOrder({ package_id: 'numerical-reasoning', application: { remote_id: 'rc-app-closed' } });
    kombo.setOrderStatus(ko2.id, 'CANCELLED');
    const token2 = await sessionToken(server.url, server.demo, { claims: { application: { id: 'rc-app-closed' } } });
    const w2 = api(server.url, token2);
    const [mine2] = (await w2.get('/api/orders')).body.orders;
    await w2.post(`/api/orders/${mine2.id}/cancel`);
    const outcome = await until(() => ourOrders(ko2.id)[0]!.writeback_note, (o) => !!o, 40_000, 'the recorded write-back');
    expect(outcome).toMatch(/not written, the order is CANCELLED in Kombo/);
    expect(ourOrders(ko2.id)[0]).toMatchObject({ writeback_state: 'failed', outcome: null });
    const jobs = await until(() => query<{ status: string; attempts: number }>(server.dataDir, "SELECT status, attempts FROM outbox WHERE kind = 'writeback' AND order_id = ?", mine2.id), (j) => j[0]?.status === 'done', 10_000, 'the finished write-back job');
    expect(jobs).toEqual([{ status: 'done', attempts: 1 }]);
    expect(kombo.requests({ method: 'PUT', path: `/v1/assessment/orders/${ko2.id}/result` })).toHaveLength(1);
  });

  it('verifies hex signatures when the connection is configured for them', async () => {
    const hexConn = await addKomboConnection(server, kombo, { extra: ['--set', 'signature_encoding=hex'] });
    kombo.config({ webhook_url: hexConn.webhookUrl, signature_encoding: 'hex' });
    try {
      const { order: ko, delivery } = await kombo.createOrder({ package_id: 'work-style' });
      expect(delivery).toMatchObject({ status: 200 });
      expect(ourOrders(ko.id)).toHaveLength(1);
      kombo.config({ signature_encoding: 'base64url' });
      const { delivery: wrongEncoding } = await kombo.createOrder({ package_id: 'work-style' });
      expect(wrongEncoding).toMatchObject({ status: 401 });
    } finally {
      kombo.config({ webhook_url: conn.webhookUrl, signature_encoding: 'base64url' });
    }
  });
});
