// The full report behind Open: login with a first-party session cookie, a safe return path,
// lockout after failed attempts (audited), isolation between accounts, and what the report shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageContent } from '../../shared/content/schema.ts';
import { sha256Hex } from '../../server/crypto/secrets.ts';
import { LoginThrottle } from '../../server/routes/report.ts';
import { memoryLimits } from '../../server/store/limits/sqlite.ts';
import { candidateClient, candidateFixture, type Fixture } from './candidate-fixture.ts';

let fx: Fixture;
let orderId: string;

beforeAll(async () => {
  fx = await candidateFixture({ loginThrottle: (svc) => new LoginThrottle(svc.store.limits, 'login-email', 5, 15 * 60_000) });
  // A completed work-style attempt (two tests: one with traits, one with choices).
  const { order, token } = await fx.invite({ packageId: 'work-style', firstName: 'Jamie' });
  orderId = order.id;
  const c = candidateClient(fx.app, token);
  const pkg = (await fx.svc.store.packages.content('demo', 'work-style', (await fx.svc.store.packages.get('demo', 'work-style'))!.version)) as unknown as PackageContent;
  await c.startTest(pkg.tests[0]!.id);
  for (const q of pkg.tests[0]!.questions) await c.save(q.id, 4);
  fx.advance(4 * 60_000);
  await c.startTest(pkg.tests[1]!.id);
  fx.advance(2 * 60_000);
  expect((await c.submit()).status).toBe(200);
});
afterAll(() => fx?.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function login(email: string, password: string, next?: string, headers: Record<string, string> = {}) {
  return fx.app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form({ email, password, ...(next ? { next } : {}) }),
  });
}

const cookieOf = (res: Response) => /assay_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? null;

