// Nothing a test run starts outlives it: a run that leaks (test/unit/vitest-fixture/leaks.fixture.ts) fails, names what it
// left, and has it killed — both a child the file forgot and a daemon that is no longer anyone's child.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { isAlive, procInfo, processesOfRun, RUN_DIR_ENV } from '../helpers/processes.ts';
import { ROOT } from '../helpers/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'assay-leak-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the leaking fixture in its own vitest; returns its exit code, output and the pids it leaked. */
async function leakyRun(kinds: string): Promise<{ code: number | null; out: string; pids: Record<string, number> }> {
  const pidsFile = join(dir, `pids-${kinds}`);
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'leaks', '--config', 'test/unit/vitest-fixture/vitest.config.ts'], {
      cwd: ROOT,
      env: { ...process.env, LEAK_PIDS_FILE: pidsFile, LEAK_KINDS: kinds, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d) => (text += String(d)));
    child.stderr.on('data', (d) => (text += String(d)));
    child.once('close', (c) => resolve({ code: c, out: text }));
  });
  const pids = Object.fromEntries(
    readFileSync(pidsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([k, v]) => [k!, Number(v)]),
  );
  return { code, out, pids };
}

/** In case the check under test failed to: never leave the fixture's sleeps behind ourselves. */
function cleanUp(pids: Record<string, number>) {
  for (const pid of Object.values(pids)) if (procInfo(pid)?.cmdline === 'sleep 600') process.kill(pid, 'SIGKILL');
}

const leftLine = (who: string, pid: number) => new RegExp(`${who} left 1 process\\(es\\) running; killed them now:\\n\\s+pid ${pid} \\[untracked\\] sleep 600`);

it('a file that forgets its child fails, naming it; the run kills a daemon nobody is parent of and fails', { timeout: 180_000 }, async () => {
  const run = await leakyRun('child,daemon');
  try {
    expect(run.code, run.out).not.toBe(0);
    expect(run.out).toMatch(leftLine('This test file', run.pids.child!));
    expect(run.out).toMatch(leftLine('The test run', run.pids.daemon!));
    expect(isAlive(run.pids.child!)).toBe(false);
    expect(isAlive(run.pids.daemon!)).toBe(false);
  } finally {
    cleanUp(run.pids);
  }
});

it('the teardown alone fails a run whose tests all passed', { timeout: 180_000 }, async () => {
  const run = await leakyRun('daemon');
  try {
    expect(run.out).toMatch(/Tests\s+1 passed/);
    expect(run.out).toMatch(leftLine('The test run', run.pids.daemon!));
    expect(run.code, run.out).toBe(1);
    expect(isAlive(run.pids.daemon!)).toBe(false);
  } finally {
    cleanUp(run.pids);
  }
});

it('this run is marked, so its leftovers can be found: this process carries the marker', () => {
  const runDir = process.env[RUN_DIR_ENV];
  expect(runDir).toMatch(/assay-run-/);
  expect(processesOfRun(runDir!).map((p) => p.pid)).toContain(process.pid);
});
