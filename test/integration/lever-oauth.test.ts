// The Lever connection's life over real HTTP: OAuth consent (state checked and single use, tokens sealed),
// a burst of 200 write-backs under Lever's rate limit with an access token expiring mid-run, 429 backoff,
// a crash after a refresh token rotated, and revocation, after which nothing more is written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, tableNames, type DbTarget } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { DEFAULT_IDS, startSimulator, type LeverSimHandle } from '../simulators/lever/index.ts';
import { freePort } from '../helpers/net.ts';
import { addConnection, assay, cliEnv, completeWithScore, consent, openStore, placeLeverOrder, startLever, until, type LeverWorld } from './lever-helpers.ts';

const statusOf = (t: DbTarget, id: string) => query<{ status: string }>(t, 'SELECT status FROM connections WHERE id = ?', id)[0]?.status;

describe('connecting Lever with OAuth', () => {
  let sim: LeverSimHandle;
  let server: RunningServer;
  beforeAll(async () => {
    sim = await startSimulator({ signatureToken: 'tok' });
    const port = await freePort();
    server = await startServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await server?.stop();
    await sim?.close();
  });

  it('stays pending until consent, checks the state, and activates once with sealed tokens', async () => {
    const added = await addConnection(server, sim);
    expect(added.status).toBe('pending');
    expect(added.redirect_uri).toBe(`${server.env.PUBLIC_URL}/partner/lever/oauth/callback`);
    const authorize = new URL(added.authorize_url);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${sim.authUrl}/authorize`);
    expect(authorize.searchParams.get('scope')).toContain('offline_access');
    expect(statusOf(server, added.connection_id)).toBe('pending');

    // A forged or unknown state is refused and changes nothing.
    const forged = await fetch(`${server.url}/partner/lever/oauth/callback?code=abc&state=${added.connection_id}.forged-state-value`);
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('oauth_state_invalid');
    expect((await fetch(`${server.url}/partner/lever/oauth/callback?code=abc`)).status).toBe(400);

    // The super admin declines: the connection stays pending.
    sim.config({ authorize_mode: 'deny' });
    const denied = await consent(added.authorize_url);
    expect(denied.status).toBe(400);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('lever_authorization_denied');
    expect(statusOf(server, added.connection_id)).toBe('pending');

    // A new link, approved this time.
    sim.config({ authorize_mode: 'approve' });
    const again = await assay(['lever:authorize', added.connection_id], cliEnv(server));
    expect(again.code, again.stderr).toBe(0);
    const first = await fetch(again.json.authorize_url, { redirect: 'manual' });
    const callback = first.headers.get('location')!;
    const ok = await fetch(callback);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Lever is connected');
    expect(statusOf(server, added.connection_id)).toBe('active');
    // The state was single use.
    const replay = await fetch(callback);
    expect(replay.status).toBe(400);

    // Tokens are sealed at rest: the bearer Lever accepts appears in no cell of any table, nor (on SQLite)
    // anywhere in the database files, free pages included.
    const admin = api(server.url, await sessionToken(server.url, server.demo, { claims: { role: 'admin' } }));
    expect((await admin.get('/api/lever/postings')).status).toBe(200);
    const bearer = sim.requests({ path: '/v1/postings' }).at(-1)!.headers.authorization!.replace(/^Bearer /, '');
    expect(bearer.length).toBeGreaterThan(20);
    for (const f of ['assay.db', 'assay.db-wal']) {
      let bytes = '';
      try {
        bytes = readFileSync(join(server.dataDir, f)).toString('latin1');
      } catch {
        continue;
      }
      expect(bytes.includes(bearer)).toBe(false);
    }
    const tables = tableNames(server);
    expect(tables).toContain('connector_state');
    for (const t of tables) expect(JSON.stringify(query(server, `SELECT * FROM "${t}"`)).includes(bearer), t).toBe(false);
    const row = query<{ value: string }>(server, "SELECT value FROM connector_state WHERE connection_id = ? AND key = 'oauth_tokens'", added.connection_id)[0]!;
    expect(JSON.parse(row.value).sealed).toMatch(/^v1\./);
  });

  it('takes the webhook signature token later (it exists only once the webhook is saved in Lever)', async () => {
    const id = query<{ id: string }>(server, "SELECT id FROM connections WHERE provider = 'lever' AND status = 'active'")[0]!.id;
    sim.config({ webhook_url: `${server.url}/webhooks/lever/${id}`, signature_token: 'token-shown-by-lever', retry_delays_ms: [] });
    sim.moveToStage(DEFAULT_IDS.opportunity, 'Recruiter screen');
    const [refused] = await sim.waitForDeliveries(10_000);
    expect(refused!.attempts.map((a) => a.status)).toEqual([401]);

    const bad = await assay(['lever:set', id, '--set', 'base_url=ftp://lever.example'], cliEnv(server));
    expect(bad.code).toBe(2);
    expect(bad.json.error.code).toBe('invalid_setting');
    const set = await assay(['lever:set', id, '--set', 'signature_token=token-shown-by-lever'], cliEnv(server));
    expect(set.code, set.stderr).toBe(0);
    expect(set.json.secrets.signature_token).toBe('set');
    expect(JSON.stringify(set.json)).not.toContain('token-shown-by-lever');

    sim.moveToStage(DEFAULT_IDS.opportunity, 'On-site interview');
    const all = await sim.waitForDeliveries(10_000);
    expect(all.at(-1)!.state).toBe('delivered');

    // Another stage name or API makes the cached Lever lookups wrong: a settings change drops them, to be read again.
    const cached = () => query<{ key: string }>(server, "SELECT key FROM connector_state WHERE connection_id = ? AND key = 'stages'", id).length;
    await until(cached, (n) => n === 1, 10_000, 'the stage names read from Lever');
    const stage = await assay(['lever:set', id, '--set', 'trigger_stage=Assessment'], cliEnv(server));
    expect(stage.code, stage.stderr).toBe(0);
    expect(stage.json.settings.trigger_stage).toBe('Assessment');
    expect(cached()).toBe(0);
  });
});

describe('write-backs under load, token expiry, crashes and revocation', () => {
  let w: LeverWorld;
  beforeAll(async () => {
    // Lever's bucket scaled up 4× (40/s, burst 20) and ours with it (30/s, burst 10), so 400 calls take seconds, not a minute.
    w = await startLever({ sim: { rateLimit: { ratePerSecond: 40, burst: 20 } }, env: { ASSAY_LEVER_RATE_PER_SECOND: '30', ASSAY_LEVER_BURST: '10' } });
  });
  afterAll(async () => w?.stop());

  const seedOpps = (n: number, tag: string) => w.sim.seed({ opportunities: Array.from({ length: n }, (_, i) => ({ name: `Burst ${tag} ${i}`, emails: [`burst-${tag}-${i}@example.com`] })) }).opportunities!;
  async function complete(opps: string[], score = 80) {
    const { store, box } = await openStore(w.server);
    try {
      const orders = [];
      for (const opp of opps) orders.push(await placeLeverOrder(store, box, { accountId: w.server.demo.account_id, connectionId: w.connectionId, opportunityId: opp, packageId: 'numerical-reasoning', email: 'x@example.com' }));
      await completeWithScore(store, orders, () => score);
      return orders;
    } finally {
      await store.close();
    }
  }
  const refreshes = () => w.sim.requests({ method: 'POST', path: '/oauth/token' }).filter((r) => r.body.includes('grant_type=refresh_token'));

  it('delivers a burst of 200 write-backs within the rate limit, refreshing a token that expires mid-run', { timeout: 90_000 }, async () => {
    const opps = seedOpps(200, 'a');
    await complete(opps);
    await until(() => w.sim.feedback().length, (n) => n >= 40, 30_000, 'the first feedback');
    expect(w.sim.expireAccessTokens()).toBeGreaterThan(0);
    await until(() => [w.sim.feedback().length, w.sim.notes().length], ([f, n]) => f === 200 && n === 200, 60_000, 'all 200 feedback forms and notes');
    // One feedback form and one note per opportunity, none twice (how fast is `npm run bench`'s business).
    expect(new Set(w.sim.feedback().map((f) => f.opportunityId)).size).toBe(200);
    expect(new Set(w.sim.notes().map((n) => n.opportunityId)).size).toBe(200);
    // Lever's bucket was (almost) never exceeded, and the expired token was refreshed once, not per job.
    expect(w.sim.rateLimited()).toBeLessThanOrEqual(2);
    expect(refreshes().length).toBeGreaterThanOrEqual(1);
    expect(refreshes().length).toBeLessThanOrEqual(2);
  });

  it('backs off on 429 and still delivers', async () => {
    const [opp] = seedOpps(1, 'b');
    w.sim.pushFaults({ status: 429, times: 3, match: { method: 'POST', path: '/feedback' } });
    await complete([opp!], 50);
    const [fb] = await until(() => w.sim.feedback(opp), (f) => f.length === 1, 20_000, 'feedback after 429s');
    expect(fb!.fieldValues).toContainEqual({ id: DEFAULT_IDS.ratingField, value: '3 - Hire' });
    expect(w.sim.requests({ method: 'POST', path: `/opportunities/${opp}/feedback` }).filter((r) => r.status === 429)).toHaveLength(3);
  });

  it('keeps the rotated refresh token across a crash', async () => {
    const before = refreshes().length;
    // Make the server refresh (the refresh token rotates), then kill it hard.
    w.sim.expireAccessTokens();
    const [a] = seedOpps(1, 'c');
    await complete([a!]);
    await until(() => w.sim.notes(a).length, (n) => n === 1, 15_000, 'write-back after expiry');
    expect(refreshes().length).toBe(before + 1);
    w.server = await w.server.restart();
    // After the restart only the rotated refresh token works (Lever rejects a used one).
    w.sim.expireAccessTokens();
    const [b] = seedOpps(1, 'd');
    await complete([b!]);
    await until(() => w.sim.notes(b).length, (n) => n === 1, 20_000, 'write-back after the restart');
    expect(refreshes().at(-1)!.status).toBe(200);
  });

  it('stops everything on connections:revoke: tokens deleted, webhooks refused with 410, nothing written', async () => {
    const [waiting, moved] = seedOpps(2, 'e');
    const revoked = await w.cli(['connections:revoke', w.connectionId]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(statusOf(w.server, w.connectionId)).toBe('revoked');
    expect(query(w.server, "SELECT key FROM connector_state WHERE connection_id = ? AND key = 'oauth_tokens'", w.connectionId)).toEqual([]);

    const writesBefore = w.sim.requests({ method: 'POST' }).length + w.sim.requests({ method: 'PUT' }).length;
    const inboxBefore = query<{ n: number }>(w.server, 'SELECT COUNT(*) AS n FROM inbox')[0]!.n;
    // A completion after revocation: its write-back dies with the reason, nothing reaches Lever.
    const [order] = await complete([waiting!]);
    // A stage change after revocation: refused with 410 Gone (the one policy for revoked connections), nothing stored.
    const { deliveryId } = w.sim.moveToStage(moved!, 'Assay Assessment');
    const refused = await until(() => w.sim.deliveries().find((d) => d.id === deliveryId), (d) => (d?.attempts.length ?? 0) >= 1, 10_000, 'the first delivery attempt');
    expect(refused!.attempts[0]!.status).toBe(410);
    const job = await until(() => query<{ status: string; last_error: string }>(w.server, "SELECT status, last_error FROM outbox WHERE kind = 'writeback' AND order_id = ?", order!.id)[0], (j) => j?.status === 'dead', 15_000, 'the dead write-back');
    expect(job!.last_error).toMatch(/revoked/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(w.sim.requests({ method: 'POST' }).length + w.sim.requests({ method: 'PUT' }).length).toBe(writesBefore);
    expect(w.sim.feedback(waiting)).toEqual([]);
    expect(query<{ n: number }>(w.server, 'SELECT COUNT(*) AS n FROM inbox')[0]!.n).toBe(inboxBefore);
    expect(query(w.server, 'SELECT id FROM orders WHERE application_id = ?', moved)).toEqual([]);
  });
});