describe('the report needs a login', () => {
  it('redirects to the login page, which returns to the report after logging in', async () => {
    const anon = await fx.app.request(`/report/${orderId}`);
    expect(anon.status).toBe(302);
    const to = anon.headers.get('location')!;
    expect(to).toBe(`/login?next=${encodeURIComponent(`/report/${orderId}`)}`);
    const page = await fx.app.request(to);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`name="next" value="/report/${orderId}"`);
    expect(html).toContain('autocomplete="current-password"');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const res = await login(fx.demo.user.email, fx.demo.user.password, `/report/${orderId}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/report/${orderId}`);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    const value = cookieOf(res)!;
    // Only a hash of the cookie value is stored.
    expect(await fx.svc.store.users.getSession(value, Date.now())).toBeNull();
    expect(await fx.svc.store.users.getSession(sha256Hex(value), Date.now())).not.toBeNull();

    const report = await fx.app.request(`/report/${orderId}`, { headers: { cookie: `assay_session=${value}` } });
    expect(report.status).toBe(200);
    expect(report.headers.get('cache-control')).toBe('no-store');
    const body = await report.text();
    const result = (await fx.svc.store.results.get('demo', orderId))!;
    const details = result.details as { tests: { name: string; score: number; explanation: string; traits?: { name: string; explanation: string; score: number }[] }[] };
    expect(body).toContain('Jamie Candidate');
    expect(body).toContain('Overall score');
    expect(body).toContain(`${result.score}%`);
    for (const t of details.tests) {
      expect(body).toContain(t.name);
      expect(body).toContain(t.explanation.replace(/'/g, '&#39;'));
      for (const tr of t.traits ?? []) {
        expect(body).toContain(tr.name);
        expect(body).toContain(tr.explanation.replace(/'/g, '&#39;'));
      }
    }
    expect(details.tests[0]!.traits!.length).toBeGreaterThan(0);
    expect(body).toMatch(/Started<\/dt><dd><time datetime="/);
    expect(body).toMatch(/Completed<\/dt><dd><time datetime="/);
    expect(body).toContain('Time spent</dt><dd>6 min</dd>');
    expect(body).toContain('Per-test breakdown');
    expect(body).toMatch(/4 min<\/td>/);
    expect(body).not.toMatch(/<script/i);

    // Logging out ends the session on the server, not only in the browser.
    const out = await fx.app.request('/logout', { method: 'POST', headers: { cookie: `assay_session=${value}` } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/assay_session=;/);
    expect(await fx.svc.store.users.getSession(sha256Hex(value), Date.now())).toBeNull();
    expect((await fx.app.request(`/report/${orderId}`, { headers: { cookie: `assay_session=${value}` } })).status).toBe(302);
  });

  it('gives a user of another account a 404, as for an order that does not exist', async () => {
    const other = await fx.otherAccount();
    const res = await login(other.email, other.password);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    const cookie = `assay_session=${cookieOf(res)}`;
    const page = await fx.app.request(`/report/${orderId}`, { headers: { cookie } });
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain('Report not found');
    expect(html).not.toContain('Jamie');
    expect((await fx.app.request('/report/ord_doesnotexist000', { headers: { cookie } })).status).toBe(404);
  });

  it('returns only to a same-origin path', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', ' /report/x', '/logout', '/login?next=//evil.example']) {
      const res = await login(fx.demo.user.email, fx.demo.user.password, next);
      expect(res.status, next).toBe(303);
      expect(res.headers.get('location'), next).toBe('/login');
    }
    const page = await fx.app.request('/login?next=//evil.example');
    expect(await page.text()).not.toContain('evil');
  });

  it('refuses a login form posted from another site', async () => {
    const attempts: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site', origin: 'null' }, { 'sec-fetch-site': 'same-site' }];
    for (const headers of attempts) {
      const res = await login(fx.demo.user.email, fx.demo.user.password, undefined, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    // A same-origin post under Referrer-Policy: no-referrer carries Origin: null and Sec-Fetch-Site: same-origin.
    expect((await login(fx.demo.user.email, fx.demo.user.password, undefined, { origin: 'null', 'sec-fetch-site': 'same-origin' })).status).toBe(303);
  });

  it('refuses a login form over 8 KB whether its length is declared or it comes chunked', async () => {
    const big = form({ email: fx.demo.user.email, password: fx.demo.user.password, pad: 'x'.repeat(9000) });
    const declared = new TextEncoder().encode(big);
    const chunked = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(declared);
        ctl.close();
      },
    });
    for (const [how, init] of [
      ['declared', { body: declared, headers: { 'content-length': String(declared.byteLength) } }],
      ['chunked', { body: chunked, duplex: 'half' }],
    ] as const) {
      const res = await fx.app.request('/login', { method: 'POST', ...init, headers: { 'content-type': 'application/x-www-form-urlencoded', ...('headers' in init ? init.headers : {}) } } as RequestInit);
      expect(res.status, how).toBe(400);
      expect(await res.text(), how).toContain('The form was too large.');
      expect(res.headers.get('set-cookie'), how).toBeNull();
    }
  });
});

describe('failed logins', () => {
  it('says only that the e-mail or password is wrong, then locks the address and audits the lockout once', async () => {
    const email = fx.demo.user.email;
    const wrong = await login(email, 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The e-mail address or password is not right.');
    const nobody = await login('nobody@example.test', 'whatever');
    expect(nobody.status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await login(email, `wrong-${i}`)).status).toBe(401);
    const locked = await login(email, 'wrong-again');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBeTruthy();
    expect(await locked.text()).toContain('Too many failed attempts');
    // Even the right password waits out the lockout.
    const right = await login(email, fx.demo.user.password);
    expect(right.status).toBe(429);
    expect(right.headers.get('set-cookie')).toBeNull();
    const audit = (await fx.svc.store.audit.list('demo', 500)).filter((a) => a.action === 'login.locked');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ email });
  });
});

describe('guesses sent together', () => {
  it('are counted together: beyond the limit in one burst none is checked, so the right password among them gets no session', async () => {
    const other = await fx.otherAccount();
    // Eleven wrong guesses and then the right one, all in flight at once (the limit in this file is 5).
    const guesses = [...Array.from({ length: 11 }, (_, i) => `wrong-${i}`), other.password];
    const answers = await Promise.all(guesses.map((pw) => login(other.email, pw)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length, statuses.join(' ')).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length, statuses.join(' ')).toBeGreaterThanOrEqual(7);
    const right = answers.at(-1)!;
    expect(right.status).toBe(429);
    expect(right.headers.get('set-cookie')).toBeNull();
    expect(right.headers.get('retry-after')).toBeTruthy();
  });

  it('do not count against the right password typed after two typos', async () => {
    const other = await fx.otherAccount();
    for (const pw of ['typo-1', 'typo-2']) expect((await login(other.email, pw)).status).toBe(401);
    const right = await login(other.email, other.password);
    expect(right.status).toBe(303);
    expect(cookieOf(right)).toBeTruthy();
  });
});

describe('LoginThrottle', () => {
  it('locks after the limit within the window and unlocks after it', async () => {
    const t = new LoginThrottle(memoryLimits(), 'test', 3, 1000);
    expect((await t.fail('k', 0)).locked).toBe(false);
    expect((await t.fail('k', 10)).locked).toBe(false);
    expect((await t.fail('k', 20)).locked).toBe(true);
    expect(await t.lockedFor('k', 500)).toBe(520);
    expect((await t.fail('k', 600)).locked).toBe(false); // already locked: reported once
    expect(await t.lockedFor('k', 1021)).toBe(0);
    expect((await t.fail('k', 2000)).locked).toBe(false); // a new window
  });
});
