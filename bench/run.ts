// `npm run bench [-- <name>…]`: runs the benchmarks and writes BENCHMARKS.md (or $BENCH_OUT).
// BENCH_SIZE=tiny runs each at a smoke-test size; BENCH_PROFILE=always|never|auto (default auto:
// profile the server when a throughput goal is missed).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { log, machine, ROOT, type BenchOptions, type BenchResult, type Size } from './lib/common.ts';
import { ORDER, readPrevious, render, TITLES, type BenchName, type MachineInfo } from './lib/report.ts';
import { runApiAndMemory } from './api.ts';
import { runMiddleware } from './middleware.ts';
import { runIngest } from './ingest.ts';
import { runStorage } from './storage.ts';
import { runWeight } from './weight.ts';
import { runBrowser } from './browser.ts';
import { runScale } from './scale.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = args.filter((a) => !(ORDER as readonly string[]).includes(a));
if (unknown.length) {
  process.stderr.write(`bench: unknown benchmark ${unknown.map((u) => `"${u}"`).join(', ')}; choose from ${ORDER.join(', ')}.\n`);
  process.exit(2);
}
const size = (process.env.BENCH_SIZE === 'tiny' ? 'tiny' : 'full') as Size;
const out = process.env.BENCH_OUT || join(ROOT, 'BENCHMARKS.md');
const profile = (['always', 'never', 'auto'].includes(process.env.BENCH_PROFILE ?? '') ? process.env.BENCH_PROFILE : 'auto') as 'always' | 'never' | 'auto';
// `scale` needs PostgreSQL and several processes: it runs only when asked for (`npm run bench -- scale`).
const wanted = new Set<BenchName>(args.length ? (args as BenchName[]) : ORDER.filter((n) => n !== 'scale'));
// The API load run produces the memory figures too.
if (wanted.has('memory')) wanted.add('api');
if (wanted.has('api')) wanted.add('memory');

const opts: BenchOptions = { size };
const all = readPrevious(out);
const base: MachineInfo = machine();
let failed = 0;
const started = Date.now();

let loadBefore = 0;
function store(results: BenchResult[], extra: Partial<MachineInfo> = {}) {
  for (const r of results) all.set(r.name, { result: { ...r, load: [loadBefore, loadavg()[0]!] }, machine: { ...base, ...extra } });
  writeFileSync(out, render(all));
}

function failure(name: BenchName, err: unknown): BenchResult {
  failed++;
  const msg = (err as Error)?.message?.split('\n')[0] ?? String(err);
  log(`${name} FAILED: ${(err as Error)?.stack ?? err}`);
  return { name, title: TITLES[name], ranAt: new Date().toISOString(), size, seconds: 0, body: `The benchmark failed: ${msg}`, figures: [], unavailable: `failed: ${msg}` };
}

log(`running ${[...wanted].join(', ')} at ${size} size → ${out}`);
for (const name of ORDER) {
  if (!wanted.has(name) || name === 'memory') continue;
  const t = Date.now();
  loadBefore = loadavg()[0]!;
  log(`── ${TITLES[name]} (load average ${loadBefore.toFixed(1)})`);
  try {
    if (name === 'api') store(await runApiAndMemory({ ...opts, profile }));
    else if (name === 'middleware') store([await runMiddleware(opts)]);
    else if (name === 'ingest') store([await runIngest({ ...opts, profile })]);
    else if (name === 'storage') store([await runStorage(opts)]);
    else if (name === 'weight') store([await runWeight(opts)]);
    else if (name === 'scale') store([await runScale(opts)]);
    else if (name === 'browser') {
      const { result, chromium } = await runBrowser(opts);
      store([result], { chromium });
    }
  } catch (err) {
    store(name === 'api' ? [failure('api', err), failure('memory', err)] : [failure(name, err)]);
  }
  log(`${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
}
log(`all done in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote ${out}`);
process.exit(failed ? 1 : 0);
