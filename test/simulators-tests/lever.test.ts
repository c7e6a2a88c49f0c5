import { FIXTURES_DIR } from '../helpers/fixtures.ts';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHonoApp, type RunningServer } from '../simulators/shared/server.ts';
import { DEFAULT_IDS, leverSignature, startSimulator, verifyLeverSignature, type LeverSimHandle } from '../simulators/lever/index.ts';

const FIXTURES = FIXTURES_DIR;
const vectors = JSON.parse(readFileSync(`${FIXTURES}/signatures.json`, 'utf8')) as Array<Record<string, string>>;

/** A throwaway webhook receiver answering the queued statuses (then 200). */
async function receiver(statuses: number[] = []) {
  const got: Array<{ headers: Record<string, string>; raw: string }> = [];
  const app = new Hono();
  app.post('/hook', async (c) => {
    got.push({ headers: Object.fromEntries(c.req.raw.headers), raw: await c.req.text() });
    return c.body(null, (statuses.shift() ?? 200) as 200);
  });
  const server = await startHonoApp(app);
  return { server, got, url: `${server.origin}/hook` };
}

const form = (o: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(o).toString() });

describe('Lever simulator', () => {
  let sim: LeverSimHandle;
  let hook: Awaited<ReturnType<typeof receiver>> | undefined;
  /** The rate limiter's clock: real time unless a test holds it. */
  let held: number | null = null;
  beforeAll(async () => {
    sim = await startSimulator({ retryDelaysMs: [5, 5, 5, 5, 5], signatureToken: 'lever-test-token', now: () => held ?? Date.now() });
  });
  afterAll(async () => sim.close());
  afterEach(async () => {
    await hook?.server.close();
    hook = undefined;
    sim.reset();
    sim.resetRateLimit();
    held = null;
  });

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${sim.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  it('signs webhooks exactly like the fixture vector', () => {
    const v = vectors.find((x) => x.vendor === 'lever')!;
    const body = JSON.parse(readFileSync(`${FIXTURES}/${v.file}`, 'utf8')) as { token: string; triggeredAt: number; signature: string };
    expect(leverSignature(v.secret!, body.token, body.triggeredAt)).toBe(v.value);
    expect(body.signature).toBe(v.value);
    expect(verifyLeverSignature(body, v.secret!)).toBe(true);
    expect(verifyLeverSignature(body, 'another-token')).toBe(false);
  });

  it('runs the OAuth code flow and rotates refresh tokens', async () => {
    const redirect = 'http://127.0.0.1:9/callback';
    const { client_id, client_secret } = sim.credentials;
    const authorize = new URL(`${sim.authUrl}/authorize`);
    for (const [k, v] of Object.entries({ client_id: client_id!, redirect_uri: redirect, response_type: 'code', state: 's1', audience: 'https://api.lever.co/v1/', scope: 'offline_access stages:read:admin' })) authorize.searchParams.set(k, v);
    const res = await fetch(authorize, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.searchParams.get('state')).toBe('s1');
    const code = loc.searchParams.get('code')!;

    const bad = await fetch(`${sim.authUrl}/oauth/token`, form({ grant_type: 'authorization_code', client_id: client_id!, client_secret: 'wrong', code, redirect_uri: redirect }));
    expect(bad.status).toBe(401);
    const tok = await fetch(`${sim.authUrl}/oauth/token`, form({ grant_type: 'authorization_code', client_id: client_id!, client_secret: client_secret!, code, redirect_uri: redirect }));
    expect(tok.status).toBe(200);
    const t1 = (await tok.json()) as { access_token: string; refresh_token: string; expires_in: number; token_type: string };
    expect(t1).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(t1.access_token.split('.')).toHaveLength(3);
    // codes are single use
    const again = await fetch(`${sim.authUrl}/oauth/token`, form({ grant_type: 'authorization_code', client_id: client_id!, client_secret: client_secret!, code, redirect_uri: redirect }));
    expect(again.status).toBe(403);

    expect((await api('/stages', t1.access_token)).status).toBe(200);
    // out of scope
    expect((await api('/users', t1.access_token)).status).toBe(403);

    const r2 = await fetch(`${sim.authUrl}/oauth/token`, form({ grant_type: 'refresh_token', client_id: client_id!, client_secret: client_secret!, refresh_token: t1.refresh_token }));
    const t2 = (await r2.json()) as { access_token: string; refresh_token: string };
    expect(r2.status).toBe(200);
    expect(t2.refresh_token).not.toBe(t1.refresh_token);
    const reuse = await fetch(`${sim.authUrl}/oauth/token`, form({ grant_type: 'refresh_token', client_id: client_id!, client_secret: client_secret!, refresh_token: t1.refresh_token }));
    expect(reuse.status).toBe(403);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });

    // revocation kills access and refresh tokens of the client
    sim.revoke();
    const revoked = await api('/stages', t2.access_token);
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ code: 'UnauthorizedError' });
    const r3 = await fetch(`${sim.authUrl}/oauth/token`, form({ grant_type: 'refresh_token', client_id: client_id!, client_secret: client_secret!, refresh_token: t2.refresh_token }));
    expect(r3.status).toBe(403);
  });

  it('refuses unknown redirect URIs and reports denial to the redirect URI', async () => {
    sim.config({ redirect_uris: ['http://127.0.0.1:9/ok'], authorize_mode: 'deny' });
    try {
      const u = (redirect: string) => `${sim.authUrl}/oauth/authorize?client_id=${sim.credentials.client_id}&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&state=x&audience=${encodeURIComponent(`${sim.baseUrl}/`)}&scope=offline_access`;
      expect((await fetch(u('http://127.0.0.1:9/evil'), { redirect: 'manual' })).status).toBe(400);
      const denied = await fetch(u('http://127.0.0.1:9/ok'), { redirect: 'manual' });
      const loc = new URL(denied.headers.get('location')!);
      expect(loc.searchParams.get('error')).toBe('access_denied');
      sim.config({ authorize_mode: 'manual' });
      const page = await fetch(u('http://127.0.0.1:9/ok'), { redirect: 'manual' });
      expect(page.status).toBe(200);
      const [pending] = sim.pendingAuthorizations();
      const decided = await fetch(`${sim.origin}/_sim/oauth/pending/${pending!.id}`, { method: 'POST', body: JSON.stringify({ approve: true }) });
      const { location } = (await decided.json()) as { location: string };
      expect(new URL(location).searchParams.get('code')).toBeTruthy();
    } finally {
      sim.config({ redirect_uris: [], authorize_mode: 'approve' });
    }
  });

  it('expires access tokens after the configured lifetime', async () => {
    sim.config({ access_token_ttl_seconds: 1 });
    const t = sim.mintTokens();
    sim.config({ access_token_ttl_seconds: 3600 });
    expect((await api('/stages', t.access_token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1050));
    const res = await api('/stages', t.access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: 'Access token expired' });
  });

  it('serves stages, an opportunity with its application and posting, and users', async () => {
    const { access_token } = sim.mintTokens();
    const stages = (await (await api('/stages', access_token)).json()) as { data: Array<{ id: string; text: string }>; hasNext: boolean };
    expect(stages.data.find((s) => s.text === 'Assay Assessment')?.id).toBe(DEFAULT_IDS.triggerStage);
    const opp = (await (await api(`/opportunities/${DEFAULT_IDS.opportunity}?expand=applications`, access_token)).json()) as { data: { emails: string[]; applications: Array<{ posting: string }> } };
    expect(opp.data.emails).toEqual(['ada@example.com']);
    expect(opp.data.applications[0]!.posting).toBe(DEFAULT_IDS.posting);
    const users = (await (await api('/users?email=rita@example.com', access_token)).json()) as { data: Array<{ id: string }> };
    expect(users.data.map((u) => u.id)).toEqual([DEFAULT_IDS.user]);
    const missing = await api('/opportunities/nope', access_token);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 'ResourceNotFound', message: 'Opportunity nope not found' });
  });

  it('pages lists with opaque offsets', async () => {
    sim.seed({ opportunities: Array.from({ length: 7 }, (_, i) => ({ name: `Person ${i}` })) });
    const { access_token } = sim.mintTokens();
    const seen: string[] = [];
    let offset: string | undefined;
    for (;;) {
      const page = (await (await api(`/opportunities?limit=3${offset ? `&offset=${offset}` : ''}`, access_token)).json()) as { data: Array<{ id: string }>; hasNext: boolean; next?: string };
      seen.push(...page.data.map((o) => o.id));
      if (!page.hasNext) break;
      offset = page.next;
    }
    expect(seen).toHaveLength(8);
    expect((await api('/opportunities?limit=101', access_token)).status).toBe(400);
    expect((await api('/opportunities?offset=garbage', access_token)).status).toBe(400);
  });

  it('validates and records notes', async () => {
    const { access_token } = sim.mintTokens();
    const path = `/opportunities/${DEFAULT_IDS.opportunity}/notes`;
    const empty = await api(path, access_token, { method: 'POST', body: JSON.stringify({ value: '' }) });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 'BadRequestError' });
    expect((await api(path, access_token, { method: 'POST', body: JSON.stringify({ value: 'x', score: 5 }) })).status).toBe(400);
    const ok = await api(`${path}?perform_as=${DEFAULT_IDS.user}`, access_token, { method: 'POST', body: JSON.stringify({ value: 'Assay: Numerical 81%', score: 4 }) });
    expect(ok.status).toBe(201);
    const { data } = (await ok.json()) as { data: { noteId: string } };
    expect(sim.notes(DEFAULT_IDS.opportunity)).toEqual([expect.objectContaining({ id: data.noteId, value: 'Assay: Numerical 81%', score: 4, user: DEFAULT_IDS.user })]);
  });

  it('validates feedback against the template and requires perform_as', async () => {
    const { access_token } = sim.mintTokens();
    const tpl = (await (await api('/feedback_templates', access_token)).json()) as { data: Array<{ id: string; fields: Array<{ id: string; text: string; options?: Array<{ text: string }> }> }> };
    const template = tpl.data[0]!;
    const rating = template.fields.find((f) => f.text === 'Rating')!;
    expect(rating.options!.map((o) => o.text).sort()).toEqual(['1 - Strong No Hire', '2 - No Hire', '3 - Hire', '4 - Strong Hire']);
    const path = `/opportunities/${DEFAULT_IDS.opportunity}/feedback`;
    const body = (value: unknown) => JSON.stringify({ baseTemplateId: template.id, fieldValues: [{ id: rating.id, value }] });
    const noActor = await api(path, access_token, { method: 'POST', body: body('3 - Hire') });
    expect(noActor.status).toBe(400);
    expect(await noActor.json()).toMatchObject({ message: 'perform_as is required for this request' });
    expect((await api(`${path}?perform_as=${DEFAULT_IDS.user}`, access_token, { method: 'POST', body: body('Hire') })).status).toBe(400);
    expect((await api(`${path}?perform_as=${DEFAULT_IDS.user}`, access_token, { method: 'POST', body: JSON.stringify({ baseTemplateId: template.id, fieldValues: [] }) })).status).toBe(400);
    const ok = await api(`${path}?perform_as=${DEFAULT_IDS.user}`, access_token, { method: 'POST', body: body('3 - Hire') });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ baseTemplateId: template.id, user: DEFAULT_IDS.user });
    expect(sim.feedback()[0]!.fieldValues).toEqual([{ id: rating.id, value: '3 - Hire' }]);
  });

  it('replaces posting tags on a partial update and requires perform_as', async () => {
    const { access_token } = sim.mintTokens();
    const path = `/postings/${DEFAULT_IDS.posting}`;
    expect((await api(path, access_token, { method: 'POST', body: JSON.stringify({ tags: ['a'] }) })).status).toBe(400);
    const res = await api(`${path}?perform_as=${DEFAULT_IDS.user}`, access_token, { method: 'POST', body: JSON.stringify({ tags: ['assay:verbal-20'] }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { tags: string[]; text: string } }).data).toMatchObject({ tags: ['assay:verbal-20'], text: 'Data Analyst' });
    expect(sim.postingTags(DEFAULT_IDS.posting)).toEqual(['assay:verbal-20']);
  });

  it('answers 429 beyond a burst of 20 and refills at 10/s', async () => {
    // The limiter's clock stands still while the 25 requests are in flight, then moves 350 ms: the answer
    // depends on the bucket's arithmetic only, never on how fast this machine sends.
    held = 1_000_000;
    const { access_token } = sim.mintTokens();
    const statuses = await Promise.all(Array.from({ length: 25 }, () => api('/stages', access_token).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(sim.rateLimited()).toBe(5);
    const limited = await api('/stages', access_token);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: 'TooManyRequests' });
    held += 350; // 3.5 tokens at 10/s
    for (let i = 0; i < 3; i++) expect((await api('/stages', access_token)).status).toBe(200);
    expect((await api('/stages', access_token)).status).toBe(429);
    const ctl = (await (await fetch(`${sim.origin}/_sim/rate-limit`)).json()) as { rejected_429: number };
    expect(ctl.rejected_429).toBe(7);
  });

  it('fires a signed candidateStageChange and retries on non-2xx (3xx included)', async () => {
    hook = await receiver([500, 302]);
    sim.config({ webhook_url: hook.url });
    const moved = await fetch(`${sim.origin}/_sim/opportunities/${DEFAULT_IDS.opportunity}/stage`, { method: 'POST', body: JSON.stringify({ stage: 'Assay Assessment' }) });
    expect(moved.status).toBe(200);
    const [d] = await sim.waitForDeliveries();
    expect(d!.state).toBe('delivered');
    expect(d!.attempts.map((a) => a.status)).toEqual([500, 302, 200]);
    expect(hook.got).toHaveLength(3);
    const body = JSON.parse(hook.got[0]!.raw) as { event: string; data: Record<string, string>; token: string; triggeredAt: number; signature: string };
    expect(hook.got[0]!.headers['user-agent']).toBe('Lever-Webhooks');
    expect(body).toMatchObject({ event: 'candidateStageChange', data: { opportunityId: DEFAULT_IDS.opportunity, toStageId: DEFAULT_IDS.triggerStage, fromStageId: 'lead-new' } });
    expect(body.signature).toBe(leverSignature('lever-test-token', body.token, body.triggeredAt));
  });

  it('gives up after five retries', async () => {
    hook = await receiver([500, 500, 500, 500, 500, 500, 500]);
    sim.config({ webhook_url: hook.url });
    sim.hire(DEFAULT_IDS.opportunity);
    const [d] = await sim.waitForDeliveries();
    expect(d).toMatchObject({ event: 'candidateHired', state: 'failed' });
    expect(d!.attempts).toHaveLength(6);
  });
});
