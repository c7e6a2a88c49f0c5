// The public surface outside the widget API: health, OpenAPI, security headers, framing, the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

let srv: RunningServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(() => srv?.stop());

describe('health and API description', () => {
  it('answers /healthz once the database is open', async () => {
    const r = await fetch(`${srv.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });

  it('describes every widget JSON route in an OpenAPI 3.1 document generated from the validators', async () => {
    const doc = await (await fetch(`${srv.url}/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/api/session', '/api/packages', '/api/orders', '/api/orders/{id}', '/api/orders/{id}/cancel', '/api/orders/{id}/resend']) expect(doc.paths[p], p).toBeTruthy();
    const create = doc.paths['/api/orders'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['package_id']);
    expect(create.responses['422']).toBeTruthy();
  });

  it('answers unknown paths with the error shape', async () => {
    const r = await fetch(`${srv.url}/nope`);
    expect(r.status).toBe(404);
    expect((await r.json()).error.code).toBe('not_found');
  });
});

describe('headers and framing', () => {
  it("lets the widget page be framed only by the account's origins, without X-Frame-Options", async () => {
    const r = await fetch(`${srv.url}/widget/?account=demo`);
    expect(r.status).toBe(200);
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toContain('frame-ancestors http://localhost:* http://127.0.0.1:*');
    expect(r.headers.get('x-frame-options')).toBeNull();
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it("takes the account from a query-string context's issuer when an ATS can only do that", async () => {
    const token = (await import('../helpers/tokens.ts')).mintContext(srv.demo);
    const r = await fetch(`${srv.url}/widget/?context=${await token}`);
    expect(r.headers.get('content-security-policy')).toContain('frame-ancestors http://localhost:*');
  });

  it("forbids framing everywhere else and shows no framework banner", async () => {
    for (const path of ['/healthz', '/openapi.json', '/demo']) {
      const r = await fetch(`${srv.url}${path}`);
      expect(r.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-powered-by')).toBeNull();
    }
    const api401 = await fetch(`${srv.url}/api/orders`);
    expect(api401.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves the loader cross-origin-loadable', async () => {
    const r = await fetch(`${srv.url}/embed.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/javascript/);
    expect(r.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });
});

describe('the assay CLI', () => {
  const env = () => ({ ...srv.storeEnv });

  it('lists its commands and explains each one', async () => {
    const all = await assay(['--help']);
    expect(all.code).toBe(0);
    for (const c of ['accounts:create', 'connections:add', 'users:create', 'token', 'outbox:list', 'outbox:replay', 'packages:import']) expect(all.stdout).toContain(c);
    const one = await assay(['token', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/Usage: assay token/);
  });

  // One CLI run per test: each `assay` run starts its own Node process, slow on a loaded machine.
  describe('refuses bad flags and values with a code and a sentence, exit 2', () => {
    it('an unknown command', async () => {
      const unknown = await assay(['nope']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/unknown_command/);
    });
    it('an unknown flag', async () => {
      const badFlag = await assay(['token', '--account', 'demo', '--bogus'], env());
      expect(badFlag.code).toBe(2);
      expect(badFlag.stderr).toMatch(/invalid_arguments/);
    });
    it('a token lifetime over 15 minutes', async () => {
      const ttl = await assay(['token', '--account', 'demo', '--ttl', '3600'], env());
      expect(ttl.code).toBe(2);
      expect(ttl.stderr).toMatch(/invalid_ttl: .*15 minutes/);
    });
    it('an unknown account, as JSON with --json', async () => {
      const json = await assay(['token', '--account', 'missing', '--json'], env());
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stderr).error.code).toBe('unknown_account');
    });
    it('a master key that is too short', async () => {
      const key = await assay(['outbox:list'], { ...srv.storeEnv, ASSAY_MASTER_KEY: 'short' });
      expect(key.code).toBe(2);
      expect(key.stderr).toMatch(/invalid_master_key/);
    });
  });

  it('mints a context token the server accepts', async () => {
    const t = await assay(['token', '--account', 'demo', '--candidate', 'cli-cand', '--email', 'cli@example.com', '--json'], env());
    expect(t.code, t.stderr).toBe(0);
    const s = await fetch(`${srv.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context: t.json.token }) });
    expect(s.status).toBe(200);
    expect((await s.json()).candidate.email).toBe('cli@example.com');
  });

  it('creates provider users and refuses duplicates', async () => {
    const u = await assay(['users:create', '--account', 'demo', '--email', 'reader@example.com', '--json'], env());
    expect(u.code, u.stderr).toBe(0);
    expect(u.json.password.length).toBeGreaterThanOrEqual(12);
    const dup = await assay(['users:create', '--account', 'demo', '--email', 'reader@example.com'], env());
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/email_taken/);
  });

  it('shows outbox jobs and replays a finished one', async () => {
    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-cli' }, candidate: { id: 'c-cli', email: 'cli-outbox@example.com' } } }));
    const order = (await a.post('/api/orders', { package_id: 'work-style' })).body.order;
    let job: { id: string; status: string } | undefined;
    for (let i = 0; i < 50 && job?.status !== 'done'; i++) {
      const l = await assay(['outbox:list', '--kind', 'email.invitation', '--json'], env());
      job = l.json.jobs.find((j: { order_id: string }) => j.order_id === order.id);
      if (job?.status !== 'done') await new Promise((r) => setTimeout(r, 200));
    }
    expect(job?.status).toBe('done');
    const replay = await assay(['outbox:replay', job!.id, '--json'], env());
    expect(replay.code, replay.stderr).toBe(0);
    expect(['pending', 'running', 'done']).toContain(replay.json.status);
    const missing = await assay(['outbox:replay', 'job_doesnotexist'], env());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/unknown_job/);
  });
});
