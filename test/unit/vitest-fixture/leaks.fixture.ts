// Leaks two processes the way careless tests do; their pids go to $LEAK_PIDS_FILE for the checking test.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const kinds = (process.env.LEAK_KINDS ?? 'child,daemon').split(',');

it.runIf(kinds.includes('child'))('starts a child and forgets it', () => {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  appendFileSync(process.env.LEAK_PIDS_FILE!, `child ${child.pid}\n`);
  expect(child.pid).toBeGreaterThan(0);
});

it.runIf(kinds.includes('daemon'))('starts a daemon (no longer our child) and forgets it', () => {
  // The shell exits at once; its background sleep is re-parented, as pg_ctl's PostgreSQL is.
  const r = spawnSync('sh', ['-c', 'sleep 600 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' });
  appendFileSync(process.env.LEAK_PIDS_FILE!, `daemon ${r.stdout.trim()}\n`);
  expect(Number(r.stdout)).toBeGreaterThan(0);
});
