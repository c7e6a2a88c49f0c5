// Shared pieces of the benchmarks: sizes, progress, percentiles, processes, memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_DIR = join(ROOT, 'bench');

/** `full` is what BENCHMARKS.md holds; `tiny` is the smoke test's (seconds, not minutes). */
export type Size = 'full' | 'tiny';

export interface BenchOptions {
  size: Size;
}

/** One figure of a benchmark, with its goal when the issue states one. */
export interface Figure {
  /** Stable key, e.g. `api.packages.ratio`. */
  key: string;
  label: string;
  value: number | null;
  unit: string;
  /** Human-readable text when `value` is not a plain number (or null = not available). */
  text?: string;
  goal?: { op: '<=' | '>='; value: number; text: string };
}

export interface BenchResult {
  name: string;
  title: string;
  ranAt: string;
  size: Size;
  seconds: number;
  /** Markdown body: tables and notes. */
  body: string;
  figures: Figure[];
  /** Set when the benchmark could not run here; the body says why. */
  unavailable?: string;
  /** 1-minute load average before and after (other work on the machine skews every figure). */
  load?: [number, number];
  /** Markdown shown under “Where a goal is missed” while one of this result's goals is missed: the profile taken then. */
  missProfile?: string;
}

export const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export const median = (samples: number[]) => percentile(samples, 50);

export function fmt(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || Number.isNaN(n)) return 'n/a';
  if (Math.abs(n) >= 1000 || Number.isInteger(n)) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits);
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function goalMet(f: Figure): boolean | null {
  if (!f.goal || f.value === null || Number.isNaN(f.value)) return null;
  return f.goal.op === '<=' ? f.value <= f.goal.value : f.value >= f.goal.value;
}

/** Markdown table from a header row and data rows. */
export function table(head: string[], rows: (string | number)[][]): string {
  const esc = (c: string | number) => String(c).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${head.map(esc).join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function machine() {
  let osName = `${process.platform} ${process.arch}`;
  try {
    const rel = readFileSync('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(rel);
    if (m) osName = `${m[1]} (${process.arch})`;
  } catch {
    /* not Linux */
  }
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
    os: osName,
  };
}

/** Resident set size of a process in bytes (Linux /proc), current and peak (VmHWM). */
export function rssOf(pid: number): { rss: number; peak: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kbOf = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN) * 1024;
    return { rss: kbOf('VmRSS'), peak: kbOf('VmHWM') };
  } catch {
    return null;
  }
}

/** Node flags every TypeScript child of the benchmarks runs with: the same for the real and the bare server. */
export const TSX_FLAGS = ['--import', 'tsx'];

export interface Child {
  child: ChildProcess;
  url: string;
  port: number;
  logs: string[];
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** Starts `node --import tsx <script>` with PORT=0 and waits for its JSON "listening" line. */
export async function startListening(script: string, env: Record<string, string>, extraNodeArgs: string[] = []): Promise<Child> {
  // Compiled JavaScript (dist/server/main.js, as `npm start` runs it) needs no TypeScript loader.
  const child = spawn(process.execPath, [...extraNodeArgs, ...(/\.m?js$/.test(script) ? [] : TSX_FLAGS), script], {
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>), PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  child.stderr!.on('data', (d) => logs.push(String(d)));
  const info = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 30 s:\n${logs.join('')}`)), 30_000);
    child.stdout!.on('data', (d) => {
      buf += String(d);
      const line = buf.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; port: number });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${logs.join('')}`));
    });
  });
  const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  return {
    child,
    url: info.url,
    port: info.port,
    logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The widget build the benchmarks read and serve (dist/), built when missing. */
export async function ensureBuilt(): Promise<{ built: boolean }> {
  const manifest = join(ROOT, 'dist/widget/.vite/manifest.json');
  if (existsSync(manifest) && existsSync(join(ROOT, 'dist/embed/embed.js')) && existsSync(join(ROOT, 'dist/server/main.js'))) return { built: false };
  log('dist/ is missing: running npm run build');
  await new Promise<void>((resolve, reject) => {
    const p = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited with ${code}`))));
  });
  return { built: true };
}
