// The dashboard's connect endpoints over the composed app, as the page (or anyone) would call them: bad input is a
// 400 with a code and a sentence (the codename rule, the logo's size and real type), never a connection; nothing for
// a provider its operator has not set up (a 409 without variable names); writes only by an admin from our own
// origin; the uploaded logo served publicly with its type; Lever's Configure answers Lever's consent URL.
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import '../../server/connectors/register.ts';
import { codenameProblem } from '../../server/connectors/recruitee/settings.ts';
import { candidateFixture, PUBLIC_URL, type Fixture } from './candidate-fixture.ts';

let fx: Fixture;
let app: Hono;
let cookie: string;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function loginCookie(email: string, password: string): Promise<string> {
  const res = await app.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password }).toString() });
  const session = /assay_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  const page = await app.request('/dashboard/integrations', { headers: { cookie: `assay_session=${session}` } });
  return `assay_dash=${/assay_dash=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]}`;
}

const send = (method: string, path: string, body: unknown, headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' }) =>
  app.request(`/api/dashboard${path}`, { method, headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const form = (o: Record<string, unknown> = {}) => ({ codename: 'assay-tests', name: 'Assay', description: 'Assessments from Assay.', account_id: '4535597', ...o });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const connections = async (provider: string) => (await fx.svc.store.connections.listByAccount(fx.demo.account_id)).filter((c) => c.provider === provider);

beforeAll(async () => {
  fx = await candidateFixture();
  app = createApp(fx.svc) as unknown as Hono;
  cookie = await loginCookie(fx.demo.user.email, fx.demo.user.password);
}, 60_000);
afterAll(() => fx?.close());

describe('dashboard connect endpoints', () => {
  it('says a provider is not set up in a sentence for the customer, without the operator’s variable names', async () => {
    for (const p of ['stackone', 'recruitee', 'lever']) {
      const res = await send('POST', `/connections/${p}`, p === 'lever' ? undefined : form());
      expect(res.status, p).toBe(409);
      const e = await errorOf(res);
      expect(e.code).toBe(`${p}_unavailable`);
      expect(e.message).toMatch(/assessment provider has not set it up/);
      expect(e.message).not.toMatch(/[A-Z]+_[A-Z]+/);
    }
  });

  it('refuses a bad codename with the rule’s sentence, and a logo too big or not really an image', async () => {
    fx.svc.config.stackoneApp = { apiKey: 'stackone-key-0123456789', baseUrl: null };
    const bad = await send('POST', '/connections/stackone', form({ codename: 'Assay_Tests' }));
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toEqual({ code: 'invalid_setting', message: codenameProblem('Assay_Tests') });
    const big = await send('POST', '/connections/stackone', form({ logo: { type: 'image/png', data_base64: Buffer.concat([PNG, Buffer.alloc(101 * 1024)]).toString('base64') } }));
    expect(big.status, await big.clone().text()).toBe(400);
    expect((await errorOf(big)).code).toBe('logo_too_large');
    const fake = await send('POST', '/connections/stackone', form({ logo: { type: 'image/png', data_base64: Buffer.from('<svg/>').toString('base64') } }));
    expect(await errorOf(fake)).toEqual({ code: 'logo_wrong_type', message: 'The logo must be a PNG, JPEG or WebP image.' });
    const huge = await send('POST', '/connections/stackone', form({ logo: { type: 'image/png', data_base64: Buffer.alloc(400 * 1024).toString('base64') } }));
    expect(huge.status).toBe(413);
    const extra = await send('POST', '/connections/stackone', form({ api_key: 'mine' }));
    expect(extra.status).toBe(400);
    expect(await connections('stackone')).toEqual([]);
  });

  it('refuses a write from another origin', async () => {
    const cross = await send('POST', '/connections/stackone', form(), { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    expect(await connections('stackone')).toEqual([]);
  });

  it('connects StackOne, the secrets sealed (the logo is served in test/browser/dashboard-connect.test.ts)', async () => {
    const res = await send('POST', '/connections/stackone', form({ static_package_id: 'numerical-reasoning' }));
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as { connection_id: string; logo_url: string | null; partner_api_key: string; webhook_secret: string };
    expect(body.logo_url).toBeNull();
    expect((await app.request(`/partner/logos/${body.connection_id}`)).status).toBe(404);
    const [c] = await connections('stackone');
    expect(c!.config).toMatchObject({ codename: 'assay-tests', partner_name: 'Assay', static_package_id: 'numerical-reasoning', account_id: '4535597' });
    expect(JSON.stringify(c)).not.toContain(body.partner_api_key);
    expect(JSON.stringify(c)).not.toContain(body.webhook_secret);
  });

  it('Lever: Configure answers the consent URL with our callback; a second Configure reuses the pending connection', async () => {
    fx.svc.config.leverApp = { clientId: 'lever-app', clientSecret: 'lever-app-secret', apiUrl: null, authUrl: null };
    const first = await send('POST', '/connections/lever', undefined);
    expect(first.status).toBe(201);
    const a = (await first.json()) as { connection_id: string; authorize_url: string };
    const url = new URL(a.authorize_url);
    expect(`${url.origin}${url.pathname}`).toBe('https://auth.lever.co/authorize');
    expect(url.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/partner/lever/oauth/callback`);
    expect(url.searchParams.get('client_id')).toBe('lever-app');
    const second = (await (await send('POST', '/connections/lever', undefined)).json()) as { connection_id: string };
    expect(second.connection_id).toBe(a.connection_id);
    expect((await connections('lever')).map((c) => c.status)).toEqual(['pending']);
    // The mapping page's API says the connection waits for consent.
    const postings = await app.request('/api/dashboard/lever/postings', { headers: { cookie } });
    expect(postings.status).toBe(409);
    expect((await errorOf(postings)).code).toBe('connection_pending');
  });
});
