// 2. Webhook ingest: correctly signed Kombo `assessment:order-received` webhooks at rising rates until
// p99 passes 50 ms; the sustained rate, with every acknowledged order checked durable in SQLite after
// the server is killed (SIGKILL, as a crash would).
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startAssay, type Assay } from './lib/assay.ts';
import { BENCH_DIR, fmt, log, ROOT, sleep, startListening, table, type BenchOptions, type BenchResult, type Figure } from './lib/common.ts';
import { runLoad, type LoadResult } from './lib/load.ts';
import { cpuMsOf } from './lib/cpu.ts';
import { latestProfile, profileMarkdown, summarise, type ProfileSummary } from './lib/profile.ts';

const RATE_GOAL = 3000;
const P99_LIMIT_MS = 50;
const FIXTURE = process.env.KOMBO_FIXTURE || join(ROOT, 'test/fixtures/kombo/assessment-order-received.json');
const PACKAGE_ID = 'work-style';

/** The fixture's shape, kept here too so a fresh clone without /work/shared still runs. */
const FALLBACK = {
  id: 'Cbfk5sHtDxrSrJBRjsDtbaN9',
  type: 'assessment:order-received',
  data: {
    id: 'B5KQKhAgTv6ZwzrfAbqbhipd',
    integration_id: 'recruitee:CBNMt7dSNCzBdnRTx87dev4E',
    package_id: 'typescript_test',
    status: 'OPEN',
    candidate: { remote_id: '12345', email: 'john.doe@gmail.com', first_name: 'John', last_name: 'Doe', phone: '+1-541-754-3010' },
    application: { remote_id: '54321' },
    job: { remote_id: '67890', name: 'Bottle Opener', job_code: 'BO-2024-01', description: '<p>Opens bottles & jars.</p>' },
  },
};

function unavailable(reason: string, t0: number, size: BenchOptions['size']): BenchResult {
  log(`ingest: not available: ${reason}`);
  return {
    name: 'ingest',
    title: 'Webhook ingest',
    ranAt: new Date().toISOString(),
    size,
    seconds: (Date.now() - t0) / 1000,
    body: `Not available: ${reason}`,
    figures: [
      { key: 'ingest.rate', label: 'Kombo webhooks sustained with p99 ≤ 50 ms, every acknowledged order durable', value: null, unit: 'webhooks/s', text: `not available: ${reason}`, goal: { op: '>=', value: RATE_GOAL, text: '≥ 3,000/s with p99 ≤ 50 ms' } },
    ],
    unavailable: reason,
  };
}

interface Step {
  target: number;
  r: LoadResult;
  pass: boolean;
  why: string;
  /** Server CPU (user + system) over the step, ms; null off Linux. */
  cpuMs: number | null;
}

const perHookText = (s: Step) => (s.cpuMs === null || !s.r.ok ? 'n/a' : `${((s.cpuMs * 1000) / s.r.ok).toFixed(0)} µs`);

/** Server CPU per acknowledged webhook over the steps, µs: steadier than the rate when other work shares the cores. */
function cpuPerHook(steps: Step[]): number | null {
  const ok = steps.reduce((a, s) => a + s.r.ok, 0);
  if (!ok || steps.some((s) => s.cpuMs === null)) return null;
  return (steps.reduce((a, s) => a + s.cpuMs!, 0) * 1000) / ok;
}

type Credentials = { api_key?: string; integration_id?: string; webhook_secret?: string; base_url?: string };

