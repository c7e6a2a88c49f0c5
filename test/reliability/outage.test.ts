// Outages: the ATS (the Kombo simulator) is down for an hour of simulated time and then back; a 429 storm
// with Retry-After; an ATS that never comes back. Every write-back is delivered exactly once, Retry-After is
// honoured, a job that used its last attempt is dead, `assay outbox:list` shows it, and after
// `assay outbox:replay` the running server delivers it once.
//
// The orders are real: the simulator's webhooks reach the real server (its own outbox is off, ASSAY_WORKERS=off),
// and candidates take the tests through the candidate API. The write-backs are then run by the real
// OutboxWorker, jobs and Kombo connector in this process on the same SQLite file, with a clock the test moves:
// each pass jumps to the moment the next job is due, so an hour of backoff takes seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import '../../server/connectors/register.ts';
import { createLogger } from '../../server/log.ts';
import { registerJobs } from '../../server/outbox/jobs.ts';
import { OutboxWorker } from '../../server/outbox/worker.ts';
import { createServices, type Services } from '../../server/services.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { assay } from '../helpers/cli.ts';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { startSimulator, type KomboSimHandle } from '../simulators/kombo/index.ts';
import { addKomboConnection, takeTest, until } from '../integration/kombo-helpers.ts';
import { writeFigures } from './figures.ts';

const OUTAGE_ORDERS = Number(process.env.OUTAGE_ORDERS ?? 20);
const STORM_ORDERS = Number(process.env.OUTAGE_STORM_ORDERS ?? 10);
const HOUR = 3_600_000;
const RETRY_AFTER_S = 90;

let server: RunningServer;
let kombo: KomboSimHandle;
let svc: Services;
let worker: OutboxWorker;
/** The in-process worker's clock (ms since the epoch); only ever moves forward. */
let fake = Date.now();
let lastSeq = 0;
/** Every PUT of a result the simulator saw: which Kombo order, its answer, and the simulated time of the pass. */
const puts: { order: string; status: number; at: number }[] = [];
const figures: Record<string, unknown> = {};
const passed = { outage: false, storm: false, dead: false };

beforeAll(async () => {
  kombo = await startSimulator({});
  server = await startServer({ env: { ASSAY_WORKERS: 'off', KOMBO_RECONCILE_MS: '3600000' } });
  const conn = await addKomboConnection(server, kombo);
  kombo.config({ webhook_url: conn.webhookUrl });
  const config = { ...loadConfig({ DATA_DIR: server.dataDir, PUBLIC_URL: server.url }), logLevel: 'silent' as const };
  const log = createLogger('silent');
  const store = openSqliteStore(server.dataDir);
  worker = new OutboxWorker(store, log, { now: () => fake, batch: 100 });
  svc = await createServices(config, { store, log, outbox: worker });
  registerJobs(svc);
}, 120_000);

afterAll(async () => {
  await svc?.store.close();
  await server?.stop();
  await kombo?.close();
  writeFigures('outage', { ...figures, passed }, passed.outage && passed.storm && passed.dead);
});

/** Orders placed in Kombo (webhook → our order), taken by their candidates: each leaves one write-back job. */
async function completedOrders(n: number, tag: string): Promise<{ kombo: string; ours: string }[]> {
  const out: { kombo: string; ours: string }[] = [];
  for (let i = 0; i < n; i++) {
    const { order: ko, delivery } = await kombo.createOrder({ package_id: 'work-style', candidate: { remote_id: `${tag}-cand-${i}`, email: `${tag}${i}@example.com`, first_name: 'Out', last_name: 'Age' }, application: { remote_id: `${tag}-app-${i}` } });
    expect(delivery).toMatchObject({ delivered: true, status: 200 });
    const [ours] = query<{ id: string }>(server.dataDir, "SELECT id FROM orders WHERE source = 'kombo' AND source_order_id = ?", ko.id);
    out.push({ kombo: ko.id, ours: ours!.id });
  }
  // The invitation's token travels sealed in its outbox job (this server sends no e-mail: its outbox is off).
  await Promise.all(
    out.map(async (o) => {
      const [job] = query<{ payload: string }>(server.dataDir, "SELECT payload FROM outbox WHERE kind = 'email.invitation' AND order_id = ?", o.ours);
      await takeTest(server.url, svc.box.open(JSON.parse(job!.payload).token_sealed), 'work-style');
    }),
  );
  return out;
}

