// 3. Storage at scale: 1,000,000 orders across 1,000 accounts in the real SQLite store; the store's own
// query methods timed (orders.listForApplication, outbox.nextDueAt, outbox.claimDue); database size.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../server/store/sqlite/store.ts';
import { fmt, log, mb, percentile, table, type BenchOptions, type BenchResult, type Figure } from './lib/common.ts';
import { buildInsights } from '../server/insights/compute.ts';
import { DEFAULT_SCORE_BANDS } from '../shared/score-bands.ts';

const LIST_P99_GOAL_MS = 1;

/** Deterministic pseudo-random numbers, so every run builds the same shape of data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** Ids shaped like server/ids.ts newId (random, prefixed), generated in bulk. */
function ids(prefix: string, n: number): string[] {
  const buf = randomBytes(n * 12);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let s = `${prefix}_`;
    for (let j = 0; j < 12; j++) s += ALPHABET[buf[i * 12 + j]! & 31];
    out[i] = s;
  }
  return out;
}

async function timeCalls(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const warm = Math.max(5, Math.floor(n / 10));
  for (let i = 0; i < warm; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn(i + warm);
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

export async function runStorage(opts: BenchOptions): Promise<BenchResult> {
  const t0 = Date.now();
  const tiny = opts.size === 'tiny';
  const ORDERS = Number(process.env.BENCH_STORAGE_ORDERS) || (tiny ? 2000 : 1_000_000);
  const ACCOUNTS = tiny ? 10 : Math.max(10, Math.round(ORDERS / 1000));
  const APPS_PER_ACCOUNT = tiny ? 80 : 400; // about 2.5 orders per application
  const PENDING_DUE = tiny ? 100 : 10_000;
  const PENDING_LATER = tiny ? 100 : 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'assay-storage-'));
  const store = openSqliteStore(dir);
  const db = store.db;
  const rand = rng(42);
  try {
    // ---- build: prepared INSERTs, one transaction per batch; durability off while loading only.
    log(`storage: generating ${fmt(ORDERS)} orders across ${fmt(ACCOUNTS)} accounts`);
    const tGen = Date.now();
    const cpu0 = process.cpuUsage();
    const cpuS = () => { const c = process.cpuUsage(cpu0); return (c.user + c.system) / 1e6; };
    // While loading only: no journal, no fsync, a page cache that holds the whole file, and the
    // secondary indexes dropped and rebuilt afterwards from their own CREATE INDEX statements
    // (sorting once is far cheaper than a million random B-tree inserts). The schema ends identical.
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    db.pragma('cache_size = -3000000');
    db.pragma('temp_store = MEMORY');
    const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('orders', 'outbox', 'results', 'candidates')`).all() as { name: string; sql: string }[];
    for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`);
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const insAccount = db.prepare(`INSERT INTO accounts (id, name, issuer, audience, context_algs, context_secret_enc, frame_origins, settings, created_at)
      VALUES (?, ?, ?, 'assay', '["HS256"]', NULL, '[]', '{}', ?)`);
    const insPackage = db.prepare(`INSERT INTO packages (account_id, id, name, description, type, duration_minutes, active, version, updated_at) VALUES (?, ?, ?, ?, 'test', ?, 1, 1, ?)`);
    const insCandidate = db.prepare(`INSERT INTO candidates (id, account_id, source, external_id, email, first_name, last_name, locale, erased_at, created_at)
      VALUES (?, ?, 'ats', ?, ?, 'Ada', 'Lovelace', NULL, NULL, ?)`);
    const insOrder = db.prepare(`INSERT INTO orders (id, account_id, source, source_order_id, connection_id, package_id, package_version, candidate_id, application_id, job_id, job_name,
      status, reason, invite_token_hash, invited_at, expires_at, started_at, deadline_at, completed_at, created_by, outcome, outcome_at, meta, created_at, updated_at)
      VALUES (?, ?, 'widget', ?, NULL, ?, 1, ?, ?, 'job-1', 'Engineer', ?, NULL, ?, ?, ?, NULL, NULL, ?, 'ats-user-1', NULL, NULL, '{}', ?, ?)`);
    const insResult = db.prepare(`INSERT INTO results (order_id, account_id, score, max_score, details, completed_at) VALUES (?, ?, ?, 100, '{"sections":[]}', ?)`);
    const insJob = db.prepare(`INSERT INTO outbox (id, account_id, kind, connection_id, order_id, payload, idempotency_key, status, attempts, max_attempts, next_attempt_at, lease_until, last_error, created_at, updated_at)
      VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, 12, ?, NULL, NULL, ?, ?)`);

    const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => `acc_bench${String(i).padStart(5, '0')}`);
    const PACKAGES = ['work-style', 'numerical', 'verbal', 'typescript'];
    db.transaction(() => {
      for (const a of accountIds) {
        insAccount.run(a, `Account ${a}`, `https://${a}.ats.example`, iso(now - 400 * 86400_000));
        for (const p of PACKAGES) insPackage.run(a, p, p, `The ${p} package`, 30, iso(now));
      }
    })();
    // One candidate per application; orders spread over the last year.
    const apps: { account: string; app: string; cand: string }[] = [];
    const candIds = ids('cand', ACCOUNTS * APPS_PER_ACCOUNT);
    db.transaction(() => {
      let k = 0;
      for (const a of accountIds) {
        for (let j = 0; j < APPS_PER_ACCOUNT; j++, k++) {
          const app = `app-${j}`;
          apps.push({ account: a, app, cand: candIds[k]! });
          insCandidate.run(candIds[k]!, a, `cand-${j}`, `cand-${j}@${a}.example`, iso(now - 365 * 86400_000));
        }
      }
    })();
    const BATCH = 50_000;
    const statuses = ['completed', 'completed', 'completed', 'expired', 'cancelled', 'pending', 'in_progress', 'rejected', 'failed', 'completed'] as const;
    let jobsDue = 0;
    let jobsLater = 0;
    for (let start = 0; start < ORDERS; start += BATCH) {
      const n = Math.min(BATCH, ORDERS - start);
      const orderIds = ids('ord', n);
      const jobIds = ids('job', n);
      db.transaction(() => {
        for (let i = 0; i < n; i++) {
          const seq = start + i;
          // Accounts round-robin (1,000 orders each); within an account, applications at random.
          const a = seq % ACCOUNTS;
          const appIdx = a * APPS_PER_ACCOUNT + Math.floor(rand() * APPS_PER_ACCOUNT);
          const { account, app, cand } = apps[appIdx]!;
          const created = now - Math.floor(rand() * 365 * 86400_000);
          const status = statuses[Math.floor(rand() * statuses.length)]!;
          const open = status === 'pending' || status === 'in_progress';
          const id = orderIds[i]!;
          insOrder.run(
            id,
            account,
            `w-${seq}`,
            PACKAGES[seq % PACKAGES.length]!,
            cand,
            app,
            status,
            open ? createHash('sha256').update(id).digest('hex') : null,
            iso(created),
            iso(created + 7 * 86400_000),
            status === 'completed' ? iso(created + 86400_000) : null,
            iso(created),
            iso(created),
          );
          if (status === 'completed') insResult.run(id, account, Math.floor(rand() * 100), iso(created + 86400_000));
          // The outbox: invitation jobs; a few are still waiting (due now or later).
          let jobStatus = 'done';
          let next = created;
          if (jobsDue < PENDING_DUE && rand() < (PENDING_DUE * 2) / ORDERS) (jobStatus = 'pending'), (next = now - 1000), jobsDue++;
          else if (jobsLater < PENDING_LATER && rand() < (PENDING_LATER * 2) / ORDERS) (jobStatus = 'pending'), (next = now + 3600_000 + Math.floor(rand() * 86400_000)), jobsLater++;
          // Done jobs are kept for one order in five (the rest pruned); every waiting job is kept.
          if (jobStatus === 'done' && seq % 5 !== 0) continue;
          insJob.run(jobIds[i]!, account, 'send_invitation', id, `{"order_id":"${id}"}`, `invite:${id}`, jobStatus, jobStatus === 'done' ? 1 : 0, next, iso(created), iso(created));
        }
      })();
      if (!tiny && (start / BATCH) % 5 === 4) log(`storage: ${fmt(start + n)} orders (${((Date.now() - tGen) / 1000).toFixed(0)} s, CPU ${cpuS().toFixed(0)} s)`);
    }
    log(`storage: rebuilding ${indexes.length} indexes (${((Date.now() - tGen) / 1000).toFixed(0)} s so far)`);
    for (const ix of indexes) db.exec(ix.sql);
    db.exec('ANALYZE');
    // Back to the store's own settings (server/store/sqlite/db.ts) for the measurements.
    db.pragma('journal_mode = WAL');
    db.pragma('cache_size = -65536'); // back to the store's own setting (server/store/sqlite/db.ts)
    db.pragma('temp_store = DEFAULT');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const genS = (Date.now() - tGen) / 1000;
    const counts = db.prepare(`SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM candidates) AS candidates, (SELECT count(*) FROM results) AS results,
      (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending`).get() as Record<string, number>;
    const file = join(dir, 'assay.db');
    const size = statSync(file).size + (existsSync(file + '-wal') ? statSync(file + '-wal').size : 0);
    log(`storage: generated in ${genS.toFixed(0)} s (CPU ${cpuS().toFixed(0)} s), ${mb(size)}; timing queries`);
    if (process.env.BENCH_DEBUG) for (const r of db.prepare(`EXPLAIN QUERY PLAN SELECT o.*, p.name FROM orders o LEFT JOIN packages p ON p.account_id = o.account_id AND p.id = o.package_id LEFT JOIN results r ON r.order_id = o.id WHERE o.account_id = ? AND o.application_id = ? ORDER BY o.created_at DESC, o.id DESC LIMIT 200`).all('a', 'b')) log(JSON.stringify(r));

    // ---- the store's query methods, through its own async interface (and its lock).
    const N = tiny ? 200 : 5000;
    const picks = Array.from({ length: N * 2 }, () => apps[Math.floor(rand() * apps.length)]!);
    let rowsSeen = 0;
    log('storage: orders.listForApplication');
    const list = await timeCalls(N, async (i) => {
      const p = picks[i % picks.length]!;
      rowsSeen += (await store.orders.listForApplication(p.account, p.app)).length;
    });
    const listCand = await timeCalls(N, async (i) => {
      const p = picks[(i + N) % picks.length]!;
      await store.orders.listForApplication(p.account, p.app, p.cand);
    });
    log('storage: outbox');
    const nextDue = await timeCalls(N, () => store.outbox.nextDueAt());
    const idleClaim = await timeCalls(tiny ? 50 : 500, () => store.transaction((tx) => tx.outbox.claimDue(now - 3600_000, 10, 60_000)));
    const CLAIMS = tiny ? 20 : 200;
    let claimed = 0;
    const claim = await timeCalls(CLAIMS, async () => {
      claimed += (await store.transaction((tx) => tx.outbox.claimDue(Date.now(), 10, 60_000))).length;
    });

    // What GET /api/insights computes for one account (aggregates in SQL, then the charts), all orders and one package.
    log('storage: insights');
    const INS = tiny ? 20 : 400;
    const insights = await timeCalls(INS, async (i) => {
      const acc = picks[i % picks.length]!.account;
      buildInsights(await store.insights.aggregates(acc, i % 2 ? { packageId: 'work-style' } : {}, DEFAULT_SCORE_BANDS));
    });

    // The dashboard's Candidates page (GET /api/dashboard/candidates): one page of 26 rows, in turn the
    // newest, the page after a cursor, one status, and a name/e-mail search.
    log('storage: dashboard candidates');
    const PAGES = tiny ? 100 : 2000;
    const pageQueries = [
      (acc: string) => store.orders.listPage(acc, { limit: 26 }),
      async (acc: string) => {
        const first = await store.orders.listPage(acc, { limit: 26 });
        const last = first[first.length - 1];
        return store.orders.listPage(acc, { limit: 26, after: last ? { created_at: last.created_at, id: last.id } : undefined });
      },
      (acc: string) => store.orders.listPage(acc, { limit: 26, status: 'completed' }),
      (acc: string) => store.orders.listPage(acc, { limit: 26, search: 'cand-1' }),
    ];
    const dashboard = await timeCalls(PAGES, async (i) => {
      await pageQueries[i % pageQueries.length]!(picks[i % picks.length]!.account);
    });

    const p = (xs: number[], q: number) => percentile(xs, q);
    const ms = (x: number) => `${x < 1 ? x.toFixed(3) : x.toFixed(2)} ms`;
    const rows = [
      ['`orders.listForApplication(account, application)` (GET /api/orders)', N, ms(p(list, 50)), ms(p(list, 99)), ms(Math.max(...list)), `≤ 1 ms ${p(list, 99) <= LIST_P99_GOAL_MS ? '✅' : '❌'}`],
      ['`orders.listForApplication(account, application, candidate)`', N, ms(p(listCand, 50)), ms(p(listCand, 99)), ms(Math.max(...listCand)), ''],
      ['`outbox.nextDueAt()` (the worker’s sleep calculation)', N, ms(p(nextDue, 50)), ms(p(nextDue, 99)), ms(Math.max(...nextDue)), ''],
      ['`outbox.claimDue(now, 10, lease)`, nothing due', idleClaim.length, ms(p(idleClaim, 50)), ms(p(idleClaim, 99)), ms(Math.max(...idleClaim)), ''],
      ['`outbox.claimDue(now, 10, lease)`, 10 due jobs leased per call', CLAIMS, ms(p(claim, 50)), ms(p(claim, 99)), ms(Math.max(...claim)), ''],
      ['`insights.aggregates` + `buildInsights` for one account (GET /api/insights; half filtered by package)', INS, ms(p(insights, 50)), ms(p(insights, 99)), ms(Math.max(...insights)), `≤ 50 ms ${p(insights, 99) <= 50 ? '✅' : '❌'}`],
      ['`orders.listPage` one Candidates page (GET /api/dashboard/candidates: newest, after a cursor, by status, by search)', PAGES, ms(p(dashboard, 50)), ms(p(dashboard, 99)), ms(Math.max(...dashboard)), `≤ 50 ms ${p(dashboard, 99) <= 50 ? '✅' : '❌'}`],
    ];
    const figures: Figure[] = [
      {
        key: 'storage.list.p99',
        label: `One application's orders at ${fmt(ORDERS)} orders (orders.listForApplication), p99`,
        value: p(list, 99),
        unit: 'ms',
        text: `p99 ${ms(p(list, 99))} (p50 ${ms(p(list, 50))})`,
        goal: { op: '<=', value: LIST_P99_GOAL_MS, text: '≤ 1 ms' },
      },
      { key: 'storage.insights.p99', label: `Insights for one account at ${fmt(ORDERS)} orders (GET /api/insights), p99`, value: p(insights, 99), unit: 'ms', text: `p99 ${ms(p(insights, 99))} (p50 ${ms(p(insights, 50))})`, goal: { op: '<=', value: 50, text: '≤ 50 ms' } },
      { key: 'storage.dashboard.p99', label: `One dashboard Candidates page at ${fmt(ORDERS)} orders (orders.listPage), p99`, value: p(dashboard, 99), unit: 'ms', text: `p99 ${ms(p(dashboard, 99))} (p50 ${ms(p(dashboard, 50))})`, goal: { op: '<=', value: 50, text: '≤ 50 ms' } },
      { key: 'storage.nextdue.p99', label: 'Outbox next-due query (outbox.nextDueAt), p99', value: p(nextDue, 99), unit: 'ms', text: `p99 ${ms(p(nextDue, 99))} (p50 ${ms(p(nextDue, 50))})` },
      { key: 'storage.claim.p99', label: 'Outbox claim of 10 due jobs (outbox.claimDue), p99', value: p(claim, 99), unit: 'ms', text: `p99 ${ms(p(claim, 99))} (p50 ${ms(p(claim, 50))})` },
      { key: 'storage.size', label: `Database size at ${fmt(ORDERS)} orders`, value: size, unit: 'bytes', text: `${mb(size)} (${fmt(size / ORDERS, 0)} bytes per order, all tables)` },
      { key: 'storage.generate', label: 'Time to generate the database', value: genS, unit: 's', text: `${genS.toFixed(0)} s`, goal: { op: '<=', value: 120, text: '< 2 min' } },
    ];
    const body = [
      `A file database built in a temp folder by prepared INSERTs, one transaction per ${fmt(BATCH)} orders (while loading: no journal, no fsync, secondary indexes rebuilt afterwards from their own definitions), on the store's own schema and migrations; then timed through the store's async interface (\`openSqliteStore\`, its lock included) with the store's settings (WAL, synchronous=FULL, default page cache), warm OS cache. Times per call, after ${'a 10 % warm-up'}.`,
      '',
      table(
        ['rows', 'count'],
        [
          ['accounts', fmt(ACCOUNTS)],
          ['orders (statuses mixed; 1 per 2.5 per application)', fmt(counts.orders!)],
          ['candidates (one per application)', fmt(counts.candidates!)],
          ['results (completed orders)', fmt(counts.results!)],
          ['outbox jobs (done ones for one order in five; pending)', `${fmt(counts.outbox!)} (${fmt(counts.pending!)})`],
        ],
      ),
      '',
      table(['query (the store’s method)', 'calls', 'p50', 'p99', 'max', 'goal'], rows),
      '',
      `Listing returned ${(rowsSeen / N).toFixed(1)} orders per application on average; claimDue leased ${fmt(claimed)} jobs over ${CLAIMS} calls. Database file ${mb(size)} after a checkpoint; generated in ${genS.toFixed(0)} s.`,
    ].join('\n');
    log(`storage: listForApplication p50 ${ms(p(list, 50))} p99 ${ms(p(list, 99))}; claimDue p99 ${ms(p(claim, 99))}`);
    return { name: 'storage', title: 'Storage at scale', ranAt: new Date().toISOString(), size: opts.size, seconds: (Date.now() - t0) / 1000, body, figures };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
