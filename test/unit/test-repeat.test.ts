// `npm run test:repeat -- <files> --times N`: N fresh vitest runs, each reported, and the flaky one named.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from '../helpers/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'assay-repeat-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function repeat(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/test-repeat.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    child.once('close', (code) => resolve({ code, out }));
  });
}

it('runs the files N times in fresh vitest runs and names the run and test that failed', { timeout: 180_000 }, async () => {
  const counter = join(dir, 'counter');
  const r = await repeat(['flaky', '--config', 'test/unit/vitest-fixture/vitest.config.ts', '--times', '3'], { FLAKY_COUNTER_FILE: counter });
  expect(readFileSync(counter, 'utf8')).toBe('3');
  expect(r.code, r.out).toBe(1);
  expect(r.out).toContain('test:repeat: 2 of 3 runs passed');
  expect(r.out).toMatch(/ {2}run 1: passed [\d.]+ s\n {2}run 2: FAILED [\d.]+ s\n {6}test\/unit\/vitest-fixture\/flaky\.fixture\.ts › passes except on the second run\n {2}run 3: passed [\d.]+ s/);
});

it('refuses a count that is not a whole number, before running anything', async () => {
  const r = await repeat(['flaky', '--times', 'many']);
  expect(r.code).toBe(2);
  expect(r.out).toContain('--times wants a whole number of runs');
});
