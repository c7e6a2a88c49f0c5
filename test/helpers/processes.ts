// Every process a test run starts, and how to find and stop what is left of them.
//
// The global setup (test/helpers/global-setup.ts) makes a run folder and puts its path in the environment
// as ASSAY_TEST_RUN_DIR; every process started under the run inherits that variable, so a process carrying
// this run's value in /proc/<pid>/environ belongs to the run, however it was started (server, CLI, Chromium
// and its helpers, PostgreSQL started through runuser and pg_ctl). Helpers that start long-lived processes
// also record them (`track`) in <run folder>/pids.jsonl, which names them in the report of what was left.
// Linux only (it reads /proc), as the rest of the test set-up is.
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUN_DIR_ENV = 'ASSAY_TEST_RUN_DIR';

export interface ProcInfo {
  pid: number;
  ppid: number;
  state: string;
  /** Clock ticks after boot: with the pid, identifies one process even if the pid is reused later. */
  starttime: number;
  cmdline: string;
}

export interface Tracked {
  pid: number;
  starttime: number;
  label: string;
  /** The worker (test file's process) that started it. */
  by: number;
}

/** One process from /proc, or null when it is gone. */
export function procInfo(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      /* raced with its exit */
    }
    return { pid, state: rest[0]!, ppid: Number(rest[1]), starttime: Number(rest[19]), cmdline };
  } catch {
    return null;
  }
}

/** Alive means it exists and is not a zombie waiting to be reaped (a zombie holds no resources). */
export function isAlive(pid: number, starttime?: number): boolean {
  const p = procInfo(pid);
  return !!p && p.state !== 'Z' && (starttime === undefined || p.starttime === starttime);
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/** Live processes whose environment carries this run's marker. */
export function processesOfRun(runDir: string): ProcInfo[] {
  const marker = `${RUN_DIR_ENV}=${runDir}`;
  const found: ProcInfo[] = [];
  for (const pid of allPids()) {
    let env: string;
    try {
      env = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // gone, or a kernel thread
    }
    if (!env.split('\0').includes(marker)) continue;
    const p = procInfo(pid);
    if (p && p.state !== 'Z') found.push(p);
  }
  return found;
}

/** Live descendants of `root` (children, their children, …), read from the process table. */
export function descendantsOf(root: number): ProcInfo[] {
  const byParent = new Map<number, ProcInfo[]>();
  for (const pid of allPids()) {
    const p = procInfo(pid);
    if (!p) continue;
    byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  }
  const out: ProcInfo[] = [];
  const walk = (pid: number) => {
    for (const c of byParent.get(pid) ?? []) {
      if (c.state !== 'Z') out.push(c);
      walk(c.pid);
    }
  };
  walk(root);
  return out;
}

/** Records a long-lived process this run started, so a leftover can be named. No-op outside a test run. */
export function track(pid: number | undefined, label: string): void {
  const runDir = process.env[RUN_DIR_ENV];
  if (!runDir || !pid) return;
  const p = procInfo(pid);
  if (!p) return;
  const entry: Tracked = { pid, starttime: p.starttime, label, by: process.pid };
  appendFileSync(join(runDir, 'pids.jsonl'), `${JSON.stringify(entry)}\n`);
}

export function trackedOf(runDir: string): Tracked[] {
  if (!runDir) return [];
  let text = '';
  try {
    text = readFileSync(join(runDir, 'pids.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Tracked);
}

/** Polls until `done()` holds or `ms` pass; returns whether it held. */
async function waitFor(done: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

export interface Leftover {
  pid: number;
  label: string;
  cmdline: string;
}

/**
 * Kills the given processes (SIGKILL, by pid, each checked to still be the same process) and waits,
 * bounded, until they are gone. Returns what it found, named from the tracked list where possible.
 */
export async function killLeftovers(found: ProcInfo[], tracked: Tracked[], graceMs = 10_000): Promise<Leftover[]> {
  const label = (p: ProcInfo) => tracked.find((t) => t.pid === p.pid && t.starttime === p.starttime)?.label ?? 'untracked';
  for (const p of found) {
    if (!isAlive(p.pid, p.starttime)) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  await waitFor(() => found.every((p) => !isAlive(p.pid, p.starttime)), graceMs);
  return found.map((p) => ({ pid: p.pid, label: label(p), cmdline: p.cmdline.slice(0, 300) }));
}

/**
 * What a run left behind: processes carrying its marker plus tracked ones still alive, minus `exclude`
 * (the vitest process and its workers, which are still shutting down when the global teardown runs).
 */
export function leftoversOfRun(runDir: string, exclude: (p: ProcInfo) => boolean): ProcInfo[] {
  const seen = new Map<number, ProcInfo>();
  for (const p of processesOfRun(runDir)) if (!exclude(p)) seen.set(p.pid, p);
  for (const t of trackedOf(runDir)) {
    const p = procInfo(t.pid);
    if (p && p.state !== 'Z' && p.starttime === t.starttime && !exclude(p)) seen.set(p.pid, p);
  }
  return [...seen.values()];
}

export function describeLeftovers(what: string, left: Leftover[]): string {
  return `${what} left ${left.length} process(es) running; killed them now:\n${left.map((l) => `  pid ${l.pid} [${l.label}] ${l.cmdline}`).join('\n')}`;
}

/** Waits (bounded) for processes that are on their way out, so a clean stop is not reported as a leak. */
export function settle(list: () => ProcInfo[], ms = 5_000): Promise<boolean> {
  return waitFor(() => list().length === 0, ms);
}
