// Proctoring over real HTTP against the real server: what a candidate's page may record is bounded per
// attempt (a hostile client gets 409 beyond 500 events, and never stores more), bad input is a clear 4xx
// that stores nothing, nothing is recorded outside a running attempt, the summary lands in the result,
// and `assay candidates:erase` removes the events with the answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PROCTORING_BATCH, MAX_PROCTORING_EVENTS } from '../../shared/result/proctoring.ts';
import { assay } from '../helpers/cli.ts';
import { inviteToken, mails, packageContent, until } from '../helpers/candidate.ts';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

let srv: RunningServer;
beforeAll(async () => {
  srv = await startServer();
}, 60_000);
afterAll(() => srv?.stop());

async function invite(ext: string) {
  const claims = { application: { id: `app-${ext}` }, candidate: { id: ext, email: `${ext}@example.com`, first_name: 'Pat', last_name: ext } };
  const order = (await api(srv.url, await sessionToken(srv.url, srv.demo, { claims })).post('/api/orders', { package_id: 'numerical-reasoning' })).body.order as { id: string };
  const [mail] = await until(() => mails(srv.dataDir, order.id), (m) => m.length === 1, 20_000, 'the invitation');
  return { orderId: order.id, token: inviteToken(mail!)! };
}

const call = async (token: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${srv.url}/api/candidate${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const events = (token: string, list: unknown[]) => call(token, 'POST', '/proctoring', { events: list });
const stored = (orderId: string) => query<{ kind: string; question_id: string | null; duration_ms: number }>(srv, 'SELECT kind, question_id, duration_ms FROM proctoring_events WHERE order_id = ? ORDER BY seq', orderId);

const content = packageContent('numerical-reasoning');
const firstTest = content.tests[0]!;
const q1 = firstTest.questions[0]!.id;

describe('POST /api/candidate/proctoring', () => {
  it('records nothing before the attempt starts, and refuses a missing token', async () => {
    const { orderId, token } = await invite('proc-early');
    const r = await events(token, [{ kind: 'left', duration_ms: 1000 }]);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('attempt_not_open');
    const anon = await fetch(`${srv.url}/api/candidate/proctoring`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ kind: 'left', duration_ms: 1 }] }) });
    expect(anon.status).toBe(401);
    expect(stored(orderId)).toEqual([]);
  });

  it('refuses bad input with a 400 naming the problem and stores nothing of the request', async () => {
    const { orderId, token } = await invite('proc-bad');
    expect((await call(token, 'POST', '/start')).status).toBe(200);
    const bad: Array<[unknown, RegExp]> = [
      [{ events: [] }, /at least 1/],
      [{ events: [{ kind: 'left', duration_ms: 1000 }, { kind: 'screenshot' }] }, /kind must be left, paste or question/],
      [{ events: [{ kind: 'paste', question_id: q1, text: 'the pasted answer' }] }, /.+/], // no place for pasted text
      [{ events: [{ kind: 'left', duration_ms: -5 }] }, /negative/],
      [{ events: [{ kind: 'left', duration_ms: 1.5 }] }, /whole milliseconds/],
      [{ events: [{ kind: 'question', question_id: 'not a question!', duration_ms: 5 }] }, /question id/],
      [{ events: Array.from({ length: MAX_PROCTORING_BATCH + 1 }, () => ({ kind: 'left', duration_ms: 1 })) }, /at most 50/],
      [{ events: [{ kind: 'left', duration_ms: 1000 }], device: 'iPhone' }, /.+/],
    ];
    for (const [body, message] of bad) {
      const r = await call(token, 'POST', '/proctoring', body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
    const unknownQ = await events(token, [{ kind: 'left', duration_ms: 10 }, { kind: 'question', question_id: 'no-such-question', duration_ms: 5 }]);
    expect(unknownQ.status).toBe(400);
    expect(unknownQ.body.error.code).toBe('question_unknown');
    expect((await call(token, 'POST', '/proctoring', '{"events": [')).status).toBe(400);
    expect(stored(orderId)).toEqual([]);
  });

  it(`keeps at most ${MAX_PROCTORING_EVENTS} events per attempt: a hostile client gets 409 beyond and stores no more`, { timeout: 120_000 }, async () => {
    const { orderId, token } = await invite('proc-flood');
    expect((await call(token, 'POST', '/start')).status).toBe(200);
    const batch = Array.from({ length: MAX_PROCTORING_BATCH }, () => ({ kind: 'left', duration_ms: 1000 }));
    let total = 0;
    // The rate limit (30 a minute per link) is part of the bound; the store's limit holds regardless.
    for (let i = 0; i < MAX_PROCTORING_EVENTS / MAX_PROCTORING_BATCH - 1; i++) {
      const r = await events(token, batch);
      expect(r.status).toBe(200);
      total = r.body.total;
    }
    expect(total).toBe(MAX_PROCTORING_EVENTS - MAX_PROCTORING_BATCH);
    expect((await events(token, batch.slice(10))).body.total).toBe(MAX_PROCTORING_EVENTS - 10);
    // A batch that only partly fits: the first 10 are kept, the rest dropped, and the answer says so.
    const partly = await events(token, batch);
    expect(partly.body).toEqual({ stored: 10, total: MAX_PROCTORING_EVENTS, limit: MAX_PROCTORING_EVENTS });
    const beyond = await events(token, [{ kind: 'left', duration_ms: 1 }]);
    expect(beyond.status).toBe(409);
    expect(beyond.body.error.code).toBe('proctoring_limit_reached');
    expect(stored(orderId)).toHaveLength(MAX_PROCTORING_EVENTS);
  });

  it('summarises into the result, never holds answer text, and is erased with the candidate', async () => {
    const { orderId, token } = await invite('proc-erase');
    expect((await call(token, 'POST', '/start')).status).toBe(200);
    expect((await call(token, 'POST', `/tests/${firstTest.id}/start`)).status).toBe(200);
    expect((await call(token, 'PUT', `/answers/${q1}`, { value: 68 })).status).toBe(200);
    const r = await events(token, [
      { kind: 'question', question_id: q1, duration_ms: 12_400 },
      { kind: 'left', duration_ms: 30_000 },
      { kind: 'left', duration_ms: 11_200 },
      { kind: 'paste', question_id: q1 },
      { kind: 'left', duration_ms: 200 },
    ]);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ stored: 5, total: 5, limit: MAX_PROCTORING_EVENTS });
    expect((await call(token, 'POST', '/submit')).status).toBe(200);
    // After submitting, nothing more is recorded.
    expect((await events(token, [{ kind: 'left', duration_ms: 1 }])).status).toBe(409);

    const [result] = query<{ details: string }>(srv, 'SELECT details FROM results WHERE order_id = ?', orderId);
    expect(JSON.parse(result!.details).proctoring).toEqual({ left_count: 3, left_seconds: 41, paste_count: 1, question_seconds: { [q1]: 12 }, truncated: false });
    expect(JSON.stringify(stored(orderId))).not.toContain('68');

    const erase = await assay(['candidates:erase', '--account', 'demo', '--external-id', 'proc-erase', '--json'], { ...srv.storeEnv });
    expect(erase.code, erase.stderr).toBe(0);
    expect(stored(orderId)).toEqual([]);
    // The anonymous summary stays with the score, as the scores do.
    expect(JSON.parse(query<{ details: string }>(srv, 'SELECT details FROM results WHERE order_id = ?', orderId)[0]!.details).proctoring.left_count).toBe(3);
  });
});
