// Three BFF processes on one PostgreSQL, as a provider scales out behind a load balancer. A burst of
// Kombo order webhooks (every order delivered three times, to different instances, concurrently) is
// spread over all three, and one instance is killed (SIGKILL) half-way; deliveries it dropped are
// re-sent to a survivor, as a load balancer or Kombo's retry would. Reconciliation and the sweeper run
// in every instance the whole time. Then candidates take their tests through the survivors and the
// results are written back to Kombo. Every order must exist exactly once, every invitation e-mail be
// sent exactly once, every result be written to Kombo exactly once: zero duplicates, zero losses.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PgCluster } from '../helpers/postgres.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { signKomboWebhook, startSimulator, type KomboOrder, type KomboSimHandle } from '../simulators/kombo/index.ts';
import { assayAsync, inviteToken, takeTest, until } from '../integration/kombo-helpers.ts';

const ORDERS = Number(process.env.SCALE_TEST_ORDERS ?? 60);
const COPIES = 3; // each delivery sent three times, each copy to a different instance
const COMPLETE = Number(process.env.SCALE_TEST_COMPLETE ?? 15); // orders whose candidate finishes the test
const PARALLEL = 24;

let cluster: PgCluster;
let db: pg.Pool;
let kombo: KomboSimHandle;
const servers: RunningServer[] = [];
const dataDirs: string[] = [];
let env: Record<string, string>;

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as T[];

