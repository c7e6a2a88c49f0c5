// Recruitee's own marketplace partner API, end to end over real HTTP: the Recruitee simulator plays Recruitee (the
// recruiter pressing "Send test", webhooks, the report on the candidate's profile); the real server plays us.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { startSimulator, type RecruiteeSimHandle } from '../simulators/recruitee/index.ts';
import { addConnection, assayAsync, completeAsCandidate, mails, startPublicServer, until, widgetOrders } from './stackone-recruitee-helpers.ts';

describe('Recruitee connector', () => {
  let server: RunningServer;
  let rc: RecruiteeSimHandle;
  let conn: string;
  const base = () => `${server.url}/partner/recruitee/${conn}`;
  const send = (candidateId: number, testId = 'numerical-reasoning', email?: string) =>
    rc.sendCandidate({ test_id: testId, test_name: testId, candidate: { id: candidateId, first_name: 'Ada', last_name: 'Lovelace', email: email ?? `cand${candidateId}@example.com` } });

  beforeAll(async () => {
    [server, rc] = await Promise.all([startPublicServer(), startSimulator({ retryDelaysMs: [300, 300, 300] })]);
    const c = rc.credentials;
    conn = await addConnection(server, 'recruitee', {
      customer_token: c.customer_token,
      partner_secret: c.partner_secret,
      codename: c.codename,
      webhook_secret: c.webhook_secret,
      company_id: c.company_id,
      base_url: c.base_url,
    });
    rc.config({ partner_urls_base: base(), webhook_url: `${server.url}/webhooks/recruitee/${conn}` });
  });
  afterAll(async () => {
    await rc?.close();
    await server?.stop();
  });

  describe('partner URLs', () => {
    it('lists our active packages as tests', async () => {
      const token = await sessionToken(server.url, server.demo);
      const ours = (await api(server.url, token).get('/api/packages')).body.packages as Array<{ id: string; name: string }>;
      const fetched = await rc.fetchTests();
      expect(fetched).toMatchObject({ status: 200, shape_valid: true });
      expect(fetched.tests).toEqual(ours.map((p) => ({ id: p.id, name: p.name })));
    });

    it('send_candidate places one order on the candidate and we send the invitation; a repeated call orders nothing more', async () => {
      const sent = await send(501, 'numerical-reasoning', 'ada.501@example.com');
      expect(sent.outcome).toBe('ok');
      expect(sent.answer.status).toBe(201);
      const orders = await widgetOrders(server, '501');
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({ id: (sent.answer.body as any).id, package_id: 'numerical-reasoning', source: 'recruitee', status: 'pending' });
      const [mail] = await until(() => mails(server.dataDir, orders[0].id), (m) => m.length === 1, 15_000, 'invitation');
      expect(mail).toContain('ada.501@example.com');
      // Recruitee calls again with the same report (a retry): same order, no second e-mail.
      const again = await fetch(`${base()}/send_candidate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rc.credentials.customer_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada.501@example.com', candidate_id: 501, company_id: Number(rc.credentials.company_id), report_id: sent.report.id, test_id: 'numerical-reasoning', test_name: 'x' }),
      });
      expect(again.status).toBe(200);
      expect((await again.json()).id).toBe(orders[0].id);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await widgetOrders(server, '501')).toHaveLength(1);
      expect(mails(server.dataDir, orders[0].id)).toHaveLength(1);
    });

    it('refuses a wrong token (401), another company (403) and an unknown test (422 with the sentence Recruitee shows), storing nothing', async () => {
      const token = rc.sim.customerToken;
      rc.sim.customerToken = 'not-the-token-0123456789';
      try {
        expect((await send(502)).outcome).toBe('unauthorized');
        expect((await rc.fetchTests()).status).toBe(401);
      } finally {
        rc.sim.customerToken = token;
      }
      const other = await rc.sendCandidate({ test_id: 'numerical-reasoning', company_id: 1, candidate: { id: 503 } });
      expect(other.answer.status).toBe(403);
      const unknown = await send(504, 'no-such-test');
      expect(unknown.answer.status).toBe(422);
      // Recruitee shows a partner's own sentence only for {"error": "<string>"}: the one the widget shows.
      expect(unknown.answer.body).toEqual({ error: 'The package "no-such-test" does not exist for this company.' });
      expect(unknown.message_shown).toBe('The package "no-such-test" does not exist for this company.');
      for (const app of ['502', '503', '504']) expect(await widgetOrders(server, app)).toHaveLength(0);
      const bad = await fetch(`${base()}/send_candidate`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"report_id":' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: 'The request body is not valid JSON.' });
    });
  });

  it('connections:show prints the partner URLs and the webhook URL to paste into Recruitee, never the tokens', async () => {
    const r = await assayAsync(server, ['connections:show', conn]);
    expect(r.code).toBe(0);
    const fields = (r.json.vendor_setup as Array<{ fields: Array<{ label: string; value: string | null }> }>).flatMap((s) => s.fields);
    const field = (l: string) => fields.find((f) => f.label === l)?.value;
    expect(field('urls.tests')).toBe(`${base()}/tests`);
    expect(field('urls.send_candidate')).toBe(`${base()}/send_candidate`);
    expect(field('codename')).toBe(rc.credentials.codename);
    expect(field('URL')).toBe(`${server.url}/webhooks/recruitee/${conn}`);
    for (const secret of [rc.credentials.customer_token!, rc.credentials.partner_secret!, rc.credentials.webhook_secret!]) expect(r.stdout).not.toContain(secret);
  });

  describe('report updates', () => {
    it('completion marks the report completed with the percentage score and completed_at', async () => {
      const sent = await send(601);
      const [order] = await widgetOrders(server, '601');
      await completeAsCandidate(server, order.id, 'numerical-reasoning');
      const report = await until(() => rc.report(sent.report.id), (r) => r.status !== 'sent', 40_000, 'report update');
      const [done] = await widgetOrders(server, '601');
      const pct = Math.round((done.result.score / done.result.max_score) * 100);
      expect(pct).toBeGreaterThan(0);
      expect(pct).toBeLessThan(100);
      expect(report).toMatchObject({ status: 'completed', score: `${pct}%`, completed_at: done.completed_at });
      expect(report.history.every((h) => h.accepted)).toBe(true);
    });

    it('a recruiter cancelling in the widget marks the report canceled', { timeout: 90_000 }, async () => {
      const sent = await send(602);
      const [order] = await widgetOrders(server, '602');
      const token = await sessionToken(server.url, server.demo, { claims: { application: { id: '602' } } });
      expect((await api(server.url, token).post(`/api/orders/${order.id}/cancel`)).status).toBe(200);
      // Recruitee hears of a recruiter's cancel once it can no longer be undone (10 s).
      const report = await until(() => rc.report(sent.report.id), (r) => r.status !== 'sent', 40_000, 'report update');
      expect(report.status).toBe('canceled');
    });
  });

  describe('webhooks', () => {
    it('answers the Test button with 200 (so Recruitee saves the webhook), signed or not', async () => {
      expect((await rc.ping()).saved).toBe(true);
      expect((await rc.ping({ sign: true })).saved).toBe(true);
    });

    it('answers a signed event with exactly 200 and refuses a bad signature with 401', async () => {
      const ok = await rc.fireWebhook({ to_stage: { name: 'Interview' } });
      expect(ok.state).toBe('delivered');
      expect(ok.attempts.map((a) => a.status)).toEqual([200]);
      const raw = JSON.stringify({ event_type: 'candidate_moved', event_subtype: 'disqualified', payload: { candidate: { id: 999 } } });
      const res = await fetch(`${server.url}/webhooks/recruitee/${conn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-recruitee-signature': '0'.repeat(64) }, body: raw });
      expect(res.status).toBe(401);
    });

    it('a non-200 answer makes Recruitee retry, and the retry does not duplicate: a disqualified candidate loses the invitation once', async () => {
      const sent = await send(701);
      const [order] = await widgetOrders(server, '701');
      expect(order.status).toBe('pending');
      const raw = JSON.stringify({
        event_type: 'candidate_moved',
        event_subtype: 'disqualified',
        payload: { candidate: { id: 701, name: 'Ada Lovelace' }, offer: { id: 7, title: 'Data Analyst' }, details: { from_stage: { id: 2, name: 'Assessment' }, to_stage: { id: 9, name: 'Disqualified' } } },
      });
      await server.kill(); // our server is down: Recruitee gets no 200
      const dq = await rc.fireWebhook({ raw, retry_delays_ms: [500, 1000, 1500, 2000, 3000, 5000, 8000] });
      expect(dq.attempts[0]!.status).toBe(0);
      server = await server.restart();
      const done = await until(() => rc.sim.webhooks.get(dq.id)!, (d) => d.state !== 'pending', 30_000, 'retried delivery');
      expect(done.state).toBe('delivered');
      expect(done.attempts.at(-1)!.status).toBe(200);
      const [cancelled] = await widgetOrders(server, '701');
      expect(cancelled).toMatchObject({ status: 'cancelled', reason: expect.stringMatching(/disqualified/) });
      await until(() => rc.report(sent.report.id).status, (s) => s === 'canceled', 20_000, 'report canceled');
      // Recruitee's "Rerun" sends the very same bytes again: answered 200, nothing happens twice.
      const rerun = await rc.fireWebhook({ raw });
      expect(rerun.attempts.map((a) => a.status)).toEqual([200]);
      expect(JSON.parse(rerun.attempts[0]!.body)).toMatchObject({ duplicate: true });
      await new Promise((r) => setTimeout(r, 1000));
      expect(rc.requests({ method: 'PATCH', path: `/reports/${sent.report.id}` })).toHaveLength(1);
    });
  });
});
