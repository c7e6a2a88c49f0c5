// Abuse over real HTTP: brute force on the report login gets growing waits per e-mail (429 with Retry-After,
// one audit entry; the right password works after the wait, so nobody can lock a user out) and a lock per
// client address; minting widget sessions beyond
// ASSAY_SESSION_RATE_PER_MIN gets 429; a script hammering a candidate link's answers gets 429; "Connect your
// ATS" is limited per client however the client labels itself.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, mintContext, sessionToken } from '../helpers/tokens.ts';
import { inviteToken, mails, packageContent, until } from '../integration/kombo-helpers.ts';
import { writeFigures } from './figures.ts';

const SESSION_RATE = 20;
/** A second client on this machine: Linux answers every 127.0.0.0/8 address on the loopback interface. */
const CLIENT_B = '127.0.0.2';

/** POST a JSON body from a given local address (fetch cannot choose one). */
function postFrom(localAddress: string, url: string, body: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const LOGIN_DELAY_S = 10;
let srv: RunningServer;
let candidate = { order: '', token: '' };
const figures: Record<string, unknown> = {};
let passed = 0;

beforeAll(async () => {
  srv = await startServer({ env: { ASSAY_SESSION_RATE_PER_MIN: String(SESSION_RATE), ASSAY_LOGIN_DELAY_MS: String(LOGIN_DELAY_S * 1000) } });
  // One order with its invitation, for the candidate-link test.
  const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'abuse-app' }, candidate: { id: 'abuse-cand', email: 'abuse@example.com' } } }));
  const r = await a.post('/api/orders', { package_id: 'work-style' });
  expect(r.status).toBe(201);
  const mail = await until(() => mails(srv.dataDir, r.body.order.id), (m) => m.length === 1, 20_000, 'the invitation');
  candidate = { order: r.body.order.id, token: inviteToken(mail[0]!)! };
}, 120_000);
afterAll(async () => {
  await srv?.stop();
  writeFigures('abuse', figures, passed === 5);
});

const audits = (action: string) => query<{ actor: string; target: string; details: string }>(srv, 'SELECT actor, target, details FROM audit_log WHERE action = ? ORDER BY at', action);

