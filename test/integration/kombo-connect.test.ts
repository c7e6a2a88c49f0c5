// Onboarding a customer with Kombo Connect, over real HTTP against the real server and the simulator:
// `assay connections:invite` → e-mailed link → the admin completes Kombo's setup page → Kombo's
// integration-created binds the integration to the right account and our packages are pushed at once.
// And the dashboard's "Connect your ATS" (embedded link + integration-by-token), which binds only the
// logged-in user's own account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../helpers/db.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { signKomboWebhook, startSimulator, type KomboSimHandle } from '../simulators/kombo/index.ts';
import { assayAsync, mails, until } from './kombo-helpers.ts';

let server: RunningServer;
let kombo: KomboSimHandle;
let komboEnv: Record<string, string>;
const ACME_ADMIN = 'admin@acme.example';
const ACME_USER = { email: 'ops@acme.example', password: 'acme-dashboard-pw-1' };

type Conn = { id: string; account_id: string; status: string; config: string };
const connections = () => query<Conn>(server, "SELECT id, account_id, status, config FROM connections WHERE provider = 'kombo' ORDER BY created_at");
const connection = (id: string) => connections().find((c) => c.id === id)!;
const cfg = (c: Conn) => JSON.parse(c.config) as Record<string, unknown>;

async function cli(args: string[]) {
  const r = await assayAsync([...args, '--json'], { ...server.storeEnv, ...komboEnv });
  if (r.code !== 0) throw new Error(`assay ${args[0]} failed: ${r.stderr}`);
  return r.json;
}

/** What a customer's admin does: open the link and submit Kombo's setup form with their ATS key. */
async function completeSetupPage(link: string) {
  const page = await fetch(link);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Connect your Recruitee');
  const token = /name="token" value="([^"]+)"/.exec(html)![1]!;
  const done = await fetch(new URL('/connect/complete', link), { method: 'POST', body: new URLSearchParams({ token, api_key: 'recruitee-api-key-of-acme' }) });
  expect(done.status).toBe(200);
  return /id="integration-id">([^<]+)</.exec(await done.text())![1]!;
}

