// Each benchmark runs end to end at a tiny size (BENCH_SIZE=tiny), into a temp file: never BENCHMARKS.md.
// The real figures come from `npm run bench`, which is not part of `npm test`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT } from '../helpers/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-smoke-'));
const real = join(ROOT, 'BENCHMARKS.md');
const realBefore = existsSync(real) ? statSync(real).mtimeMs : null;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bench(names: string[], out: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/run.ts'), ...names], {
      cwd: ROOT,
      env: { ...process.env, BENCH_SIZE: 'tiny', BENCH_OUT: out, BENCH_PROFILE: 'never' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('benchmarks at a tiny size', () => {
  test('every benchmark runs and reports its figures beside their goals', async () => {
    // Two groups side by side, to stay well within a minute.
    const a = join(dir, 'a.md');
    const b = join(dir, 'b.md');
    const [ra, rb] = await Promise.all([bench(['api', 'middleware', 'storage', 'weight'], a), bench(['ingest', 'browser'], b)]);
    expect(ra.code, ra.stderr.slice(-3000)).toBe(0);
    expect(rb.code, rb.stderr.slice(-3000)).toBe(0);
    const text = readFileSync(a, 'utf8') + readFileSync(b, 'utf8');
    for (const heading of ['1. Widget API under load', '1b. Widget API middleware, one at a time', '2. Webhook ingest', '3. Storage at scale', '4. Widget weight', '5. Widget speed in Chromium', '6. Memory']) {
      expect(text).toContain(`## ${heading}`);
    }
    expect(text).not.toContain('The benchmark failed');
    expect(text).toContain('How to run it for the record');
    expect(text).toMatch(/server CPU per request, bare's as a share of it \| \d+ µs vs \d+ µs = \d+ %/);
    // The middleware ladder: the bare hello-world and, at this size, the row with every middleware and the session check.
    expect(text).toMatch(/\| bare Hono hello-world \(one route\) \| [\d.]+ µs \|/);
    expect(text).toMatch(/\| \+ requireSession \(widget session HMAC \+ claims\) \| [\d.]+ µs \| [+-][\d.]+ µs \|/);
    for (const goal of ['≤ 2 KB', '≤ 16 KB', '≥ 50 % of bare', '≥ 25 % of bare', '≥ 3,000/s with p99 ≤ 50 ms', '≤ 1 ms', '≤ 200 ms median', '≤ 120 MB']) expect(text).toContain(goal);
    expect(text).toMatch(/\| \d{4}-\d{2}-\d{2} \| \d+ \|/); // the dated machine table (date, cores, …)
    expect(text).toContain(process.version);
    // The real file is left alone.
    expect(existsSync(real) ? statSync(real).mtimeMs : null).toBe(realBefore);
  }, 180_000);

  test('an unknown benchmark name is refused', async () => {
    const r = await bench(['nonsense'], join(dir, 'x.md'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown benchmark');
    expect(existsSync(join(dir, 'x.md'))).toBe(false);
  });
});
