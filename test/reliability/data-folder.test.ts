// The data folder and demo mode at start-up (issue 18, "Low"): data/ is 0700 and the database and the
// .eml copies of e-mails (live /t/ links) are 0600; a shared folder is warned about at start; demo mode is
// on by default only outside production (NODE_ENV=production turns it off unless ASSAY_DEMO=on), and the
// start-up line says which.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mails, until } from '../helpers/candidate.ts';
import { startServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

const parent = mkdtempSync(join(tmpdir(), 'assay-perm-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe('data folder and demo mode', () => {
  it('creates data/ 0700 and the database and .eml files 0600; demo mode is on outside production', async () => {
    const dataDir = join(parent, 'fresh', 'data'); // does not exist yet: the server creates it
    const srv = await startServer({ dataDir, env: { DATA_DIR: dataDir, NODE_ENV: 'development' } });
    try {
      const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'perm-app' }, candidate: { id: 'perm-cand', email: 'perm@example.com' } } }));
      const r = await a.post('/api/orders', { package_id: 'work-style' });
      expect(r.status).toBe(201);
      await until(() => mails(dataDir, r.body.order.id), (m) => m.length === 1, 30_000, 'the invitation e-mail');
      expect(mode(dataDir)).toBe('700');
      for (const f of readdirSync(dataDir).filter((f) => f.startsWith('assay.db') || f === 'demo.json' || f === 'master.key')) expect(mode(join(dataDir, f)), f).toBe('600');
      const mailDir = join(dataDir, 'mail');
      expect(mode(mailDir)).toBe('700');
      const emls = readdirSync(mailDir).filter((f) => f.endsWith('.eml'));
      expect(emls.length).toBeGreaterThan(0);
      for (const f of emls) expect(mode(join(mailDir, f)), f).toBe('600');
      expect((await fetch(`${srv.url}/demo/context?role=admin`)).status).toBe(200);
      expect(srv.logs.join('')).not.toContain('data folder is accessible');
    } finally {
      await srv.stop();
    }
  }, 120_000);

  it('with NODE_ENV=production: no demo (no admin contexts without a login), and a warning for a shared folder', async () => {
    const dataDir = join(parent, 'shared');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const srv = await startServer({ dataDir, env: { DATA_DIR: dataDir, NODE_ENV: 'production', LOG_LEVEL: 'info' } });
    try {
      expect((await fetch(`${srv.url}/demo/context?role=admin`)).status).toBe(404);
      expect((await fetch(`${srv.url}/demo`)).status).toBe(404);
      const logs = srv.logs.join('');
      expect(logs).toMatch(/"msg":"demo mode off","reason":"NODE_ENV=production/);
      expect(logs).toMatch(/"msg":"data folder is accessible to other users".*"mode":"0755"/);
    } finally {
      await srv.stop();
    }
  }, 120_000);

  it('with NODE_ENV=production and ASSAY_DEMO=on the demo is served, and the log says why', async () => {
    const dataDir = join(parent, 'demo-on');
    const srv = await startServer({ dataDir, env: { DATA_DIR: dataDir, NODE_ENV: 'production', ASSAY_DEMO: 'on', LOG_LEVEL: 'info' } });
    try {
      expect((await fetch(`${srv.url}/demo/context?role=recruiter`)).status).toBe(200);
      expect(srv.logs.join('')).toMatch(/"msg":"demo mode on","reason":"ASSAY_DEMO=on"/);
    } finally {
      await srv.stop();
    }
  }, 120_000);
});