async function login(email: string, password: string): Promise<string> {
  const res = await fetch(`${server.url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ email, password }) });
  expect(res.status).toBe(303);
  const cookie = /^(assay_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  expect(cookie).toBeTruthy();
  return cookie!;
}

const dashboard = (cookie: string | null, path: string, body: unknown) =>
  fetch(`${server.url}/partner/kombo${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });

beforeAll(async () => {
  kombo = await startSimulator({});
  const c = kombo.credentials;
  komboEnv = { KOMBO_API_KEY: c.api_key!, KOMBO_WEBHOOK_SECRET: c.webhook_secret!, KOMBO_BASE_URL: c.base_url! };
  server = await startServer({ env: { ...komboEnv, KOMBO_RECONCILE_MS: '1000' } });
  // A second customer with a package list of its own, so "the right account" is visible in Kombo.
  await cli(['accounts:create', '--id', 'acme', '--name', 'Acme Inc.', '--issuer', 'https://acme-ats.example', '--no-packages']);
  await cli(['packages:import', '--account', 'acme', `${ROOT}content/packages/work-style.json`]);
  await cli(['users:create', '--account', 'acme', '--email', ACME_USER.email, '--password', ACME_USER.password]);
});
afterAll(async () => {
  await server?.stop();
  await kombo?.close();
});

describe('connections:invite (Kombo Connect magic link)', () => {
  let invite: { connection_id: string; link: string; webhook_url: string };

  it('asks Kombo for a year-long ASSESSMENT magic link for the account and e-mails it to the admin', async () => {
    invite = await cli(['connections:invite', '--account', 'acme', '--provider', 'kombo', '--tool', 'recruitee', '--email', ACME_ADMIN]);
    expect(invite).toMatchObject({ status: 'pending', account_id: 'acme', emailed: true, link: expect.stringMatching(/\/connect\?token=/) });
    const req = kombo.requests({ method: 'POST', path: '/v1/connect/create-link' }).at(-1)!;
    expect(req.headers.authorization).toBe(`Bearer ${kombo.credentials.api_key}`);
    expect(JSON.parse(req.body)).toMatchObject({
      end_user_email: ACME_ADMIN,
      end_user_organization_name: 'Acme Inc.',
      end_user_origin_id: 'acme',
      integration_category: 'ASSESSMENT',
      integration_tool: 'recruitee',
      link_type: 'MAGIC_LINK',
    });
    const held = [...kombo.sim.links.values()].at(-1)!;
    expect(Date.parse(held.expires_at) - Date.now()).toBeGreaterThan(360 * 86_400_000);
    const [mail] = mails(server.dataDir, invite.connection_id);
    expect(mail).toContain(`To: ${ACME_ADMIN}`);
    expect(mail).toContain('Set up the Recruitee integration for Acme Inc.');
    expect(mail).toContain(invite.link);
    expect(connection(invite.connection_id)).toMatchObject({ status: 'pending', account_id: 'acme' });
    // The operator points Kombo's webhook at the printed URL.
    expect(invite.webhook_url).toContain(`/webhooks/kombo/${invite.connection_id}`);
    kombo.config({ webhook_url: `${server.url}/webhooks/kombo/${invite.connection_id}` });
  });

  it('binds nothing for a forged integration-created (bad signature) or a signed one with an unknown origin id', async () => {
    const before = connections();
    const forged = JSON.stringify({ id: 'evt-forged', type: 'integration-created', data: { id: 'recruitee:ForgedIntegration1234', tool: 'recruitee', category: 'ASSESSMENT', end_user: { organization_name: 'Acme Inc.', creator_email: ACME_ADMIN, origin_id: 'acme' } } });
    const res = await fetch(`${server.url}/webhooks/kombo/${invite.connection_id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-kombo-signature': signKomboWebhook(forged, 'guessed-secret') }, body: forged });
    expect(res.status).toBe(401);

    // Kombo itself reports integrations made for an origin id we never issued, and for an account
    // (demo) that has no invitation open: both are acknowledged and bind nothing. A name is never used.
    for (const origin of ['no-such-account', 'demo']) {
      const link = await fetch(`${kombo.baseUrl}/connect/create-link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${kombo.credentials.api_key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ end_user_email: ACME_ADMIN, end_user_organization_name: 'Acme Inc.', end_user_origin_id: origin, integration_category: 'ASSESSMENT', integration_tool: 'recruitee', link_type: 'MAGIC_LINK' }),
      }).then((r) => r.json());
      const done = await kombo.completeConnectLink(new URL(link.data.link).searchParams.get('token')!);
      expect(done.delivery).toMatchObject({ delivered: true, status: 200 });
      expect(JSON.parse((done.delivery as { body: string }).body).ignored).toBeTruthy();
    }
    expect(connections()).toEqual(before);
    expect(connection(invite.connection_id).status).toBe('pending');
  });

  it('binds the integration the admin sets up to the inviting account and pushes its packages at once', async () => {
    const integrationId = await completeSetupPage(invite.link);
    const bound = await until(() => connection(invite.connection_id), (c) => c.status === 'active', 10_000, 'the binding');
    expect(bound.account_id).toBe('acme');
    expect(cfg(bound).integration_id).toBe(integrationId);
    const pushed = await until(() => kombo.sim.activePackages(integrationId), (p) => p.length > 0, 10_000, 'the package push');
    expect(pushed.map((p) => p.id)).toEqual(['work-style']);

    // It works: an order from the customer's ATS lands in their account and gets an invitation.
    const { order, delivery } = await kombo.createOrder({ integration_id: integrationId, package_id: 'work-style', application: { remote_id: 'acme-app-1' } });
    expect(delivery).toMatchObject({ status: 200, effect: 'accepted' });
    const [ours] = query<{ id: string; account_id: string; connection_id: string }>(server, "SELECT id, account_id, connection_id FROM orders WHERE source_order_id = ?", order.id);
    expect(ours).toMatchObject({ account_id: 'acme', connection_id: invite.connection_id });
    await until(() => mails(server.dataDir, ours!.id), (m) => m.length === 1, 10_000, 'the invitation e-mail');

    // Kombo re-sending integration-created changes nothing.
    const again = kombo.deliveries('integration-created').at(-1)!;
    const replay = await fetch(again.url, { method: 'POST', headers: again.requestHeaders, body: again.requestBody });
    expect(replay.status).toBe(200);
    expect(connections().filter((c) => cfg(c).integration_id === integrationId)).toHaveLength(1);
  });

  it('refuses invitations it cannot make, with a sentence', async () => {
    const r = await assayAsync(['connections:invite', '--account', 'acme', '--provider', 'kombo', '--tool', 'recruitee', '--email', 'not-an-email', '--json'], { ...server.storeEnv, ...komboEnv });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'invalid_email' });
    const noKey = await assayAsync(['connections:invite', '--account', 'acme', '--provider', 'kombo', '--tool', 'recruitee', '--email', ACME_ADMIN, '--json'], { ...server.storeEnv, KOMBO_API_KEY: '', KOMBO_WEBHOOK_SECRET: '' });
    expect(noKey.code).toBe(2);
    expect(JSON.parse(noKey.stderr).error).toMatchObject({ code: 'kombo_not_configured', message: expect.stringMatching(/KOMBO_API_KEY/) });
  });
});