function collectPuts(): void {
  for (const r of kombo.requests({ method: 'PUT', path: '/result' })) {
    if (r.seq <= lastSeq) continue;
    lastSeq = r.seq;
    puts.push({ order: /orders\/([^/]+)\/result/.exec(r.path)![1]!, status: r.status, at: fake });
  }
}

/**
 * Runs outbox passes, each at the simulated moment the next job falls due, until none of `orders` has a
 * write-back left to try. `beforePass` sets the ATS up for that moment.
 */
async function drive(orders: string[], beforePass: (now: number) => void = () => {}): Promise<{ passes: number; wallMs: number }> {
  const started = Date.now();
  const ids = orders.map((o) => `'${o}'`).join(',');
  let passes = 0;
  for (;;) {
    const [next] = query<{ at: number | null }>(server.dataDir, `SELECT MIN(next_attempt_at) AS at FROM outbox WHERE kind = 'writeback' AND status IN ('pending','running') AND order_id IN (${ids})`);
    if (next?.at == null) break;
    fake = Math.max(fake, next.at);
    beforePass(fake);
    await worker.tick();
    collectPuts();
    if (++passes > 5000) throw new Error('the outbox never settled');
  }
  return { passes, wallMs: Date.now() - started };
}

const jobsOf = (orders: string[]) =>
  query<{ id: string; order_id: string; status: string; attempts: number; max_attempts: number; last_error: string | null }>(
    server.dataDir,
    `SELECT id, order_id, status, attempts, max_attempts, last_error FROM outbox WHERE kind = 'writeback' AND order_id IN (${orders.map((o) => `'${o}'`).join(',')})`,
  );
const acceptedIn = (komboId: string) => kombo.order(komboId).result_history.filter((h) => h.accepted).length;

