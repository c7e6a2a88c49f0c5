// `npm start` as a newcomer runs it: the real server with demo data answers /healthz well within a minute.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/server.ts';

it('npm start serves /healthz, /demo and writes demo.json within a minute', { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-npm-start-'));
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const started = Date.now();
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('npm start printed no listening line in 60 s')), 60_000);
      child.stdout!.on('data', (d) => {
        out += String(d);
        const m = /"url":"([^"]+)"/.exec(out);
        if (m) (clearTimeout(timer), resolve(m[1]!));
      });
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect((await fetch(`${url}/demo`)).status).toBe(200);
    const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8'));
    expect(Object.keys(demo).sort()).toEqual(['account_id', 'audience', 'context_secret', 'issuer', 'user']);
    expect(demo.user.email).toMatch(/@/);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
});