describe('"Connect your ATS" in the provider dashboard (embedded link)', () => {
  it('needs a dashboard login', async () => {
    const res = await dashboard(null, '/connect/embedded', { tool: 'recruitee' });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('login_required');
  });

  it("binds the integration by Kombo's token to the logged-in user's account, and never to another account", async () => {
    kombo.config({ webhook_url: null }); // only the activation call binds here
    const demoCookie = await login(server.demo.user.email, server.demo.user.password);
    const started = await dashboard(demoCookie, '/connect/embedded', { tool: 'recruitee' });
    expect(started.status).toBe(200);
    const { link, connection_id } = await started.json();
    expect(JSON.parse(kombo.requests({ method: 'POST', path: '/v1/connect/create-link' }).at(-1)!.body)).toMatchObject({ link_type: 'EMBEDDED', end_user_origin_id: 'demo' });
    const done = await kombo.completeConnectLink(new URL(link).searchParams.get('token')!);

    // Another company's user replays the token Kombo handed to the demo customer's browser: refused.
    const acmeCookie = await login(ACME_USER.email, ACME_USER.password);
    expect((await dashboard(acmeCookie, '/connect/embedded', { tool: 'recruitee' })).status).toBe(200);
    const stolen = await dashboard(acmeCookie, '/connect/embedded/activate', { token: done.activation_token });
    expect(stolen.status).toBe(403);
    expect((await stolen.json()).error.code).toBe('integration_not_yours');
    expect(connections().some((c) => cfg(c).integration_id === done.integration.id)).toBe(false);

    const bad = await dashboard(demoCookie, '/connect/embedded/activate', { token: 'not-a-real-token-123' });
    expect(bad.status).toBe(404);

    const activated = await dashboard(demoCookie, '/connect/embedded/activate', { token: done.activation_token });
    expect(activated.status).toBe(200);
    expect(await activated.json()).toEqual({ connection_id, integration_id: done.integration.id, status: 'active' });
    expect(connection(connection_id)).toMatchObject({ account_id: 'demo', status: 'active' });
    const pushed = await until(() => kombo.sim.activePackages(done.integration.id), (p) => p.length > 0, 10_000, 'the package push');
    expect(pushed.map((p) => p.id).sort()).toEqual(['logical-reasoning', 'numerical-reasoning', 'typescript-skills', 'work-style']);
  });

  it('answers 400 with a sentence to a malformed request', async () => {
    const cookie = await login(server.demo.user.email, server.demo.user.password);
    const res = await dashboard(cookie, '/connect/embedded', { tool: 'Not A Slug!' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_body');
  });
});
