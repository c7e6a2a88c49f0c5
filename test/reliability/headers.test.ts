// Security headers on every page family, as a browser receives them: widget pages may be framed only by
// their own account's origins (and carry no X-Frame-Options); everything else forbids framing; nosniff and
// Referrer-Policy everywhere; HSTS exactly when the public address is HTTPS; no framework banner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { writeFigures } from './figures.ts';

let http: RunningServer;
let https: RunningServer;
let checked = 0;

/** One request of each page family that is not a widget page (method, path, body). */
const ELSEWHERE: [string, string, string?][] = [
  ['GET', '/healthz'],
  ['GET', '/openapi.json'],
  ['GET', '/demo'],
  ['GET', '/demo/demo.js'],
  ['GET', '/embed.js'],
  ['GET', '/favicon.ico'],
  ['GET', '/login'],
  ['POST', '/login', 'email=a%40b.c&password=x'],
  ['GET', '/report/ord_doesnotexist00'],
  ['GET', '/report'],
  ['GET', '/t/not-a-real-invitation-token-000000'],
  ['GET', '/t/'],
  ['GET', '/insights'],
  ['GET', '/api/orders'],
  ['POST', '/api/session', '{}'],
  ['GET', '/api/candidate/attempt'],
  ['GET', '/api/insights'],
  ['GET', '/api/lever/postings'],
  ['GET', '/partner/greenhouse/con_doesnotexist0/list_tests'],
  ['GET', '/partner/recruitee/con_doesnotexist0/tests'],
  ['POST', '/webhooks/kombo/con_doesnotexist0', '{}'],
  ['GET', '/nope'],
  ['GET', '/widget/assets/does-not-exist.js'],
];

beforeAll(async () => {
  [http, https] = await Promise.all([startServer(), startServer({ env: { PUBLIC_URL: 'https://assay.example.test' } })]);
  for (const s of [http, https]) {
    const r = await assay(['accounts:create', '--name', 'Acme B', '--id', 'acme-b', '--issuer', 'https://b.example', '--frame-origin', 'https://ats-b.example', '--json'], { ...s.storeEnv });
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);
afterAll(async () => {
  await Promise.all([http?.stop(), https?.stop()]);
  writeFigures('headers', { responses_checked: checked, page_families: ELSEWHERE.length + 2, servers: 2 }, checked > 0);
});

async function get(srv: RunningServer, method: string, path: string, body?: string) {
  const res = await fetch(`${srv.url}${path}`, {
    method,
    redirect: 'manual',
    headers: body ? { 'content-type': body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded', origin: srv.url } : {},
    body,
  });
  await res.arrayBuffer();
  checked++;
  return res;
}

function baseline(res: Response, where: string, overHttps: boolean) {
  expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
  expect(res.headers.get('referrer-policy'), where).toBe('no-referrer');
  expect(res.headers.get('x-powered-by'), where).toBeNull();
  expect(res.headers.get('server'), where).toBeNull(); // no framework or runtime banner
  if (overHttps) expect(res.headers.get('strict-transport-security'), where).toMatch(/^max-age=\d{7,}/);
  else expect(res.headers.get('strict-transport-security'), where).toBeNull();
}

describe('security headers on every page family', () => {
  for (const [label, pick] of [['served over HTTP', () => http], ['PUBLIC_URL=https://…', () => https]] as const) {
    it(`widget pages: framed only by the account's own origins, no X-Frame-Options (${label})`, async () => {
      const srv = pick();
      const overHttps = srv === https;
      const demo = await get(srv, 'GET', '/widget/?account=demo');
      expect(demo.status).toBe(200);
      baseline(demo, 'widget demo', overHttps);
      expect(demo.headers.get('content-security-policy')).toMatch(/frame-ancestors http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\*/);
      expect(demo.headers.get('content-security-policy')).not.toContain('ats-b.example');
      expect(demo.headers.get('x-frame-options')).toBeNull();
      const b = await get(srv, 'GET', '/widget/?account=acme-b');
      expect(b.status).toBe(200);
      baseline(b, 'widget acme-b', overHttps);
      const csp = b.headers.get('content-security-policy')!;
      expect(/frame-ancestors ([^;]*)/.exec(csp)![1]!.trim()).toBe('https://ats-b.example');
      expect(b.headers.get('x-frame-options')).toBeNull();
      const unknown = await get(srv, 'GET', '/widget/?account=nobody');
      baseline(unknown, 'widget unknown account', overHttps);
      expect(unknown.headers.get('content-security-policy')).not.toMatch(/frame-ancestors [^;]*(localhost|ats-b)/);
    });

    it(`every other page family forbids framing (${label})`, async () => {
      const srv = pick();
      const overHttps = srv === https;
      const missing: string[] = [];
      for (const [method, path, body] of ELSEWHERE) {
        const res = await get(srv, method, path, body);
        const where = `${method} ${path} → ${res.status}`;
        expect(res.status, where).toBeLessThan(500);
        baseline(res, where, overHttps);
        const csp = res.headers.get('content-security-policy') ?? '';
        if (!/frame-ancestors 'none'/.test(csp)) missing.push(`${where}: ${csp || '(no CSP)'}`);
      }
      expect(missing).toEqual([]);
    });
  }
});
