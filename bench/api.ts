// 1. Widget API under load versus a bare Hono hello-world, and 6. server memory idle and under load.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAssay, call, mintContext, openSession, person, type Assay } from './lib/assay.ts';
import { BENCH_DIR, fmt, log, mb, median, percentile, rssOf, sleep, startListening, table, type BenchOptions, type BenchResult, type Figure } from './lib/common.ts';
import { runLoad, type LoadResult, type LoadSpec } from './lib/load.ts';
import { latestProfile, profileMarkdown, summarise } from './lib/profile.ts';
import { cpuMsOf } from './lib/cpu.ts';

/** Issue 19: GET /api/packages at ≥ 50 % of the bare server's requests/s, GET /api/orders at ≥ 25 % (what a
 * minimal Hono + HMAC session + indexed query reaches); minting a session has no goal of its own. */
const GOALS: Record<string, number | undefined> = { packages: 0.5, orders: 0.25 };
const goalText = (g: number) => `≥ ${Math.round(g * 100)} % of bare`;
const osLoad = () => loadavg()[0]!;
const RSS_GOAL = 120 * 1024 * 1024;
/** Every request comes from 127.0.0.1: lift the per-address session limit (the limiter still runs). */
const SESSION_ENV = { ASSAY_SESSION_RATE_PER_MIN: '1000000000' };

interface Target {
  key: 'session' | 'packages' | 'orders';
  label: string;
  spec: (url: string) => LoadSpec['mode'];
}

/** A session with a few orders on its application, so GET /api/orders lists real rows. */
async function arrange(server: Assay) {
  const context = await mintContext(server.demo, person('load'));
  const token = await openSession(server.url, context);
  const { packages } = await call<{ packages: { id: string }[] }>(server.url, token, 'GET', '/api/packages');
  for (const p of packages.slice(0, 3)) await call(server.url, token, 'POST', '/api/orders', { package_id: p.id });
  const { orders } = await call<{ orders: unknown[] }>(server.url, token, 'GET', '/api/orders');
  // A context for session minting: valid for the whole run (API.md allows up to 15 minutes).
  const mintable = await mintContext(server.demo, person('mint'), 900);
  return { token, mintable, packages: packages.length, orders: orders.length };
}

function targets(token: string, mintable: string): Target[] {
  const auth = { authorization: `Bearer ${token}` };
  return [
    { key: 'session', label: 'POST /api/session (mint a session from a context token)', spec: () => ({ kind: 'session', path: '/api/session', context: mintable }) },
    { key: 'packages', label: 'GET /api/packages', spec: () => ({ kind: 'plain', path: '/api/packages', headers: auth }) },
    { key: 'orders', label: 'GET /api/orders', spec: () => ({ kind: 'plain', path: '/api/orders', headers: auth }) },
  ];
}

