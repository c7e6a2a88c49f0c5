// vitest setupFiles: after each test file, nothing it started may still run. Its own afterAll hooks have
// run by now (hooks run in stack order, and this one is registered first); what is left is killed by pid
// and the file fails, naming the processes.
import { afterAll } from 'vitest';
import { descendantsOf, describeLeftovers, isAlive, killLeftovers, procInfo, RUN_DIR_ENV, settle, trackedOf, type ProcInfo } from './processes.ts';

afterAll(async () => {
  const runDir = process.env[RUN_DIR_ENV] ?? '';
  const mine = (): ProcInfo[] => {
    // Our children and theirs (servers, CLIs, Chromium), except esbuild's service, which is vitest's own…
    const found = descendantsOf(process.pid).filter((p) => !/\besbuild\b/.test(p.cmdline));
    // …and daemons we started that are no longer our descendants (pg_ctl detaches PostgreSQL).
    for (const t of trackedOf(runDir)) {
      if (t.by !== process.pid || !isAlive(t.pid, t.starttime) || found.some((p) => p.pid === t.pid)) continue;
      const p = procInfo(t.pid);
      if (p) found.push(p);
    }
    return found;
  };
  if (await settle(mine)) return;
  const left = await killLeftovers(mine(), trackedOf(runDir));
  throw new Error(describeLeftovers('This test file', left));
});
