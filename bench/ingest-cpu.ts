// Server CPU per acknowledged Kombo webhook, the figure issue 19's ingest work is judged by on a shared machine
// (requests/s moves with the neighbours' load; CPU per webhook hardly does). Runs only the 200/s ingest of
// bench/ingest.ts against the compiled server (`npm run build` first: dist/server), RUNS times, each on a fresh
// server and data folder; prints per run the CPU per webhook during the step, the CPU per webhook until the
// server is idle again (the outbox's invitation e-mails included, so deferring work out of the step shows),
// and the median of each. With --servers a.js,b.js (compiled servers, e.g. `npx tsx scripts/build-server.ts`
// into dist/server-before), the runs alternate between them, so a change is measured before and after under
// the same load. On a starved machine the open-loop rate piles webhooks up into large batches, which moves CPU
// per webhook; --closed N (N connections, each sending when answered) keeps the concurrency, so the batches, the
// same whatever the neighbours do. With --profile, one more run under --cpu-prof: the top functions by self and
// inclusive time and the store's statements and units of work per webhook (ASSAY_STORE_STATS).
//
//   nice -n 19 npx tsx bench/ingest-cpu.ts [--runs 3] [--rate 200] [--seconds 10] [--servers a.js,b.js] [--closed 16] [--profile [--keep file.cpuprofile]]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startAssay } from './lib/assay.ts';
import { median, ROOT, sleep } from './lib/common.ts';
import { cpuMsOf } from './lib/cpu.ts';
import { runLoad } from './lib/load.ts';
import { profileIngest } from './ingest.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
    servers: { type: 'string' },
    /** Closed loop instead of the rate: this many connections, each sending its next webhook when answered. */
    closed: { type: 'string' },
    /** Where to keep the profiled run's .cpuprofile (for Chrome DevTools or a closer look). */
    keep: { type: 'string' },
  },
});
const RUNS = Number(args.runs);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const CLOSED = args.closed ? Number(args.closed) : null;
const FIXTURE = join(ROOT, 'test/fixtures/kombo/assessment-order-received.json');
const PACKAGE_ID = 'work-style';

const out = (s: string) => process.stdout.write(`${s}\n`);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

/** Waits until the process used under 2 % of a core over 500 ms (its outbox drained), at most 60 s. */
async function idle(pid: number): Promise<void> {
  const until = Date.now() + 60_000;
  let last = cpuMsOf(pid) ?? 0;
  while (Date.now() < until) {
    await sleep(500);
    const now = cpuMsOf(pid) ?? 0;
    if (now - last <= 10) return;
    last = now;
  }
}