export async function runApiAndMemory(opts: BenchOptions & { profile?: 'auto' | 'always' | 'never' }): Promise<BenchResult[]> {
  const t0 = Date.now();
  const tiny = opts.size === 'tiny';
  const connections = tiny ? 2 : 10;
  const rounds = tiny ? 1 : 3;
  const durationS = tiny ? 1 : 4;
  const warmupS = tiny ? 0 : 1;
  const cpu = new Map<string, { ms: number; requests: number }>();
  /** Warm-up, then the measured run with the server's CPU time (user + system) taken around it. */
  const load = async (key: string, pid: number, url: string, mode: LoadSpec['mode']) => {
    if (warmupS) await runLoad({ url, connections, durationS: warmupS, mode });
    const before = cpuMsOf(pid);
    const r = await runLoad({ url, connections, durationS, mode, samples: true });
    const after = cpuMsOf(pid);
    if (before !== null && after !== null) {
      const c = cpu.get(key) ?? { ms: 0, requests: 0 };
      cpu.set(key, { ms: c.ms + after - before, requests: c.requests + r.ok + r.non2xx });
    }
    return r;
  };

  log(`api: starting the real server and a bare Hono server (${connections} connections; ${rounds} interleaved rounds of ${warmupS} s warm-up + ${durationS} s per target)`);
  const [bare, server] = await Promise.all([startListening(join(BENCH_DIR, 'bare-server.ts'), {}), startAssay({ env: SESSION_ENV })]);
  const runs = new Map<string, LoadResult[]>();
  const ratios = new Map<string, number[]>();
  let idle: ReturnType<typeof rssOf>;
  let bareIdle: ReturnType<typeof rssOf>;
  let endOfLoad: ReturnType<typeof rssOf>;
  let bareEnd: ReturnType<typeof rssOf>;
  let maxDuring = 0;
  let setup: Awaited<ReturnType<typeof arrange>>;
  const loadAvg = [osLoad()];
  try {
    setup = await arrange(server);
    await sleep(tiny ? 200 : 3000);
    idle = rssOf(server.child.pid!);
    bareIdle = rssOf(bare.child.pid!);
    const list = targets(setup.token, setup.mintable);
    // Interleaved rounds (bare, then each endpoint), so a noisy neighbour hits every target alike;
    // each endpoint's share is taken against the bare figure of its own round.
    for (let round = 1; round <= rounds; round++) {
      log(`api: round ${round}/${rounds}: bare Hono hello-world`);
      const b = await load('bare', bare.child.pid!, bare.url, { kind: 'plain', path: '/' });
      runs.set('bare', [...(runs.get('bare') ?? []), b]);
      for (const t of list) {
        log(`api: round ${round}/${rounds}: ${t.label}`);
        const sampler = setInterval(() => (maxDuring = Math.max(maxDuring, rssOf(server.child.pid!)?.rss ?? 0)), 250);
        try {
          const r = await load(t.key, server.child.pid!, server.url, t.spec(server.url));
          runs.set(t.key, [...(runs.get(t.key) ?? []), r]);
          ratios.set(t.key, [...(ratios.get(t.key) ?? []), r.rps / b.rps]);
        } finally {
          clearInterval(sampler);
        }
      }
    }
    endOfLoad = rssOf(server.child.pid!);
    bareEnd = rssOf(bare.child.pid!);
    loadAvg.push(osLoad());
  } finally {
    await Promise.all([bare.stop(), server.close()]);
  }
  const labels: Record<string, string> = { bare: 'bare Hono hello-world, GET /', ...Object.fromEntries(targets('', '').map((t) => [t.key, t.label])) };
  const cpuPerRequest = (key: string) => {
    const c = cpu.get(key);
    return c && c.requests > 0 ? (c.ms * 1000) / c.requests : NaN; // µs
  };
  const rows = [...runs.entries()].map(([key, rs]) => {
    const pooled = rs.flatMap((r) => r.samples ?? []);
    return {
      cpuUs: cpuPerRequest(key),
      cpuShare: cpuPerRequest('bare') / cpuPerRequest(key),
      key,
      label: labels[key]!,
      rps: median(rs.map((r) => r.rps)),
      p50: percentile(pooled, 50),
      p99: percentile(pooled, 99),
      non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
      errors: rs.reduce((a, r) => a + r.errors + r.timeouts, 0),
      ratio: key === 'bare' ? 1 : median(ratios.get(key)!),
      firstError: rs.find((r) => r.firstError)?.firstError,
    };
  });
  const figures: Figure[] = [{ key: 'api.bare.rps', label: 'Bare Hono hello-world, requests/s', value: rows[0]!.rps, unit: 'req/s' }];
  for (const row of rows.slice(1)) {
    const goal = GOALS[row.key];
    figures.push({
      key: `api.${row.key}.ratio`,
      label: `${row.label}: requests/s, share of the bare server's`,
      value: row.ratio,
      unit: 'ratio',
      text: `${fmt(row.rps, 0)} req/s = ${(row.ratio * 100).toFixed(0)} % (p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms)`,
      ...(goal ? { goal: { op: '>=' as const, value: goal, text: goalText(goal) } } : {}),
    });
  }
  // The same comparison by server CPU time per request: what the share would be if each server had the
  // cores to itself. It moves far less than requests/s when other work shares the machine.
  for (const row of rows.slice(1)) {
    figures.push({
      key: `api.${row.key}.cpu`,
      label: `${row.label}: server CPU per request, bare's as a share of it`,
      value: Number.isFinite(row.cpuShare) ? row.cpuShare : null,
      unit: 'ratio',
      text: Number.isFinite(row.cpuShare) ? `${row.cpuUs.toFixed(0)} µs vs ${rows[0]!.cpuUs.toFixed(0)} µs = ${(row.cpuShare * 100).toFixed(0)} %` : 'n/a',
    });
  }
  const missed = rows.slice(1).filter((r) => GOALS[r.key] !== undefined && r.ratio < GOALS[r.key]!);

  // Where the time goes, when a figure misses its goal (or on request): a second, profiled server.
  let profileText = '';
  const wantProfile = opts.profile === 'always' || (opts.profile !== 'never' && !tiny && missed.length > 0);
  if (wantProfile) {
    const profDir = mkdtempSync(join(tmpdir(), 'assay-prof-'));
    try {
      const profiled = await startAssay({ env: SESSION_ENV, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
      try {
        const s = await arrange(profiled);
        const chosen = (missed.length ? missed.map((m) => m.key) : ['session', 'packages', 'orders']) as Target['key'][];
        for (const t of targets(s.token, s.mintable).filter((x) => chosen.includes(x.key))) {
          log(`api: profiling ${t.label}`);
          await runLoad({ url: profiled.url, connections, durationS: 5, mode: t.spec(profiled.url) });
        }
        await profiled.close();
        const file = latestProfile(profDir);
        if (file) profileText = profileMarkdown(summarise(file), chosen.map((k) => labels[k]).join('; '));
      } finally {
        await profiled.close().catch(() => undefined);
      }
    } catch (err) {
      profileText = `Profiling failed: ${(err as Error).message}`;
    } finally {
      rmSync(profDir, { recursive: true, force: true });
    }
  }

  const ranAt = new Date().toISOString();
  const apiBody = [
    `Load from a separate process (autocannon, ${connections} connections, no pipelining), ${rounds} interleaved round${rounds > 1 ? 's' : ''} of ${warmupS} s warm-up + ${durationS} s measured per target; requests/s is the median over rounds, the share is the median of each round's endpoint ÷ bare, latencies are pooled over rounds (2xx only, full resolution). Load average (1 min) before/after: ${loadAvg.map((l) => l.toFixed(1)).join(' / ')} on ${cpus().length} cores. Servers on 127.0.0.1, PORT=0: Assay compiled (dist/server/main.js under plain node, as \`npm start\` runs it), the bare server under \`node --import tsx\` (the loader thread idles once it has started). Server CPU per request is user + system time of the server process over the measured seconds (/proc), divided by the answers it gave: unlike requests/s it hardly depends on what else runs on the machine, so read it beside the share when the load average is high. Clients send no Accept-Encoding (the bare server compresses nothing either). The client shares the cores with the server. The session under load has ${setup!.orders} orders on its application; all load comes from one address, so the per-address session limit is lifted for the run (\`ASSAY_SESSION_RATE_PER_MIN\`); the limiter itself still runs.`,
    '',
    table(
      ['target', 'requests/s (2xx)', 'p50', 'p99', 'non-2xx', 'errors', 'share of bare', 'goal', 'server CPU per request', 'bare CPU ÷ this'],
      rows.map((row, i) => [
        row.label,
        fmt(row.rps, 0),
        `${row.p50.toFixed(2)} ms`,
        `${row.p99.toFixed(2)} ms`,
        row.non2xx,
        row.errors,
        `${(row.ratio * 100).toFixed(0)} %`,
        i === 0 || GOALS[row.key] === undefined ? '' : `${goalText(GOALS[row.key]!)} ${row.ratio >= GOALS[row.key]! ? '✅' : '❌'}`,
        Number.isFinite(row.cpuUs) ? `${row.cpuUs.toFixed(0)} µs` : 'n/a',
        i === 0 || !Number.isFinite(row.cpuShare) ? '' : `${(row.cpuShare * 100).toFixed(0)} %`,
      ]),
    ),
    ...rows.filter((r) => r.firstError).map((r) => `\nFirst refusal on ${r.label}: \`${r.firstError}\``),
    profileText ? `\n${profileText}` : '',
  ].join('\n');

  const memFigures: Figure[] = [
    { key: 'memory.idle', label: 'Server RSS, idle (after start and a first session)', value: idle?.rss ?? null, unit: 'bytes', text: idle ? mb(idle.rss) : 'n/a' },
    { key: 'memory.end', label: 'Server RSS at the end of the load run', value: endOfLoad?.rss ?? null, unit: 'bytes', text: endOfLoad ? mb(endOfLoad.rss) : 'n/a', goal: { op: '<=', value: RSS_GOAL, text: '≤ 120 MB' } },
    { key: 'memory.peak', label: 'Server RSS, highest (VmHWM over the whole run)', value: endOfLoad?.peak ?? null, unit: 'bytes', text: endOfLoad ? mb(endOfLoad.peak) : 'n/a', goal: { op: '<=', value: RSS_GOAL, text: '≤ 120 MB' } },
  ];
  const memBody = [
    `Resident set size of the server process from /proc/<pid>/status, during the widget API load run above (sampled every 250 ms while it ran). The bare Hono server is shown for scale.`,
    '',
    table(
      ['process', 'idle', 'highest sampled under load', 'end of load', 'peak (VmHWM)', 'goal'],
      [
        ['Assay BFF', idle ? mb(idle.rss) : 'n/a', mb(maxDuring), endOfLoad ? mb(endOfLoad.rss) : 'n/a', endOfLoad ? mb(endOfLoad.peak) : 'n/a', `≤ 120 MB ${endOfLoad && endOfLoad.peak <= RSS_GOAL ? '✅' : '❌'}`],
        ['bare Hono hello-world', bareIdle ? mb(bareIdle.rss) : 'n/a', '', bareEnd ? mb(bareEnd.rss) : 'n/a', bareEnd ? mb(bareEnd.peak) : 'n/a', ''],
      ],
    ),
  ].join('\n');
  const seconds = (Date.now() - t0) / 1000;
  return [
    { name: 'api', title: 'Widget API under load', ranAt, size: opts.size, seconds, body: apiBody, figures },
    { name: 'memory', title: 'Memory', ranAt, size: opts.size, seconds: 0, body: memBody, figures: memFigures },
  ];
}
