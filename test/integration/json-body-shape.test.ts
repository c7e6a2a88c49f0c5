// A JSON body where an object is expected must be an object: a JSON array, null, a string or a number is a 400
// in the one error shape on every route whose body is validated (valid('json', …), server/http/validate.ts),
// also where every field of the object is optional (valibot's object schemas take an array for an empty object).
// A real server over real HTTP; the bytes sent are exactly the ones below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardCookie, startServer, type RunningServer } from '../helpers/server.ts';
import { sessionToken } from '../helpers/tokens.ts';

let srv: RunningServer;
let cookie: string;
let bearer: string;


beforeAll(async () => {
  srv = await startServer();
  cookie = await dashboardCookie(srv);
  bearer = await sessionToken(srv.url, srv.demo);
}, 60_000);
afterAll(async () => {
  await srv?.stop();
});

const NOT_OBJECTS = ['[]', '[{"company_name":"Array Co"}]', 'null', '"text"', '42'];

async function send(method: string, path: string, raw: string, headers: Record<string, string>) {
  const r = await fetch(`${srv.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: raw });
  return { status: r.status, body: (await r.json()) as unknown };
}

describe('a JSON body that is not an object', () => {
  const routes: [string, string, () => Record<string, string>][] = [
    ['PUT', '/api/dashboard/settings', () => ({ cookie, 'sec-fetch-site': 'same-origin' })], // every field optional
    ['POST', '/api/dashboard/team', () => ({ cookie, 'sec-fetch-site': 'same-origin' })],
    ['POST', '/api/orders', () => ({ authorization: `Bearer ${bearer}` })],
  ];
  for (const [method, path, headers] of routes)
    it(`${method} ${path} answers 400 invalid_body with a sentence, and changes nothing`, async () => {
      for (const raw of NOT_OBJECTS) {
        const r = await send(method, path, raw, headers());
        expect({ raw, status: r.status }).toEqual({ raw, status: 400 });
        expect(r.body, raw).toEqual({ error: { code: 'invalid_body', message: expect.stringMatching(/JSON object/) } });
      }
    });

  it('an object is still taken as before (the settings answer with the saved company name)', async () => {
    const r = await send('PUT', '/api/dashboard/settings', '{"company_name":"Object Co"}', { cookie, 'sec-fetch-site': 'same-origin' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ settings: { company_name: 'Object Co' } });
    const after = await send('PUT', '/api/dashboard/settings', '[{"company_name":"Array Co"}]', { cookie, 'sec-fetch-site': 'same-origin' });
    expect(after.status).toBe(400);
    const read = await fetch(`${srv.url}/api/dashboard/settings`, { headers: { cookie } });
    expect(await read.json()).toMatchObject({ settings: { company_name: 'Object Co' } });
  });
});