/** A Kombo connection on a started server (made by `assay connections:add`), checked with one signed order. */
async function withConnection(server: Assay, c: Credentials): Promise<{ server: Assay; path: string } | { server: Assay; unavailable: string }> {
  const template = existsSync(FIXTURE) ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as typeof FALLBACK) : FALLBACK;
  const cli = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/assay.mjs'), 'connections:add', '--account', 'demo', '--provider', 'kombo', '--set', `api_key=${c.api_key}`, '--set', `integration_id=${c.integration_id}`, '--set', `webhook_secret=${c.webhook_secret}`, '--set', `base_url=${c.base_url}`, '--json'],
    { cwd: ROOT, env: { ...process.env, DATA_DIR: server.dataDir, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 60_000 },
  );
  let connectionId: string | undefined;
  try {
    connectionId = (JSON.parse(cli.stdout) as { connection_id: string }).connection_id;
  } catch {
    /* reported below */
  }
  if (cli.status !== 0 || !connectionId) return { server, unavailable: `connections:add failed (${cli.status}): ${(cli.stderr || cli.stdout).trim().split('\n').at(-1)}` };
  const path = `/webhooks/kombo/${connectionId}`;
  // One webhook first: if the receiver does not take a correctly signed order, say why and stop.
  const probe = JSON.stringify({ ...template, id: 'evtprobe', data: { ...template.data, id: 'probe-order', integration_id: c.integration_id, package_id: PACKAGE_ID } });
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-kombo-signature': createHmac('sha256', c.webhook_secret!).update(probe).digest('base64url') },
    body: probe,
  });
  const probeText = await res.text();
  if (!res.ok) return { server, unavailable: `a correctly signed order webhook was answered ${res.status}: ${probeText.slice(0, 200)}` };
  return { server, path };
}

/** Rate and length of the profiled run made when the goal is missed (`BENCH_INGEST_PROFILE_RATE` to change the rate). */
const PROFILE_RATE = Number(process.env.BENCH_INGEST_PROFILE_RATE) || 200;
const PROFILE_S = 10;

/**
 * Where an ingest server's time goes: a second server under `--cpu-prof`, the same signed webhooks at
 * PROFILE_RATE for PROFILE_S seconds; self and inclusive time by function, and the store's statements and
 * commits per webhook (ASSAY_STORE_STATS, reported by the server on SIGTERM).
 */
