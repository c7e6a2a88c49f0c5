import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = `${root}node_modules/.bin/tsx`;
const cli = `${root}test/simulators/cli.ts`;

function run(args: string[]) {
  const child = spawn(tsx, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe('npm run sim (test/simulators/cli.ts)', () => {
  it.each(['kombo', 'stackone', 'recruitee'])('starts %s, prints one JSON line, serves /_sim/health and stops on SIGTERM', async (provider) => {
    const { child, exited } = run([provider, '--port', '0', '--webhook-url', 'http://127.0.0.1:9/hook']);
    const first = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.once('line', resolve);
      child.once('exit', () => reject(new Error('exited before printing')));
    });
    const info = JSON.parse(first);
    expect(Object.keys(info)).toEqual(['provider', 'base_url', 'credentials']);
    expect(info.provider).toBe(provider);
    expect(info.credentials.base_url).toBe(info.base_url);
    const health = await (await fetch(`${new URL(info.base_url).origin}/_sim/health`)).json();
    expect(health).toEqual({ ok: true, provider });
    const config = await (await fetch(`${new URL(info.base_url).origin}/_sim/config`)).json();
    expect(config.webhook_url).toBe('http://127.0.0.1:9/hook');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it.each([
    [['nope'], /unknown provider "nope"/],
    [['kombo', '--port', 'abc'], /bad port "abc"/],
    [['kombo', '--port', '70000'], /bad port/],
    [['kombo', 'stray'], /unexpected argument/],
  ])('exits 2 with a clear message for %j', async (args, msg) => {
    const { exited, stderr } = run(args);
    expect(await exited).toBe(2);
    expect(stderr()).toMatch(msg);
  });

  it('explains itself with --help', async () => {
    const { child, exited } = run(['--help']);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    expect(await exited).toBe(0);
    expect(out).toMatch(/Usage: npm run sim -- <provider>/);
    expect(out).toMatch(/kombo/);
  });
});
