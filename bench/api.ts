// 1. Widget API under load versus a bare Hono hello-world, and 6. server memory idle and under load.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAssay, call, mintContext, openSession, person, type Assay } from './lib/assay.ts';
import { BENCH_DIR, fmt, log, mb, rssOf, sleep, startListening, table, type BenchOptions, type BenchResult, type Figure } from './lib/common.ts';
import { runLoad, type LoadResult, type LoadSpec } from './lib/load.ts';
import { latestProfile, profileMarkdown, summarise } from './lib/profile.ts';

const RATIO_GOAL = 0.5;
const RSS_GOAL = 150 * 1024 * 1024;
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
  const durationS = tiny ? 1 : 10;
  const warmupS = tiny ? 0 : 2;
  const load = (url: string, mode: LoadSpec['mode'], d = durationS) => runLoad({ url, connections, durationS: d, warmupS, mode });

  log(`api: starting the real server and a bare Hono server (${connections} connections, ${warmupS} s warm-up + ${durationS} s per target)`);
  const [bare, server] = await Promise.all([startListening(join(BENCH_DIR, 'bare-server.ts'), {}), startAssay({ env: SESSION_ENV })]);
  const rows: { key: string; label: string; r: LoadResult }[] = [];
  let idle: ReturnType<typeof rssOf>;
  let bareIdle: ReturnType<typeof rssOf>;
  let endOfLoad: ReturnType<typeof rssOf>;
  let bareEnd: ReturnType<typeof rssOf>;
  let maxDuring = 0;
  let setup: Awaited<ReturnType<typeof arrange>>;
  try {
    setup = await arrange(server);
    await sleep(tiny ? 200 : 3000);
    idle = rssOf(server.child.pid!);
    bareIdle = rssOf(bare.child.pid!);
    log('api: bare Hono hello-world');
    rows.push({ key: 'bare', label: 'bare Hono hello-world, GET /', r: await load(bare.url, { kind: 'plain', path: '/' }) });
    bareEnd = rssOf(bare.child.pid!);
    for (const t of targets(setup.token, setup.mintable)) {
      log(`api: ${t.label}`);
      const sampler = setInterval(() => (maxDuring = Math.max(maxDuring, rssOf(server.child.pid!)?.rss ?? 0)), 250);
      try {
        rows.push({ key: t.key, label: t.label, r: await load(server.url, t.spec(server.url)) });
      } finally {
        clearInterval(sampler);
      }
    }
    endOfLoad = rssOf(server.child.pid!);
  } finally {
    await Promise.all([bare.stop(), server.close()]);
  }

  const bareRps = rows[0]!.r.rps;
  const figures: Figure[] = [{ key: 'api.bare.rps', label: 'Bare Hono hello-world', value: bareRps, unit: 'req/s' }];
  for (const row of rows.slice(1)) {
    figures.push({
      key: `api.${row.key}.ratio`,
      label: `${row.label}: share of the bare server's requests/s`,
      value: row.r.rps / bareRps,
      unit: 'ratio',
      text: `${((row.r.rps / bareRps) * 100).toFixed(0)} % (${fmt(row.r.rps, 0)} req/s)`,
      goal: { op: '>=', value: RATIO_GOAL, text: '≥ 50 % of bare' },
    });
  }
  const missed = rows.slice(1).filter((r) => r.r.rps / bareRps < RATIO_GOAL);

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
        if (file) profileText = profileMarkdown(summarise(file), `${chosen.map((k) => targets('', '').find((t) => t.key === k)!.label).join('; ')}`);
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
    `Load from a separate process (autocannon ${connections} connections, no pipelining, ${warmupS} s warm-up then ${durationS} s measured per target), servers on 127.0.0.1, started the same way (\`node --import tsx\`, PORT=0). The client shares the 2 cores with the server, as it would on a small VM. Latencies are of 2xx responses, at full resolution. The session under load has ${setup!.orders} orders on its application; all load comes from one address, so the per-address session limit is lifted for the run (\`ASSAY_SESSION_RATE_PER_MIN\`); the limiter itself still runs.`,
    '',
    table(
      ['target', 'requests/s (2xx)', 'p50', 'p99', 'non-2xx', 'errors', 'share of bare', 'goal'],
      rows.map((row, i) => [
        row.label,
        fmt(row.r.rps, 0),
        `${row.r.p50.toFixed(2)} ms`,
        `${row.r.p99.toFixed(2)} ms`,
        row.r.non2xx,
        row.r.errors + row.r.timeouts,
        i === 0 ? '100 %' : `${((row.r.rps / bareRps) * 100).toFixed(0)} %`,
        i === 0 ? '' : `≥ 50 % ${row.r.rps / bareRps >= RATIO_GOAL ? '✅' : '❌'}`,
      ]),
    ),
    profileText ? `\n${profileText}` : '',
  ].join('\n');

  const memFigures: Figure[] = [
    { key: 'memory.idle', label: 'Server RSS, idle (after start and a first session)', value: idle?.rss ?? null, unit: 'bytes', text: idle ? mb(idle.rss) : 'n/a' },
    { key: 'memory.end', label: 'Server RSS at the end of the load run', value: endOfLoad?.rss ?? null, unit: 'bytes', text: endOfLoad ? mb(endOfLoad.rss) : 'n/a', goal: { op: '<=', value: RSS_GOAL, text: '≤ 150 MB' } },
    { key: 'memory.peak', label: 'Server RSS, highest (VmHWM over the whole run)', value: endOfLoad?.peak ?? null, unit: 'bytes', text: endOfLoad ? mb(endOfLoad.peak) : 'n/a', goal: { op: '<=', value: RSS_GOAL, text: '≤ 150 MB' } },
  ];
  const memBody = [
    `Resident set size of the server process from /proc/<pid>/status, during the widget API load run above (sampled every 250 ms while it ran). The bare Hono server is shown for scale.`,
    '',
    table(
      ['process', 'idle', 'highest sampled under load', 'end of load', 'peak (VmHWM)', 'goal'],
      [
        ['Assay BFF', idle ? mb(idle.rss) : 'n/a', mb(maxDuring), endOfLoad ? mb(endOfLoad.rss) : 'n/a', endOfLoad ? mb(endOfLoad.peak) : 'n/a', `≤ 150 MB ${endOfLoad && endOfLoad.peak <= RSS_GOAL ? '✅' : '❌'}`],
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
