#!/usr/bin/env node
// Hunting flakes: `npm run test:repeat -- <files or folders…> --times N [other vitest options]` runs
// `vitest run <files>` N times, one after the other, each in a fresh vitest (cold start, new servers, new
// Chromium, as `npm test` does), and prints each run's result and duration, then which tests failed in
// which runs. Exits 1 if any run failed. Build first (`npm run build`) when the files serve the widget.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
let times = 5;
const rest = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--times' || a === '-n') times = Number(args[++i]);
  else if (a.startsWith('--times=')) times = Number(a.slice('--times='.length));
  else rest.push(a);
}
if (!Number.isInteger(times) || times < 1) {
  process.stderr.write('test:repeat: --times wants a whole number of runs, at least 1\n');
  process.exit(2);
}
if (rest.length === 0) {
  process.stderr.write('usage: npm run test:repeat -- <test files or folders…> --times N [vitest options]\n');
  process.exit(2);
}

const out = mkdtempSync(join(tmpdir(), 'assay-repeat-'));
const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/** One `vitest run`; its JSON report tells which tests failed. Output streams through as usual. */
function once(n) {
  const report = join(out, `run-${n}.json`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', ...rest, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { cwd: ROOT, stdio: 'inherit' });
    const forward = (sig) => child.kill(sig);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.once('close', (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      let failed = [];
      try {
        const json = JSON.parse(readFileSync(report, 'utf8'));
        for (const file of json.testResults ?? []) {
          const name = file.name.startsWith(ROOT) ? file.name.slice(ROOT.length) : file.name;
          const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
          if (tests.length) for (const t of tests) failed.push(`${name} › ${t.fullName}`);
          else if (file.status === 'failed') failed.push(`${name} (${(file.message || 'file failed').split('\n')[0]})`);
        }
      } catch {
        /* no report: vitest itself failed; the code says so */
      }
      if (code !== 0 && failed.length === 0) failed = [`vitest exited with ${code} (see its output above)`];
      resolve({ n, code, seconds: (Date.now() - started) / 1000, failed });
    });
  });
}

const results = [];
for (let n = 1; n <= times; n++) {
  process.stderr.write(`\ntest:repeat: run ${n} of ${times}: vitest run ${rest.join(' ')}\n`);
  const r = await once(n);
  results.push(r);
  process.stderr.write(`test:repeat: run ${n} ${r.code === 0 ? 'passed' : 'FAILED'} in ${r.seconds.toFixed(1)} s\n`);
}
rmSync(out, { recursive: true, force: true });

const bad = results.filter((r) => r.code !== 0);
const lines = results.map((r) => `  run ${r.n}: ${r.code === 0 ? 'passed' : 'FAILED'} ${r.seconds.toFixed(1)} s${r.failed.map((f) => `\n      ${f}`).join('')}`);
process.stderr.write(`\ntest:repeat: ${times - bad.length} of ${times} runs passed\n${lines.join('\n')}\n`);
process.exit(bad.length ? 1 : 0);
