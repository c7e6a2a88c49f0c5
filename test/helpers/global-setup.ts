// vitest globalSetup: one run folder per `vitest run`, marked in the environment every test process inherits;
// at the end, anything of the run still alive is killed by pid and the run fails, naming it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLeftovers, killLeftovers, leftoversOfRun, RUN_DIR_ENV, settle, trackedOf, type ProcInfo } from './processes.ts';

// With test projects (vitest.config.ts) vitest calls this once for the root and once per project, in one
// process: the first call owns the run, the others share it.
const OWNER = Symbol.for('assay.test.runOwner');
const g = globalThis as { [OWNER]?: string };

export default function setup(): () => Promise<void> {
  if (g[OWNER]) return async () => {};
  const runDir = mkdtempSync(join(tmpdir(), 'assay-run-'));
  g[OWNER] = runDir;
  process.env[RUN_DIR_ENV] = runDir;
  return async () => {
    delete g[OWNER];
    // vitest itself and its workers (still closing when this runs) carry the marker too; they are not leftovers.
    const self = (p: ProcInfo) => p.pid === process.pid || p.ppid === process.pid;
    const left = () => leftoversOfRun(runDir, self);
    try {
      if (await settle(left)) return;
      const killed = await killLeftovers(left(), trackedOf(runDir));
      process.exitCode = 1;
      throw new Error(describeLeftovers('The test run', killed));
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  };
}