async function login(email: string, password: string) {
  const res = await fetch(`${srv.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.url }, body: new URLSearchParams({ email, password }) });
  await res.text();
  return res;
}

describe('abuse', () => {
  it('delays an e-mail from the 3rd wrong password with growing waits (429 + Retry-After), audited once, and the right password works once the wait is over: no lockout', async () => {
    const { email, password } = srv.demo.user;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await login(email, `wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 429]);
    const right = await login(email, password);
    expect(right.status).toBe(429); // within the wait even the right password waits
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(right.headers.get('retry-after'))).toBeLessThanOrEqual(LOGIN_DELAY_S);
    expect(right.headers.get('set-cookie')).toBeNull();
    // Wrong guesses during the wait are refused without being counted; the first one after it doubles the wait.
    const grown = await until(
      async () => {
        const r = await login(email, 'wrong-later');
        return Number(r.headers.get('retry-after'));
      },
      (ra) => ra > LOGIN_DELAY_S,
      60_000,
      'the grown wait',
    );
    expect(grown).toBe(2 * LOGIN_DELAY_S);
    const locked = audits('login.locked');
    expect(locked).toHaveLength(1);
    expect(JSON.parse(locked[0]!.details)).toMatchObject({ email, by: 'email' });
    // No lockout: once the wait has passed the owner logs in.
    const ok = await until(() => login(email, password), (r) => r.status !== 429, 90_000, 'the right password after the wait');
    expect(ok.status).toBe(303);
    expect(audits('login.succeeded')).toHaveLength(1);
    figures.login_wrong_passwords_before_delay = 3;
    figures.login_delays_seconds = [LOGIN_DELAY_S, grown];
    passed++;
  }, 150_000);

  it('locks a client address that tries many addresses (credential stuffing) and audits it', async () => {
    let tries = 0;
    let status = 0;
    while (tries < 40) {
      status = (await login(`nobody-${tries}@example.com`, 'guess')).status;
      tries++;
      if (status === 429) break;
    }
    expect(status).toBe(429);
    expect(tries + 4).toBe(30); // 30 failures from one client in 15 minutes, counting the 4 counted above
    const byClient = audits('login.locked').filter((a) => JSON.parse(a.details).by === 'client');
    expect(byClient).toHaveLength(1);
    expect(byClient[0]!.actor).toMatch(/^login:/);
    // Any address from that client now waits, even another user's right password.
    expect((await login(srv.demo.user.email, srv.demo.user.password)).status).toBe(429);
    figures.login_failures_per_client_before_lock = tries + 4;
    passed++;
  });

  it(`refuses widget sessions beyond ${SESSION_RATE} a minute per client with 429 and Retry-After`, async () => {
    // From a client of its own (another loopback address), so its minute starts with its first session: counting
    // on the beforeAll's session (from 127.0.0.1) made the test depend on how long the tests before it took — past
    // a minute on a loaded machine, that session's window had ended and a 21st session was rightly allowed.
    let minted = 0;
    let first429: { status: number; retryAfter: string | undefined } | null = null;
    for (let i = 0; i < SESSION_RATE + 5 && !first429; i++) {
      const res = await postFrom(CLIENT_B, `${srv.url}/api/session`, JSON.stringify({ context: await mintContext(srv.demo, { claims: { jti: `abuse-${i}` } }) }));
      if (res.status === 200) minted++;
      else if (res.status === 429) first429 = res;
      else throw new Error(`session answered ${res.status}`);
    }
    expect(minted).toBe(SESSION_RATE);
    expect(first429!.status).toBe(429);
    expect(Number(first429!.retryAfter)).toBeGreaterThan(0);
    // The limit is per client: 127.0.0.1 (the beforeAll's one session) can still mint one.
    const other = await fetch(`${srv.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context: await mintContext(srv.demo, { claims: { jti: 'abuse-other' } }) }) });
    await other.text();
    expect(other.status).toBe(200);
    figures.sessions_per_minute_allowed = minted;
    passed++;
  });

  it('limits "Connect your ATS" per client, whatever X-Forwarded-For it sends', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await fetch(`${srv.url}/partner/kombo/connect/embedded`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i}` }, body: '{}' });
      await res.text();
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true); // no login: refused, but counted
    expect(statuses[30]).toBe(429);
    figures.connect_attempts_per_client_per_minute_allowed = 30;
    passed++;
  });

  it("refuses a script that hammers a candidate link's answers with 429, and keeps what was saved", async () => {
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${srv.url}/api/candidate${path}`, { method, headers: { authorization: `Bearer ${candidate.token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const test = packageContent('work-style').tests[0]!;
    expect((await call('POST', '/start')).status).toBe(200);
    expect((await call('POST', `/tests/${test.id}/start`)).status).toBe(200);
    const q = test.questions[0]!;
    let saved = 0;
    let limited: Response | null = null;
    for (let i = 0; i < 300 && !limited; i++) {
      const res = await call('PUT', `/answers/${q.id}`, { value: 1 + (i % 5) });
      await res.text();
      if (res.status === 200) saved++;
      else if (res.status === 429) limited = res;
      else throw new Error(`answer answered ${res.status}`);
    }
    expect(limited?.status).toBe(429);
    expect(saved).toBe(240);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    const [row] = query<{ n: number }>(srv, 'SELECT COUNT(*) AS n FROM answers WHERE order_id = ? AND question_id = ?', candidate.order, q.id);
    expect(row!.n).toBe(1); // one saved answer, overwritten, not 240 rows
    figures.candidate_answers_per_minute_allowed = saved;
    passed++;
  });
});
