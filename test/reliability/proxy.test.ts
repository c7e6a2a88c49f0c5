// Behind a proxy (issue 18: "login lockout and session limits are keyed on the socket address: behind the
// load balancer … 600 junk requests stop every widget"). With TRUST_PROXY=1 (one proxy of ours appends the
// client's address to X-Forwarded-For) every client has its own limits, and what a client writes into
// X-Forwarded-For itself does not move it to another client's bucket.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { mintContext } from '../helpers/tokens.ts';

const RATE = 5;
let srv: RunningServer;
let n = 0;

beforeAll(async () => {
  srv = await startServer({ env: { TRUST_PROXY: '1', ASSAY_SESSION_RATE_PER_MIN: String(RATE) } });
}, 120_000);
afterAll(async () => srv?.stop());

/** A widget session request as it arrives through our proxy, which appended `client` to X-Forwarded-For. */
async function session(forwardedFor: string) {
  const res = await fetch(`${srv.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body: JSON.stringify({ context: await mintContext(srv.demo, { claims: { jti: `proxy-${n++}` } }) }) });
  await res.text();
  return res.status;
}

async function login(forwardedFor: string, email: string, password: string) {
  const res = await fetch(`${srv.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.url, 'x-forwarded-for': forwardedFor }, body: new URLSearchParams({ email, password }) });
  await res.text();
  return res.status;
}

it('limits widget sessions per client behind the proxy, not for everyone at once', async () => {
  const a: number[] = [];
  for (let i = 0; i < RATE + 1; i++) a.push(await session('198.51.100.1'));
  expect(a).toEqual([...Array(RATE).fill(200), 429]);
  // Another client behind the same proxy is not affected.
  expect(await session('198.51.100.2')).toBe(200);
  // Client A writing another address in front of the one our proxy appended stays client A.
  expect(await session('203.0.113.77, 198.51.100.1')).toBe(429);
});

it('locks the client address that stuffs credentials, and only that one', async () => {
  let status = 0;
  for (let i = 0; i < 40 && status !== 429; i++) status = await login('198.51.100.3', `nobody-${i}@example.com`, 'guess');
  expect(status).toBe(429);
  expect(await login('198.51.100.3', srv.demo.user.email, srv.demo.user.password)).toBe(429);
  // The demo user logging in from elsewhere behind the same proxy is let in.
  expect(await login('198.51.100.4', srv.demo.user.email, srv.demo.user.password)).toBe(303);
});
