// Open redirect after login (issue 18): `/login?next=/.//evil.example/phish` and `/a/../..//evil.example`
// were checked raw and answered normalised, sending a logged-in user to `//evil.example/phish`. Over real
// HTTP, every `next` (the two from the issue, and generated paths mixing dot segments, empty segments,
// backslashes and encodings) either redirects to a path on our own origin or is ignored.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.ts';

let srv: RunningServer;
let cookie = '';

beforeAll(async () => {
  srv = await startServer();
  const res = await login('/report/ord_x');
  cookie = res.headers.get('set-cookie')!.split(';')[0]!;
}, 120_000);
afterAll(async () => srv?.stop());

async function login(next: string) {
  const res = await fetch(`${srv.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.url },
    body: new URLSearchParams({ email: srv.demo.user.email, password: srv.demo.user.password, next }),
  });
  await res.text();
  expect(res.status).toBe(303);
  return res;
}

/** Where a browser goes with this Location, resolved against the page that answered. */
const lands = (location: string) => new URL(location, `${srv.url}/login`);

const ATTACKS = ['/.//evil.example/phish', '/a/../..//evil.example', '/%2e//evil.example', '/./\\evil.example', '/..//evil.example/x?y=1', '//evil.example', '/\\evil.example'];

describe('redirect after login', () => {
  it('never leaves our origin for the attacks from the issue (GET when logged in, and POST /login)', async () => {
    for (const next of ATTACKS) {
      const res = await fetch(`${srv.url}/login?next=${encodeURIComponent(next)}`, { redirect: 'manual', headers: { cookie } });
      await res.text();
      if (res.status === 303) expect(lands(res.headers.get('location')!).origin, next).toBe(new URL(srv.url).origin);
      else expect(res.status, next).toBe(200); // ignored: the "You are logged in" page
      const posted = await login(next);
      expect(lands(posted.headers.get('location')!).origin, `POST ${next}`).toBe(new URL(srv.url).origin);
    }
  });

  it('keeps a same-origin path (the report the user came from)', async () => {
    const res = await fetch(`${srv.url}/login?next=${encodeURIComponent('/report/ord_abc?x=1')}`, { redirect: 'manual', headers: { cookie } });
    await res.text();
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/report/ord_abc?x=1');
  });

  it('generated paths of dot segments, empty segments, backslashes and encodings stay on our origin', async () => {
    const seg = fc.constantFrom('', '.', '..', '%2e', '%2E%2e', 'a', 'evil.example', '\\', '%5c', '%2f', '@evil.example', 'report');
    await fc.assert(
      fc.asyncProperty(fc.array(seg, { minLength: 1, maxLength: 6 }), async (segs) => {
        const next = '/' + segs.join('/');
        const res = await fetch(`${srv.url}/login?next=${encodeURIComponent(next)}`, { redirect: 'manual', headers: { cookie } });
        await res.text();
        if (res.status === 303) expect(lands(res.headers.get('location')!).origin, next).toBe(new URL(srv.url).origin);
        else expect(res.status, next).toBe(200);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