/** Every invitation e-mail any instance wrote, by order id (the .eml name ends in -<order id>.eml). */
function mailsByOrder(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const dir of dataDirs) {
    const mail = join(dir, 'mail');
    if (!existsSync(mail)) continue;
    for (const f of readdirSync(mail)) {
      const m = /^\d+-(ord_[a-z0-9]+)\.eml$/.exec(f);
      if (!m) continue;
      out.set(m[1]!, [...(out.get(m[1]!) ?? []), readFileSync(join(mail, f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=')]);
    }
  }
  return out;
}

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase('assay_scale');
  db = new pg.Pool({ connectionString: url, max: 3 });
  kombo = await startSimulator({});
  env = {
    DATABASE_URL: url,
    ASSAY_MASTER_KEY: randomBytes(32).toString('base64'), // shared: any instance opens what another sealed
    ASSAY_OUTBOX_LEASE_MS: '5000', // a dead instance's jobs are taken over after 5 s
    KOMBO_RECONCILE_MS: '1500', // reconciliation runs in all three, racing the webhooks
    ASSAY_SWEEP_MS: '500',
  };
  for (let i = 0; i < 3; i++) dataDirs.push(mkdtempSync(join(tmpdir(), `assay-scale-${i}-`)));
  // All three start at once on an empty database: migrations and the demo seed must happen once.
  servers.push(...(await Promise.all(dataDirs.map((dataDir) => startServer({ dataDir, env })))));
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await kombo?.close();
  await db?.end();
  await cluster?.stop();
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
});

describe('three BFF instances on one PostgreSQL', () => {
  it('start together on an empty database and seed the demo account once', async () => {
    expect(await q('SELECT id FROM accounts')).toEqual([{ id: 'demo' }]);
    expect((await q<{ n: number }>('SELECT COUNT(*)::int AS n FROM users'))[0]!.n).toBe(1);
    expect(servers.filter((s) => s.demo)).toHaveLength(1); // one instance wrote demo.json
    const seeded = servers.find((s) => s.demo)!;
    // A widget session minted by one instance is accepted by the others (shared master key).
    const { sessionToken, api } = await import('../helpers/tokens.ts');
    const token = await sessionToken(servers[0]!.url, seeded.demo);
    for (const s of servers) expect((await api(s.url, token).get('/api/packages')).status).toBe(200);
  });

  it('take a burst of Kombo webhooks across all three, one killed half-way: every order, invitation and write-back exactly once', async () => {
    const started = Date.now();
    const seeded = servers.find((s) => s.demo)!;
    const c = kombo.credentials;
    const added = await assayAsync(
      ['connections:add', '--account', 'demo', '--provider', 'kombo', '--set', `api_key=${c.api_key}`, '--set', `integration_id=${c.integration_id}`, '--set', `webhook_secret=${c.webhook_secret}`, '--set', `base_url=${c.base_url}`, '--json'],
      { ...seeded.storeEnv, DATABASE_URL: env.DATABASE_URL!, ASSAY_MASTER_KEY: env.ASSAY_MASTER_KEY! },
    );
    expect(added.code, added.stderr).toBe(0);
    const conn = { id: added.json.connection_id as string };
    const secret = kombo.credentials.webhook_secret!;

    // The orders exist in Kombo (OPEN); their webhooks are ours to deliver.
    const orders: KomboOrder[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const pkg = i % 2 ? 'numerical-reasoning' : 'logical-reasoning';
      orders.push((await kombo.createOrder({ package_id: pkg, deliver: false })).order);
    }
    const deliveries = orders.flatMap((o, i) => Array.from({ length: COPIES }, (_, c) => ({ order: o, target: (i + c) % 3 })));
    // Shuffle (deterministically) so copies of one order arrive at different instances at about the same time.
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }

    const victim = servers[2]!;
    let sent = 0;
    let resent = 0;
    let killedAt = -1;
    const perInstance = [0, 0, 0];
    const created = [0, 0, 0];
    const statuses: number[] = [];
    const deliver = async (d: (typeof deliveries)[number]) => {
      let target = d.target;
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await fetch(`${servers[target]!.url}/webhooks/kombo/${conn.id}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-kombo-signature': signKomboWebhook(d.order.webhook_body, secret, 'base64url') },
            body: d.order.webhook_body,
            signal: AbortSignal.timeout(20_000),
          });
          if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
          const body = (await res.json()) as { duplicate?: boolean };
          statuses.push(res.status);
          perInstance[target]!++;
          if (res.status === 200 && body.duplicate === false) created[target]!++;
          return;
        } catch (err) {
          // The instance died under this request (or refused it): the delivery goes to a survivor.
          if (attempt > 5) throw err;
          resent++;
          target = attempt % 2; // instances 0 and 1 survive
          await new Promise((r) => setTimeout(r, 50 * attempt));
        }
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < deliveries.length) {
          const d = deliveries[next++]!;
          if (killedAt < 0 && sent >= deliveries.length / 2) {
            killedAt = sent;
            void victim.kill(); // SIGKILL: no goodbye, its leases and connections just stop
          }
          sent++;
          await deliver(d);
        }
      }),
    );
    const burstMs = Date.now() - started;
    expect(killedAt).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);

    // Every order exactly once (by Kombo order id), none lost.
    const rows = await q<{ id: string; source_order_id: string; status: string }>("SELECT id, source_order_id, status FROM orders WHERE source = 'kombo'");
    expect(rows.map((r) => r.source_order_id).sort()).toEqual(orders.map((o) => o.id).sort());
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
    // Every delivery recorded once in the inbox (one event id per order).
    const inbox = await q<{ delivery_id: string }>("SELECT delivery_id FROM inbox WHERE provider = 'kombo'");
    expect(inbox.map((r) => r.delivery_id).sort()).toEqual(orders.map((o) => `evt:${o.event_id}`).sort());

    // Every invitation queued once and sent once, including those the dead instance had claimed.
    await until(
      () => q<{ n: number }>("SELECT COUNT(*)::int AS n FROM outbox WHERE kind = 'email.invitation' AND status <> 'done'"),
      (r) => r[0]!.n === 0,
      40_000,
      'every invitation job done',
    );
    const jobs = await q<{ order_id: string; attempts: number }>("SELECT order_id, attempts FROM outbox WHERE kind = 'email.invitation'");
    expect(jobs.map((j) => j.order_id).sort()).toEqual(rows.map((r) => r.id).sort());
    const mails = mailsByOrder();
    const mailCounts = rows.map((r) => mails.get(r.id)?.length ?? 0);
    // On failure, say which instance (2 is the one killed) wrote each copy and how often the job ran.
    const copies = rows
      .filter((r) => (mails.get(r.id)?.length ?? 0) !== 1)
      .map((r) => ({ order: r.id, attempts: jobs.find((j) => j.order_id === r.id)?.attempts, perInstance: dataDirs.map((d) => (existsSync(join(d, 'mail')) ? readdirSync(join(d, 'mail')).filter((f) => f.endsWith(`-${r.id}.eml`)).length : 0)) }));
    // Across a crash the outbox is at-least-once: a mail the killed instance (index 2) handed to its
    // transport but could not record as done is sent again by a survivor once its lease lapses — one
    // copy each, never lost. Any other duplicate (two from one instance, or two from survivors) is a bug.
    const crashCopies = copies.filter((c) => c.perInstance[2] === 1 && c.perInstance[0]! + c.perInstance[1]! === 1);
    expect({ lost: mailCounts.filter((n) => n === 0).length, duplicated: mailCounts.filter((n) => n > 1).length - crashCopies.length }, JSON.stringify(copies)).toEqual({ lost: 0, duplicated: 0 });
    // Only what the killed instance had in flight at the moment of the kill (one claimed batch at most).
    expect(crashCopies.length).toBeLessThanOrEqual(20);
    const mailsPerInstance = dataDirs.map((d) => (existsSync(join(d, 'mail')) ? readdirSync(join(d, 'mail')).filter((f) => f.endsWith('.eml')).length : 0));

    // Candidates take their tests through the two survivors; results go back to Kombo.
    const survivors = servers.filter((s) => s !== victim);
    const toComplete = rows.slice(0, COMPLETE);
    await Promise.all(
      toComplete.map(async (r, i) => {
        const token = inviteToken(mails.get(r.id)![0]!)!;
        const ko = orders.find((o) => o.id === r.source_order_id)!;
        await takeTest(survivors[i % 2]!.url, token, ko.package_id);
      }),
    );
    await until(
      () => toComplete.map((r) => kombo.order(r.source_order_id).status),
      (s) => s.every((x) => x === 'COMPLETED'),
      40_000,
      'every result in Kombo',
    );
    await until(
      () => q<{ n: number }>("SELECT COUNT(*)::int AS n FROM outbox WHERE kind = 'writeback' AND status <> 'done'"),
      (r) => r[0]!.n === 0,
      20_000,
      'every write-back job done',
    );
    await new Promise((r) => setTimeout(r, 1500)); // a late duplicate would show by now
    const resultPuts = kombo.requests({ method: 'PUT', path: /\/v1\/assessment\/orders\/[^/]+\/result$/ });
    for (const r of toComplete) {
      const held = kombo.order(r.source_order_id);
      expect(held.result_history.filter((h) => h.accepted)).toHaveLength(1);
      expect(resultPuts.filter((p) => p.path.includes(`/orders/${r.source_order_id}/result`))).toHaveLength(1);
    }
    expect(resultPuts).toHaveLength(COMPLETE);
    const writebacks = await q<{ order_id: string; status: string }>("SELECT order_id, status FROM outbox WHERE kind = 'writeback'");
    expect(writebacks.map((w) => w.order_id).sort()).toEqual(toComplete.map((r) => r.id).sort());
    // The orders nobody finished are still open in Kombo, with no result written.
    for (const r of rows.slice(COMPLETE)) expect(kombo.order(r.source_order_id)).toMatchObject({ status: 'OPEN', result: null });
    // No order lost or doubled in the database either, after all that.
    expect((await q<{ n: number }>("SELECT COUNT(*)::int AS n FROM orders WHERE source = 'kombo'"))[0]!.n).toBe(ORDERS);

    const figures = {
      orders: ORDERS,
      deliveries: deliveries.length,
      killed_after_deliveries: killedAt,
      resent_to_survivors: resent,
      answered_per_instance: perInstance,
      orders_created_per_instance: created,
      invitation_mails_per_instance: mailsPerInstance,
      invitations: mailCounts.reduce((a, b) => a + b, 0),
      duplicate_orders: rows.length - new Set(rows.map((r) => r.source_order_id)).size,
      lost_orders: ORDERS - rows.length,
      duplicate_invitations: mailCounts.filter((n) => n > 1).length,
      lost_invitations: mailCounts.filter((n) => n === 0).length,
      results_written: resultPuts.length,
      results_expected: COMPLETE,
      burst_seconds: Math.round(burstMs / 100) / 10,
      total_seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    process.stdout.write(`scale figures: ${JSON.stringify(figures)}\n`);
    // The work was shared: each instance answered deliveries and sent invitations before (or after) the kill.
    expect(perInstance.every((n) => n > 0)).toBe(true);
    expect(mailsPerInstance.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  }, 150_000);
});
