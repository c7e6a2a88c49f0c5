// Inclusive time per function + callers of selected functions.
import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const nodes = new Map<number, any>(p.nodes.map((n: any) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
p.samples.forEach((s: number, i: number) => self.set(s, (self.get(s) ?? 0) + p.timeDeltas[i] / 1000));
const label = (n: any) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*\/work\/main\//, '').replace(/.*node_modules\//, 'nm:')}:${n.callFrame.lineNumber + 1}`;
const incl = new Map<string, number>();
for (const [id, ms] of self) {
  const seen = new Set<string>();
  let cur: number | undefined = id;
  while (cur !== undefined) {
    const l = label(nodes.get(cur));
    if (!seen.has(l)) { incl.set(l, (incl.get(l) ?? 0) + ms); seen.add(l); }
    cur = parent.get(cur);
  }
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self].filter(([id]) => nodes.get(id).callFrame.functionName === '(idle)').reduce((a, [, m]) => a + m, 0);
console.log('total', total.toFixed(0), 'idle', idle.toFixed(0));
const filt = process.argv[3] ? new RegExp(process.argv[3]) : /server\/|nm:hono|nm:jose|nm:better|nm:valibot|nm:@hono/;
for (const [l, ms] of [...incl].sort((a, b) => b[1] - a[1]).filter(([l]) => filt.test(l)).slice(0, 45)) console.log(ms.toFixed(0).padStart(6), (ms / (total - idle) * 100).toFixed(1).padStart(5) + '%', l);