export async function profileIngest(c: Credentials, template: typeof FALLBACK, rate = PROFILE_RATE, seconds = PROFILE_S, keepProfileAs?: string): Promise<{ markdown: string; summary: ProfileSummary; stats: StoreStats | null }> {
  const profDir = mkdtempSync(join(tmpdir(), 'assay-ingest-prof-'));
  const work = mkdtempSync(join(tmpdir(), 'assay-ingest-prof-acks-'));
  try {
    const made = await withConnection(await startAssay({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`], env: { ASSAY_STORE_STATS: '1' } }), c);
    const server = made.server;
    try {
      if ('unavailable' in made) throw new Error(made.unavailable);
      const r = await runLoad({
        url: server.url,
        connections: 64,
        durationS: seconds,
        rate,
        mode: { kind: 'kombo', path: made.path, secret: c.webhook_secret!, template, integrationId: c.integration_id!, packageId: PACKAGE_ID, ackFile: join(work, 'acked.txt'), idPrefix: 'prof-' },
      });
      await server.stop();
      const stats = storeStatsOf(server.logs.join(''));
      const file = latestProfile(profDir);
      if (!file) throw new Error('the profiled server wrote no .cpuprofile');
      if (keepProfileAs) copyFileSync(file, keepProfileAs);
      const summary = summarise(file);
      const perHook = stats && r.ok ? ` Store, per acknowledged webhook: ${(stats.statements / (r.ok + 1)).toFixed(1)} statements, ${(stats.units / (r.ok + 1)).toFixed(1)} units of work; ${(stats.units / Math.max(1, stats.commits)).toFixed(1)} units per commit.` : '';
      const heading = `Kombo webhooks at ${fmt(rate)}/s for ${seconds} s (${fmt(r.ok / seconds, 0)}/s acknowledged, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms)`;
      const perStatement = stats?.top.length && r.ok
        ? `\n\n${table(['statement (most run first)', 'per webhook'], stats.top.slice(0, 12).map(([sql, n]) => [`\`${sql.replace(/\|/g, '\\|')}\``, (n / (r.ok + 1)).toFixed(2)]))}`
        : '';
      return { markdown: profileMarkdown(summary, heading, perHook + perStatement, true), summary, stats };
    } finally {
      await server.close().catch(() => undefined);
    }
  } finally {
    rmSync(profDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

export interface StoreStats {
  statements: number;
  units: number;
  commits: number;
  /** The statements run most often (SQL text, times). */
  top: [string, number][];
}
/** The line the server logs on shutdown when ASSAY_STORE_STATS=1. */
function storeStatsOf(logs: string): StoreStats | null {
  const line = logs.split('\n').find((l) => l.includes('"store stats"'));
  if (!line) return null;
  try {
    const j = JSON.parse(line) as StoreStats;
    return { statements: j.statements, units: j.units, commits: j.commits, top: j.top ?? [] };
  } catch {
    return null;
  }
}

export async function runIngest(opts: BenchOptions & { profile?: 'auto' | 'always' | 'never' }): Promise<BenchResult> {
  const t0 = Date.now();
  const tiny = opts.size === 'tiny';
  if (!existsSync(join(ROOT, 'server/connectors/kombo/index.ts')) || !/^\s*kombo:/m.test(readFileSync(join(ROOT, 'shared/providers.ts'), 'utf8'))) {
    return unavailable('the Kombo connector (server/connectors/kombo/) is not registered in this build yet', t0, opts.size);
  }
  const template = existsSync(FIXTURE) ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as typeof FALLBACK) : FALLBACK;
  const { startSimulator } = await import('../test/simulators/kombo/index.ts');
  const kombo = await startSimulator();
  let server: Assay | null = null;
  const work = mkdtempSync(join(tmpdir(), 'assay-ingest-'));
  try {
    const made = await withConnection(await startAssay(), kombo.credentials);
    server = made.server;
    if ('unavailable' in made) return unavailable(made.unavailable, t0, opts.size);
    const c = kombo.credentials;
    const path = made.path;

    const rates = tiny ? [20] : [25, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 4000];
    const stepS = tiny ? 1 : 5;
    const connections = tiny ? 4 : 64;
    const steps: Step[] = [];
    const ackFiles: string[] = [];
    // Warm-up (not judged): the just-started server finishes its package push and its JIT warms up.
    if (!tiny) {
      const ackFile = join(work, 'acked-warmup.txt');
      ackFiles.push(ackFile);
      log('ingest: warm-up, 20 webhooks/s for 3 s');
      await runLoad({ url: server.url, connections, durationS: 3, rate: 20, mode: { kind: 'kombo', path, secret: c.webhook_secret!, template, integrationId: c.integration_id!, packageId: PACKAGE_ID, ackFile, idPrefix: 'bw-' } });
      await sleep(1000);
    }
    /** Rising rates against one receiver until a step fails; the same schedule for Assay and the reference. */
    const climb = async (url: string, pid: number, tag: string, acks: string[] | null): Promise<Step[]> => {
      const out: Step[] = [];
      for (const [i, rate] of rates.entries()) {
        const ackFile = join(work, `${tag}-acked-${i}.txt`);
        acks?.push(ackFile);
        log(`ingest (${tag}): ${rate} webhooks/s for ${stepS} s`);
        const cpu0 = cpuMsOf(pid);
        const r = await runLoad({
          url,
          connections,
          durationS: stepS,
          rate,
          mode: { kind: 'kombo', path, secret: c.webhook_secret!, template, integrationId: c.integration_id!, packageId: PACKAGE_ID, ackFile, idPrefix: `${tag}${i}-` },
        });
        const cpu1 = cpuMsOf(pid);
        const cpuMs = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
        const achieved = r.ok / stepS;
        const why =
          r.non2xx + r.errors + r.timeouts > 0
            ? `${r.non2xx + r.errors + r.timeouts} not acknowledged${r.firstError ? ` (${r.firstError.slice(0, 120)})` : ''}`
            : r.p99 > P99_LIMIT_MS
              ? `p99 ${r.p99.toFixed(1)} ms > ${P99_LIMIT_MS} ms`
              : r.durationS > stepS * 1.1
                ? `fell behind: ${stepS} s of webhooks took ${r.durationS.toFixed(1)} s`
                : '';
        out.push({ target: rate, r, pass: !why, why, cpuMs });
        log(`ingest (${tag}): ${rate}/s → ${fmt(achieved, 0)}/s acknowledged, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms${why ? ` — stop: ${why}` : ''}`);
        if (why) break;
        await sleep(tiny ? 100 : 1000);
      }
      return out;
    };
    steps.push(...(await climb(server.url, server.child.pid!, 'b', ackFiles)));

    // Crash the server, then look for every acknowledged order in the database file.
    await server.kill();
    const acked = ackFiles.flatMap((f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []));
    const db = new Database(join(server.dataDir, 'assay.db'), { readonly: false, fileMustExist: true });
    let durable = 0;
    try {
      const has = db.prepare(`SELECT 1 FROM orders WHERE account_id = 'demo' AND source = 'kombo' AND source_order_id = ?`).pluck();
      for (const id of acked) if (has.get(id)) durable++;
    } finally {
      db.close();
    }
    log(`ingest: ${fmt(durable)} of ${fmt(acked.length)} acknowledged orders found in SQLite after SIGKILL`);

    // The reference in the same run: the minimal group-commit receiver (bench/ref-receiver.ts), same load.
    log('ingest: the minimal group-commit receiver (reference), same schedule');
    const ref = await startListening(join(BENCH_DIR, 'ref-receiver.ts'), { DATA_DIR: work, REF_SECRET: c.webhook_secret! });
    let refSteps: Step[] = [];
    try {
      refSteps = await climb(ref.url, ref.child.pid!, 'ref', null);
    } finally {
      await ref.stop();
    }
    const refBest = [...refSteps].reverse().find((s) => s.pass);
    const refRate = refBest ? refBest.r.ok / stepS : 0;

    const best = [...steps].reverse().find((s) => s.pass);
    const sustained = best ? best.r.ok / stepS : 0;
    const allDurable = durable === acked.length;
    const cpuAssay = cpuPerHook(steps);
    const cpuRef = cpuPerHook(refSteps);
    const figures: Figure[] = [
      {
        key: 'ingest.rate',
        label: 'Kombo webhooks sustained with p99 ≤ 50 ms, every acknowledged order durable',
        value: allDurable ? sustained : 0,
        unit: 'webhooks/s',
        text: best ? `${fmt(sustained, 0)}/s (p50 ${best.r.p50.toFixed(1)} ms, p99 ${best.r.p99.toFixed(1)} ms)${allDurable ? '' : ' — but not every acknowledged order was durable'}` : 'below the first step',
        goal: { op: '>=', value: RATE_GOAL, text: '≥ 3,000/s with p99 ≤ 50 ms' },
      },
      {
        key: 'ingest.reference',
        label: 'Reference: minimal Hono + better-sqlite3 group-commit receiver, same load, same run',
        value: refRate,
        unit: 'webhooks/s',
        text: refBest ? `${fmt(refRate, 0)}/s (p50 ${refBest.r.p50.toFixed(1)} ms, p99 ${refBest.r.p99.toFixed(1)} ms); Assay at ${refRate ? fmt((100 * sustained) / refRate, 0) : '—'} % of it` : 'below the first step',
      },
      {
        key: 'ingest.cpu',
        label: "Server CPU per acknowledged webhook (all steps), the reference's as a share of it",
        value: cpuAssay && cpuRef ? cpuRef / cpuAssay : null,
        unit: 'ratio',
        text: cpuAssay && cpuRef ? `${cpuAssay.toFixed(0)} µs vs ${cpuRef.toFixed(0)} µs = ${((100 * cpuRef) / cpuAssay).toFixed(0)} %` : 'n/a',
      },
      { key: 'ingest.durable', label: 'Acknowledged orders found in SQLite after SIGKILL', value: acked.length ? durable / acked.length : null, unit: 'ratio', text: `${fmt(durable)} of ${fmt(acked.length)}`, goal: { op: '>=', value: 1, text: 'all' } },
    ];
    const body = [
      `A real server (synchronous=FULL SQLite on the real disk) with a Kombo connection made by \`assay connections:add\` against the Kombo simulator. A separate process sends correctly signed \`assessment:order-received\` webhooks (the shared fixture, \`data.id\`, event id, candidate and application unique per request, package \`${PACKAGE_ID}\`, \`X-Kombo-Signature\` = HMAC-SHA256 base64url) at a steady rate over up to ${connections} keep-alive connections, ${stepS} s per step, after a 3 s warm-up at 20/s (not judged; its orders are checked for durability too), rising until a step fails (p99 > ${P99_LIMIT_MS} ms, a webhook not acknowledged, or the server falling behind the schedule). Latency counts from each webhook's scheduled send time. Afterwards the server is killed with SIGKILL and each acknowledged (2xx) order is looked up in the database file.`,
      '',
      table(
        ['target rate', 'acknowledged/s', 'p50', 'p90', 'p99', 'max', 'not acknowledged', 'server CPU per webhook', 'result'],
        steps.map((s) => [`${fmt(s.target)}/s`, fmt(s.r.ok / stepS, 0), `${s.r.p50.toFixed(1)} ms`, `${s.r.p90.toFixed(1)} ms`, `${s.r.p99.toFixed(1)} ms`, `${s.r.max.toFixed(1)} ms`, s.r.non2xx + s.r.errors + s.r.timeouts, perHookText(s), s.pass ? 'pass' : `stop: ${s.why}`]),
      ),
      '',
      'The reference in the same run (bench/ref-receiver.ts: HMAC on the raw body, WAL, synchronous=FULL, group commit, one row per order):',
      '',
      table(
        ['target rate', 'acknowledged/s', 'p50', 'p99', 'server CPU per webhook', 'result'],
        refSteps.map((s) => [`${fmt(s.target)}/s`, fmt(s.r.ok / stepS, 0), `${s.r.p50.toFixed(1)} ms`, `${s.r.p99.toFixed(1)} ms`, perHookText(s), s.pass ? 'pass' : `stop: ${s.why}`]),
      ),
      '',
      `Durability: ${fmt(durable)} of ${fmt(acked.length)} acknowledged orders were in SQLite after the SIGKILL${allDurable ? ' (all)' : ' — MISSING ORDERS'}.`,
    ].join('\n');
    // Where the time goes when the goal is missed (or on request): a second, profiled server at PROFILE_RATE.
    let missProfile: string | undefined;
    if (opts.profile === 'always' || (opts.profile !== 'never' && !tiny && !(allDurable && sustained >= RATE_GOAL))) {
      log(`ingest: profiling a server at ${PROFILE_RATE} webhooks/s for ${PROFILE_S} s`);
      try {
        missProfile = (await profileIngest(c, template)).markdown;
      } catch (err) {
        missProfile = `Profiling the ingest failed: ${(err as Error).message.split('\n')[0]}`;
      }
    }
    return { name: 'ingest', title: 'Webhook ingest', ranAt: new Date().toISOString(), size: opts.size, seconds: (Date.now() - t0) / 1000, body, figures, ...(missProfile ? { missProfile } : {}) };
  } finally {
    if (server) await server.close().catch(() => undefined);
    await kombo.close();
    rmSync(work, { recursive: true, force: true });
  }
}
