// 1b. The widget API's middleware measured one by one (issue 19, item 4): server CPU per request of a Hono
// hello-world with Assay's real middleware added one at a time, in server/app.ts's order.
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, fmt, log, median, startListening, table, type BenchOptions, type BenchResult, type Child, type Figure } from './lib/common.ts';
import { runLoad } from './lib/load.ts';
import { cpuMsOf } from './lib/cpu.ts';
import { TITLES } from './lib/report.ts';
import { LADDER, LADDER_MASTER_KEY, LADDER_PATH } from './lib/ladder.ts';
import { mintSessionToken } from '../server/context/session-token.ts';
import { deriveKey } from '../server/crypto/secrets.ts';

interface Rung {
  key: string;
  label: string;
  steps: number;
}

const RUNGS: Rung[] = [
  { key: 'bare', label: 'bare Hono hello-world (one route)', steps: -1 },
  { key: 'routes', label: "+ Assay's route table (every route of createApp, no middleware)", steps: 0 },
  ...LADDER.map((s, i) => ({ key: s.key, label: `+ ${s.label}`, steps: i + 1 })),
];

export async function runMiddleware(opts: BenchOptions): Promise<BenchResult> {
  const t0 = Date.now();
  const tiny = opts.size === 'tiny';
  const connections = tiny ? 2 : 10;
  // Many short rounds: the machine's load drifts over minutes, so each row is compared with the row measured
  // just before it in the same round, and the median of those differences is taken.
  const rounds = tiny ? 1 : 6;
  const durationS = tiny ? 1 : 2;
  const warmupS = tiny ? 0 : 2;
  const loadAvg = [loadavg()[0]!];
  // The smoke test's size: the first and the last row only (each ladder server loads the whole app).
  const rungs = tiny ? [RUNGS[0]!, RUNGS.at(-1)!] : RUNGS;
  // A real widget session token under the ladder servers' key: the session rung verifies it as the API does.
  const { token } = await mintSessionToken(
    { accountId: 'acc_ladder', applicationId: 'app-ladder', candidateId: 'cand_ladder', role: 'recruiter', sub: 'ats-user-1', jobId: null, jobName: null, locale: 'en' },
    deriveKey(Buffer.from(LADDER_MASTER_KEY, 'hex'), 'widget session'),
  );
  const headers = { authorization: `Bearer ${token}` };
  log(`middleware: starting ${rungs.length} ladder servers (${warmupS} s warm-up each, then ${rounds} interleaved rounds of ${durationS} s)`);
  const servers: Child[] = [];
  const perRound = new Map<string, number[]>(); // µs of server CPU per request, one per round
  const rps = new Map<string, number[]>();
  const bad = new Map<string, number>();
  try {
    const mode = { kind: 'plain' as const, path: LADDER_PATH, headers };
    for (const r of rungs) servers.push(await startListening(join(BENCH_DIR, 'middleware-server.ts'), { LADDER_STEPS: String(r.steps) }));
    // Warmed up once (JIT), then measured.
    if (warmupS) for (const s of servers) await runLoad({ url: s.url, connections, durationS: warmupS, mode });
    for (let round = 1; round <= rounds; round++) {
      for (const [i, r] of rungs.entries()) {
        const s = servers[i]!;
        const before = cpuMsOf(s.child.pid!);
        const res = await runLoad({ url: s.url, connections, durationS, mode });
        const after = cpuMsOf(s.child.pid!);
        const answered = res.ok + res.non2xx;
        bad.set(r.key, (bad.get(r.key) ?? 0) + res.non2xx + res.errors + res.timeouts);
        if (before !== null && after !== null && answered > 0) perRound.set(r.key, [...(perRound.get(r.key) ?? []), ((after - before) * 1000) / answered]);
        rps.set(r.key, [...(rps.get(r.key) ?? []), res.rps]);
      }
      log(`middleware: round ${round}/${rounds} done`);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  loadAvg.push(loadavg()[0]!);
  const cpuUs = (key: string) => (perRound.get(key)?.length ? median(perRound.get(key)!) : NaN);
  const bare = cpuUs('bare');
  const rows = rungs.map((r, i) => {
    const us = cpuUs(r.key);
    // Each round's difference to the row before it (measured just before), then the median over rounds.
    const prev = i === 0 ? [] : (perRound.get(rungs[i - 1]!.key) ?? []);
    const mine = perRound.get(r.key) ?? [];
    const added = i === 0 || !mine.length || mine.length !== prev.length ? NaN : median(mine.map((x, k) => x - prev[k]!));
    return { ...r, us, added, rounds: perRound.get(r.key) ?? [], rps: median(rps.get(r.key) ?? []), bad: bad.get(r.key) ?? 0 };
  });
  const all = rows.at(-1)!;
  const figures: Figure[] = [
    { key: 'middleware.bare.cpu', label: 'Middleware ladder: bare Hono hello-world, server CPU per request', value: bare, unit: 'µs', text: `${fmt(bare, 1)} µs` },
    { key: 'middleware.all.cpu', label: "Middleware ladder: all of Assay's middleware and the session check, server CPU per request", value: all.us, unit: 'µs', text: `${fmt(all.us, 1)} µs = bare + ${fmt(all.us - bare, 1)} µs (bare's ${((bare / all.us) * 100).toFixed(0)} %)` },
  ];
  const body = [
    `Server CPU per request (user + system from /proc, over the measured seconds, ÷ answers) of a Hono hello-world on @hono/node-server with Assay's real middleware added one at a time in server/app.ts's order, each row one more than the row above (bench/middleware-server.ts imports them from server/; no copies). From the second row on, every server carries Assay's full route table (the routes of createApp, answering nothing here), so the router and the 405 check match what they match in production; the hello-world answers at GET ${LADDER_PATH}. Every request carries a real widget session token, so the last row verifies it as GET /api/packages does (the handler's store read and answer are not in this table: section 1 has the whole request). Each server under \`node --import tsx\` like the bare server of section 1; load from a separate process (autocannon, ${connections} connections); every server warmed up for ${warmupS} s, then ${rounds} interleaved round${rounds > 1 ? 's' : ''} of ${durationS} s per server. The CPU figure is the median over rounds; the added cost is the median over rounds of the difference to the row measured just before it (the machine's load drifts between rounds; on a shared machine a few µs either way are noise: read small negatives as zero). Load average (1 min) before/after: ${loadAvg.map((l) => l.toFixed(1)).join(' / ')} on ${cpus().length} cores.`,
    '',
    table(
      ['server', 'CPU per request (median)', 'added by this row', 'rounds (µs)', 'requests/s (median)', 'non-2xx or errors'],
      rows.map((r, i) => [
        r.label,
        Number.isFinite(r.us) ? `${r.us.toFixed(1)} µs` : 'n/a',
        i === 0 || !Number.isFinite(r.added) ? '' : `${r.added >= 0 ? '+' : ''}${r.added.toFixed(1)} µs`,
        r.rounds.map((x) => x.toFixed(0)).join(', '),
        fmt(r.rps, 0),
        r.bad,
      ]),
    ),
  ].join('\n');
  return { name: 'middleware', title: TITLES.middleware, ranAt: new Date().toISOString(), size: opts.size, seconds: (Date.now() - t0) / 1000, body, figures };
}
