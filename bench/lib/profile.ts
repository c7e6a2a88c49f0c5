// Summarises a V8 .cpuprofile (node --cpu-prof) into where the time went: by module and by function.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, table } from './common.ts';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  idlePct: number;
  byModule: { name: string; ms: number; pct: number }[];
  byFunction: { name: string; ms: number; pct: number }[];
  /** Time with the function anywhere on the stack (counted once per sample, recursion included). */
  inclusive: { name: string; ms: number; pct: number }[];
}

function moduleOf(url: string, fn: string): string {
  if (!url) return fn === '(garbage collector)' ? '(gc)' : fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return url.split('/')[0]!.replace(/^node:internal.*/, 'node:internal');
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const rel = relative(ROOT, path);
  const parts = rel.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : rel;
}

export function summarise(file: string, top = 12): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const totalMs = (p.endTime - p.startTime) / 1000;
  const mods = new Map<string, number>();
  const fns = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: Node) => {
    const fn = n.callFrame.functionName || '(anonymous)';
    const mod = moduleOf(n.callFrame.url, fn);
    return `${fn} (${n.callFrame.url ? `${mod}:${n.callFrame.lineNumber + 1}` : mod})`;
  };
  const incl = new Map<string, number>();
  let idle = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const fn = n.callFrame.functionName || '(anonymous)';
    if (fn !== '(idle)' && fn !== '(program)') {
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const a = byId.get(at)!;
        if (a.callFrame.functionName === '(root)') break;
        const k = keyOf(a);
        if (seen.has(k)) continue;
        seen.add(k);
        incl.set(k, (incl.get(k) ?? 0) + ms);
      }
    }
    if (fn === '(idle)' || fn === '(program)') {
      if (fn === '(idle)') idle += ms;
      else mods.set('(program)', (mods.get('(program)') ?? 0) + ms);
      continue;
    }
    const mod = moduleOf(n.callFrame.url, fn);
    mods.set(mod, (mods.get(mod) ?? 0) + ms);
    const where = n.callFrame.url ? `${mod}:${n.callFrame.lineNumber + 1}` : mod;
    const key = `${fn} (${where})`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
  }
  const busy = totalMs - idle;
  const rank = (m: Map<string, number>, n = top) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms, pct: (ms / busy) * 100 }));
  return { totalMs, idlePct: (idle / totalMs) * 100, byModule: rank(mods), byFunction: rank(fns), inclusive: rank(incl, top * 2) };
}

/** The main thread's profile (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0); with
 * `--import tsx` the module-loader thread writes one too. */
export function latestProfile(dir: string): string | null {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  const main = files.filter((f) => f.split('.')[4] === '0');
  const pick = (main.length ? main : files).at(-1);
  return pick ? join(dir, pick) : null;
}

export function profileMarkdown(s: ProfileSummary, heading: string, note = '', withInclusive = false): string {
  return [
    `<details><summary>${heading}: CPU profile of the server (${(s.totalMs / 1000).toFixed(1)} s, ${s.idlePct.toFixed(0)} % idle; share of busy time)</summary>`,
    '',
    ...(note ? [note.trim(), ''] : []),
    table(['module', 'self time', 'share'], s.byModule.map((m) => [m.name, `${m.ms.toFixed(0)} ms`, `${m.pct.toFixed(1)} %`])),
    '',
    table(['function', 'self time', 'share'], s.byFunction.map((m) => [m.name, `${m.ms.toFixed(0)} ms`, `${m.pct.toFixed(1)} %`])),
    '',
    ...(withInclusive ? [table(['function (with what it calls)', 'inclusive time', 'share'], s.inclusive.map((m) => [m.name, `${m.ms.toFixed(0)} ms`, `${m.pct.toFixed(1)} %`])), ''] : []),
    '</details>',
  ].join('\n');
}