describe('outages', () => {
  it(`delivers every write-back exactly once after the ATS was down for an hour (${OUTAGE_ORDERS} orders)`, { timeout: 300_000 }, async () => {
    const orders = await completedOrders(OUTAGE_ORDERS, 'outage');
    kombo.injectFault({ status: 503, times: 100_000, match: { path: '/v1/assessment' } }); // down: every call answers 503
    const start = (fake = Math.max(fake, Date.now()));
    const end = start + HOUR;
    let up = false;
    const run = await drive(
      orders.map((o) => o.ours),
      (now) => {
        if (!up && now >= end) {
          kombo.clearFaults(); // back after an hour
          up = true;
        }
      },
    );
    const mine = puts.filter((p) => orders.some((o) => o.kombo === p.order));
    const jobs = jobsOf(orders.map((o) => o.ours));
    expect(jobs).toHaveLength(OUTAGE_ORDERS);
    expect(jobs.filter((j) => j.status !== 'done')).toEqual([]);
    for (const o of orders) {
      expect(acceptedIn(o.kombo), o.kombo).toBe(1); // exactly one accepted write per order
      expect(kombo.order(o.kombo).status).toBe('COMPLETED');
      const mineOf = mine.filter((p) => p.order === o.kombo);
      expect(mineOf.filter((p) => p.status === 200)).toHaveLength(1);
      expect(mineOf.filter((p) => p.status === 200)[0]!.at).toBeGreaterThanOrEqual(end); // nothing got through while down
      expect(mineOf.filter((p) => p.status !== 200).every((p) => p.status === 503 && p.at < end)).toBe(true);
    }
    Object.assign(figures, {
      outage_orders: OUTAGE_ORDERS,
      outage_simulated_minutes: Math.round((fake - start) / 60_000),
      outage_down_minutes: 60,
      outage_calls_refused: mine.filter((p) => p.status === 503).length,
      outage_delivered: orders.filter((o) => acceptedIn(o.kombo) === 1).length,
      outage_duplicates: orders.filter((o) => acceptedIn(o.kombo) > 1).length,
      outage_dead: jobs.filter((j) => j.status === 'dead').length,
      outage_max_attempts_used: Math.max(...jobs.map((j) => j.attempts)),
      outage_attempt_budget: jobs[0]!.max_attempts,
      outage_passes: run.passes,
      outage_wall_seconds: Math.round(run.wallMs / 100) / 10,
    });
    passed.outage = true;
  });

  it(`waits as long as Retry-After asks through a 429 storm, and delivers each write-back once (${STORM_ORDERS} orders)`, { timeout: 300_000 }, async () => {
    const storm = STORM_ORDERS * 4;
    const orders = await completedOrders(STORM_ORDERS, 'storm');
    kombo.injectFault({ status: 429, retryAfterSeconds: RETRY_AFTER_S, times: storm, match: { method: 'PUT', path: '/result' } });
    const start = (fake = Math.max(fake, Date.now()));
    await drive(orders.map((o) => o.ours));
    const mine = puts.filter((p) => orders.some((o) => o.kombo === p.order));
    let shortestWait = Infinity;
    for (const o of orders) {
      expect(acceptedIn(o.kombo), o.kombo).toBe(1);
      const seq = mine.filter((p) => p.order === o.kombo);
      expect(seq.at(-1)!.status).toBe(200);
      expect(seq.filter((p) => p.status === 200)).toHaveLength(1);
      // After each 429 the next attempt came no sooner than Retry-After asked.
      for (let i = 1; i < seq.length; i++) {
        if (seq[i - 1]!.status !== 429) continue;
        shortestWait = Math.min(shortestWait, seq[i]!.at - seq[i - 1]!.at);
        expect(seq[i]!.at - seq[i - 1]!.at).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
      }
    }
    expect(mine.filter((p) => p.status === 429)).toHaveLength(storm);
    expect(jobsOf(orders.map((o) => o.ours)).every((j) => j.status === 'done')).toBe(true);
    Object.assign(figures, {
      storm_orders: STORM_ORDERS,
      storm_429s: storm,
      storm_retry_after_seconds: RETRY_AFTER_S,
      storm_shortest_wait_after_429_seconds: Math.round(shortestWait / 1000),
      storm_delivered: orders.filter((o) => acceptedIn(o.kombo) === 1).length,
      storm_duplicates: orders.filter((o) => acceptedIn(o.kombo) > 1).length,
      storm_simulated_minutes: Math.round((fake - start) / 60_000),
    });
    passed.storm = true;
  });

  it('dead-letters a write-back after its last attempt; outbox:list shows it; outbox:replay and the server deliver it once', { timeout: 300_000 }, async () => {
    const [o] = await completedOrders(1, 'dead');
    kombo.injectFault({ status: 503, times: 10_000, match: { method: 'PUT', path: `/orders/${o!.kombo}/result` } }); // never comes back
    const start = (fake = Math.max(fake, Date.now()));
    await drive([o!.ours]);
    const [job] = jobsOf([o!.ours]);
    expect(job).toMatchObject({ status: 'dead', attempts: job!.max_attempts });
    expect(job!.last_error).toMatch(/503/);
    expect(puts.filter((p) => p.order === o!.kombo)).toHaveLength(job!.max_attempts); // one call per attempt, then none
    expect(acceptedIn(o!.kombo)).toBe(0);

    const env = { DATA_DIR: server.dataDir };
    const listed = await assay(['outbox:list', '--status', 'dead', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const row = listed.json.jobs.find((j: { id: string }) => j.id === job!.id);
    expect(row).toMatchObject({ kind: 'writeback', order_id: o!.ours, status: 'dead', attempts: job!.max_attempts });
    expect(row.last_error).toMatch(/503/);

    kombo.clearFaults(); // the ATS is fixed; an operator replays the job
    const replayed = await assay(['outbox:replay', job!.id, '--json'], env);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.json).toMatchObject({ id: job!.id, status: 'pending' });

    // The running server (its outbox on this time) picks it up and delivers it, once.
    server = await server.restart({ ASSAY_WORKERS: 'on' });
    await until(() => jobsOf([o!.ours])[0]!.status, (s) => s === 'done', 30_000, 'the replayed job');
    await new Promise((r) => setTimeout(r, 1500));
    expect(acceptedIn(o!.kombo)).toBe(1);
    expect(kombo.order(o!.kombo).status).toBe('COMPLETED');
    expect(kombo.requests({ method: 'PUT', path: `/orders/${o!.kombo}/result` }).filter((r) => r.status === 200)).toHaveLength(1);
    expect(jobsOf([o!.ours])[0]).toMatchObject({ status: 'done', attempts: 1 });
    Object.assign(figures, {
      dead_attempts: job!.max_attempts,
      dead_simulated_hours: Math.round(((fake - start) / HOUR) * 10) / 10,
      dead_listed: 1,
      dead_replayed_delivered: acceptedIn(o!.kombo),
    });
    passed.dead = true;
  });
});