const { startSimulator } = await import('../test/simulators/kombo/index.ts');
const kombo = await startSimulator();
const c = kombo.credentials;
const template = JSON.parse(readFileSync(FIXTURE, 'utf8'));
try {
  // Each server: a compiled main.js, optionally with node flags after a `|` (e.g. `dist/server/main.js|--max-semi-space-size=16`).
  const servers: { script?: string; nodeArgs: string[]; name: string }[] = args.servers
    ? args.servers.split(',').map((spec) => {
        const [file, ...flags] = spec.split('|');
        return { script: resolve(file!), nodeArgs: flags, name: [relative(ROOT, resolve(file!)), ...flags].join(' ') };
      })
    : [{ nodeArgs: [], name: 'dist/server/main.js' }];
  const step = servers.map(() => [] as number[]);
  const drained = servers.map(() => [] as number[]);
  const nameOf = (i: number) => servers[i]!.name;
  for (let run = 0; run < RUNS; run++) {
    for (const [si, { script, nodeArgs }] of servers.entries()) {
      const server = await startAssay({ ...(script ? { script } : {}), nodeArgs });
      const work = mkdtempSync(join(tmpdir(), 'assay-ingest-cpu-'));
      try {
        const cli = spawnSync(
          process.execPath,
          [join(ROOT, 'bin/assay.mjs'), 'connections:add', '--account', 'demo', '--provider', 'kombo', '--set', `api_key=${c.api_key}`, '--set', `integration_id=${c.integration_id}`, '--set', `webhook_secret=${c.webhook_secret}`, '--set', `base_url=${c.base_url}`, '--json'],
          { cwd: ROOT, env: { ...process.env, DATA_DIR: server.dataDir, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 60_000 },
        );
        if (cli.status !== 0) throw new Error(`connections:add failed: ${cli.stderr}`);
        const path = `/webhooks/kombo/${(JSON.parse(cli.stdout) as { connection_id: string }).connection_id}`;
        const mode = (prefix: string, ackFile: string) => ({ kind: 'kombo' as const, path, secret: c.webhook_secret!, template, integrationId: c.integration_id!, packageId: PACKAGE_ID, ackFile, idPrefix: prefix });
        // Warm-up as bench/ingest.ts does it: 3 s at 20/s, then the server goes idle.
        await runLoad({ url: server.url, connections: 64, durationS: 3, rate: 20, mode: mode('w-', join(work, 'w.txt')) });
        const pid = server.child.pid!;
        await idle(pid);
        const cpu0 = cpuMsOf(pid)!;
        const r = await runLoad({ url: server.url, connections: CLOSED ?? 64, durationS: SECONDS, ...(CLOSED ? {} : { rate: RATE }), mode: mode('m-', join(work, 'm.txt')) });
        const cpu1 = cpuMsOf(pid)!;
        await idle(pid);
        const cpu2 = cpuMsOf(pid)!;
        const bad = r.non2xx + r.errors + r.timeouts;
        const a = ((cpu1 - cpu0) * 1000) / r.ok;
        const b = ((cpu2 - cpu0) * 1000) / r.ok;
        step[si]!.push(a);
        drained[si]!.push(b);
        out(`run ${run + 1} ${nameOf(si)}: ${r.ok} acknowledged (${bad} not), p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; CPU per webhook ${a.toFixed(0)} µs during the step, ${b.toFixed(0)} µs until idle (load ${loadavg()})`);
      } finally {
        await server.close().catch(() => undefined);
        rmSync(work, { recursive: true, force: true });
      }
    }
  }
  if (RUNS) {
    for (const si of servers.keys()) out(`median CPU per webhook of ${nameOf(si)} over ${RUNS} runs ${CLOSED ? `closed loop, ${CLOSED} connections` : `at ${RATE}/s`}: ${median(step[si]!).toFixed(0)} µs during the step, ${median(drained[si]!).toFixed(0)} µs until idle`);
  }

  if (args.profile) {
    const p = await profileIngest(c, template, RATE, SECONDS, args.keep);
    const s = p.summary;
    out(`\nprofile at ${RATE}/s for ${SECONDS} s: ${(s.totalMs / 1000).toFixed(1)} s, ${s.idlePct.toFixed(0)} % idle`);
    out('self:');
    for (const f of s.byFunction) out(`  ${f.ms.toFixed(0).padStart(6)} ms ${f.pct.toFixed(1).padStart(5)} %  ${f.name}`);
    out('inclusive:');
    for (const f of s.inclusive) out(`  ${f.ms.toFixed(0).padStart(6)} ms ${f.pct.toFixed(1).padStart(5)} %  ${f.name}`);
    out('modules:');
    for (const f of s.byModule) out(`  ${f.ms.toFixed(0).padStart(6)} ms ${f.pct.toFixed(1).padStart(5)} %  ${f.name}`);
    if (p.stats) {
      out(`store: ${p.stats.statements} statements, ${p.stats.units} units, ${p.stats.commits} commits`);
      for (const [sql, n] of p.stats.top.slice(0, 30)) out(`  ${String(n).padStart(6)}  ${sql}`);
    }
  }
} finally {
  await kombo.close();
}
