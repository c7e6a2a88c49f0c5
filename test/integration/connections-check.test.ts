// `assay connections:check <id>`: the StackOne guide's troubleshooting table as a command. Each test breaks a piece
// on purpose and expects the check to name it, say what is wrong and how to fix it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../server/ids.ts';
import { openServerStore } from '../helpers/test-store.ts';
import { SecretBox } from '../../server/crypto/secrets.ts';
import { loadConfig } from '../../server/config.ts';
import { ROOT, type RunningServer } from '../helpers/server.ts';
import { startSimulator as startRecruitee, type RecruiteeSimHandle } from '../simulators/recruitee/index.ts';
import { startSimulator as startStackOne, type StackOneSimHandle } from '../simulators/stackone/index.ts';
import { freePort } from '../helpers/net.ts';
import { addConnection, assayAsync, startPublicServer } from './stackone-recruitee-helpers.ts';

type Finding = { ok: boolean; check: string; message: string; fix?: string };
const PARTNER_KEY = 'partner-key-0123456789abcdef';

describe('assay connections:check', () => {
  let server: RunningServer;
  let so: StackOneSimHandle;
  let rc: RecruiteeSimHandle;
  let healthy: string;
  let healthyRc: string;

  const check = async (id: string) => {
    const r = await assayAsync(server, ['connections:check', id]);
    if (!r.json) throw new Error(`connections:check printed no JSON: ${r.stderr}`);
    const findings = r.json.findings as Finding[];
    const by = (name: string) => {
      const f = findings.find((x) => x.check === name);
      if (!f) throw new Error(`no "${name}" check in ${findings.map((x) => x.check).join(', ')}`);
      return f;
    };
    return { code: r.code, ok: r.json.ok as boolean, findings, by, failed: findings.filter((f) => !f.ok).map((f) => f.check).sort() };
  };

  const stackone = (over: Record<string, string | undefined> = {}) =>
    addConnection(server, 'stackone', {
      api_key: so.credentials.api_key,
      account_id: so.credentials.account_id,
      webhook_secret: so.credentials.webhook_secret,
      base_url: so.credentials.base_url,
      partner_api_key: PARTNER_KEY,
      static_package_id: 'numerical-reasoning',
      partner_name: 'Assay',
      partner_description: 'Assessments from Assay',
      partner_logo_url: 'https://assay.example/logo.png',
      ...over,
    });
  const recruitee = (over: Record<string, string | undefined> = {}) =>
    addConnection(server, 'recruitee', { ...rc.credentials, ...over });

  beforeAll(async () => {
    [server, so, rc] = await Promise.all([startPublicServer(), startStackOne({ partnerApiKey: PARTNER_KEY }), startRecruitee()]);
    [healthy, healthyRc] = await Promise.all([stackone({ codename: 'assay-check' }), recruitee()]);
  });
  afterAll(async () => {
    await Promise.all([so?.close(), rc?.close()]);
    await server?.stop();
  });

  it('passes every check of a well-configured StackOne connection and exits 0', async () => {
    const r = await check(healthy);
    expect(r.failed).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.findings.map((f) => f.check).sort()).toEqual(
      ['account_id', 'api_key', 'codename', 'description', 'logo', 'name', 'package_list_endpoint', 'packages_configured', 'stackone_api', 'static_package_id', 'webhook_secret', 'webhook_url'].sort(),
    );
    expect(r.by('package_list_endpoint').message).toMatch(/answers with 4 package\(s\) in StackOne's shape/);
  });

  it('names a refused API key, a static Package ID that does not exist, a codename used twice and a missing logo, with fixes', async () => {
    const broken = await stackone({ api_key: 'wrong-key', static_package_id: 'no-such-package', codename: 'assay-check', partner_logo_url: undefined });
    const r = await check(broken);
    expect(r.code).toBe(1);
    expect(r.ok).toBe(false);
    expect(r.failed).toEqual(['codename', 'logo', 'stackone_api', 'static_package_id']);
    expect(r.by('stackone_api').message).toMatch(/refused the API key \(HTTP 401\)/);
    expect(r.by('static_package_id').message).toMatch(/"no-such-package" is not a package of this account/);
    expect(r.by('codename').message).toContain(healthy);
    expect(r.by('logo').fix).toMatch(/partner_logo_url/);
    for (const name of r.failed) expect(r.by(name).fix).toBeTruthy();
    // Revoked, the twin no longer claims the codename (the later tests check the healthy connection again).
    const store = await openServerStore(server.storeEnv);
    try {
      await store.transaction((tx) => tx.connections.update(server.demo.account_id, broken, { status: 'revoked' }));
    } finally {
      await store.close();
    }
  });

  it('names an unknown linked account and an unreachable StackOne', async () => {
    const closed = await freePort();
    const [wrongAccount, unreachable] = await Promise.all([stackone({ account_id: '99999999999999999999', codename: 'assay-acct' }), stackone({ base_url: `http://127.0.0.1:${closed}`, codename: 'assay-down' })]);
    const [a, b] = await Promise.all([check(wrongAccount), check(unreachable)]);
    expect(a.failed).toEqual(['stackone_api']);
    expect(a.by('stackone_api').message).toMatch(/does not know linked account 99999999999999999999/);
    expect(b.failed).toEqual(['stackone_api']);
    expect(b.by('stackone_api').message).toMatch(/is not reachable/);
  });

  it('names secrets that are not set and a connection with neither a list endpoint nor a static Package ID', async () => {
    // A connection whose secrets were never filled in (e.g. restored from a backup without them): made in the store.
    const box = new SecretBox(loadConfig({ ...server.storeEnv }).masterKey);
    const store = await openServerStore(server.storeEnv);
    const id = newId('con');
    try {
      await store.transaction((tx) => tx.connections.create({ id, account_id: server.demo.account_id, provider: 'stackone', status: 'active', config: { account_id: so.credentials.account_id, base_url: so.credentials.base_url, codename: 'assay-empty' }, secrets_enc: box.sealJson({}) }));
    } finally {
      await store.close();
    }
    const r = await check(id);
    expect(r.failed).toEqual(['api_key', 'logo', 'packages_configured', 'webhook_secret']);
    expect(r.by('packages_configured').message).toMatch(/Package's List Endpoint URL or Static Package ID is missing/);
    expect(r.by('webhook_secret').fix).toMatch(/Webhooks/);
  });

  it('names a package list with nothing in it and an inactive static Package ID', async () => {
    const store = await openServerStore(server.storeEnv);
    const ids = (await store.packages.list(server.demo.account_id)).map((p) => p.id);
    try {
      for (const p of ids) await store.transaction((tx) => tx.packages.setActive(server.demo.account_id, p, false));
      const r = await check(healthy);
      expect(r.failed).toEqual(['package_list_endpoint', 'static_package_id']);
      expect(r.by('package_list_endpoint').message).toMatch(/lists no packages/);
      expect(r.by('static_package_id').message).toMatch(/is inactive/);
    } finally {
      for (const p of ids) await store.transaction((tx) => tx.packages.setActive(server.demo.account_id, p, true));
      await store.close();
    }
  });

  it('passes a well-configured Recruitee connection, and names a wrong partner secret, a missing webhook secret and company', async () => {
    const ok = await check(healthyRc);
    expect(ok.failed).toEqual([]);
    expect(ok.findings.map((f) => f.check).sort()).toEqual(['codename', 'company_id', 'customer_token', 'partner_secret', 'recruitee_api', 'send_candidate_url', 'tests_url', 'webhook_secret', 'webhook_url'].sort());
    const [broken, wrongCodename] = await Promise.all([
      recruitee({ partner_secret: 'not-the-partner-secret', webhook_secret: undefined, company_id: undefined }),
      recruitee({ codename: 'someone-else' }),
    ]);
    const [b, w] = await Promise.all([check(broken), check(wrongCodename)]);
    expect(b.failed).toEqual(['company_id', 'recruitee_api', 'webhook_secret']);
    expect(b.by('recruitee_api').message).toMatch(/refused the partner secret/);
    expect(b.by('webhook_secret').fix).toMatch(/webhook dialog/);
    expect(w.failed).toEqual(['recruitee_api']);
    expect(w.by('recruitee_api').message).toMatch(/does not know the partner "someone-else"/);
  });

  // One CLI run per test (each starts its own Node process, slow on a loaded machine); the server stays down
  // for the three and is started again after them.
  describe('names our own endpoints as unreachable when the server is down', () => {
    beforeAll(async () => {
      await server.kill();
    });
    afterAll(async () => {
      server = await server.restart();
    });

    it("StackOne's package list endpoint and webhook URL, in the guide's words", async () => {
      const s = await check(healthy);
      expect(s.failed).toEqual(['package_list_endpoint', 'webhook_url']);
      expect(s.by('package_list_endpoint').message).toMatch(/^Invalid Package's List Endpoint URL: .* does not answer/);
      expect(s.by('webhook_url').message).toMatch(/^Test notification is not received/);
    });

    it("Recruitee's candidate, tests and webhook URLs", async () => {
      const r = await check(healthyRc);
      expect(r.failed).toEqual(['send_candidate_url', 'tests_url', 'webhook_url']);
    });

    it('prints the findings and fixes for people, exit 1', async () => {
      const human = await new Promise<{ code: number; out: string }>((resolve) =>
        execFile(process.execPath, [join(ROOT, 'bin/assay.mjs'), 'connections:check', healthy], { cwd: ROOT, env: { ...process.env, ...server.storeEnv, PUBLIC_URL: server.url } }, (e, out) =>
          resolve({ code: e ? Number((e as { code?: number }).code) : 0, out }),
        ),
      );
      expect(human.code).toBe(1);
      expect(human.out).toMatch(/FAIL {2}package_list_endpoint: Invalid Package's List Endpoint URL/);
      expect(human.out).toMatch(/Fix: Check the Package's List Endpoint URL implementation at your end/);
      expect(human.out).toMatch(/2 of 12 checks failed\./);
    });
  });
});
