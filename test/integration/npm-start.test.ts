// `npm start` as a newcomer runs it, in a fresh clone (no dist/): it builds the widget and the server once,
// then serves /healthz and /demo with demo.json written, running the compiled server under plain node
// (no tsx process while it serves) with the node options the start script gives it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freshClone } from '../helpers/clone.ts';

/** Command lines of every process in a process group (Linux /proc). */
function groupCommands(pgid: number): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue; // state, ppid, pgrp
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim());
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

it('npm start in a fresh clone builds, serves /healthz and /demo, writes demo.json, and runs no tsx', { timeout: 240_000 }, async () => {
  const clone = freshClone();
  expect(existsSync(join(clone, 'dist'))).toBe(false);
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-npm-start-'));
  const child = spawn('npm', ['start', '--silent'], { cwd: clone, env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`npm start printed no listening line in 200 s:\n${err}`)), 200_000);
      child.stdout!.on('data', (d) => {
        out += String(d);
        const m = /"url":"([^"]+)"/.exec(out);
        if (m) (clearTimeout(timer), resolve(m[1]!));
      });
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${err}`)));
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    expect((await fetch(`${url}/demo`)).status).toBe(200);
    // The compiled server finds the built widget and the bundled content from its own location.
    expect((await fetch(`${url}/embed.js`)).status).toBe(200);
    const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8'));
    expect(Object.keys(demo).sort()).toEqual(['account_id', 'audience', 'context_secret', 'issuer', 'user']);
    expect(demo.user.email).toMatch(/@/);

    expect(existsSync(join(clone, 'dist/server/main.js'))).toBe(true);
    const procs = groupCommands(child.pid!);
    // With the node options of package.json's start script: among them the young-generation cap (server RSS, issue 19).
    const start = (JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    const options = /\bnode((?:\s+--\S+)*)\s+dist\/server\/main\.js\b/.exec(start)?.[1]?.trim() ?? '';
    expect(options).toMatch(/(^| )--max-semi-space-size=\d+( |$)/);
    expect(procs.some((p) => p.replace(/^\S*node\S*/, 'node') === `node ${options} dist/server/main.js`), procs.join('\n')).toBe(true);
    expect(procs.filter((p) => /tsx|esbuild/.test(p)), procs.join('\n')).toEqual([]);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(clone, { recursive: true, force: true });
  }
});
