// Moving a deployment from SQLite to PostgreSQL with `assay db:copy`, as an operator would: the history
// arrives whole, the old widget context secret and Idempotency-Keys keep working on the new store, and
// the operator's mistakes (a bad URL, a non-empty target, a different master key) get a sentence.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/candidate.ts';
import { assay } from '../helpers/cli.ts';
import { query } from '../helpers/db.ts';
import { startPostgres, type PgCluster } from '../helpers/postgres.ts';
import { ROOT, serverEntry, startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

let cluster: PgCluster;
let old: RunningServer;
let target = '';
const placed: string[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
  target = await cluster.createDatabase('moved');
  // A SQLite deployment with some history: orders (one with an Idempotency-Key), a resend, audit entries.
  old = await startServer({ keepData: true });
  const a = api(old.url, await sessionToken(old.url, old.demo));
  const first = await a.post('/api/orders', { package_id: 'logical-reasoning' }, { 'Idempotency-Key': 'click-1' });
  expect(first.status).toBe(201);
  placed.push(first.body.order.id);
  const second = await a.post('/api/orders', { package_id: 'work-style' });
  expect(second.status).toBe(201);
  placed.push(second.body.order.id);
  // The invitation e-mails go out, so the copied history holds finished outbox jobs too.
  await until(
    () => query<{ n: number }>(old, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'email.invitation' AND status = 'done'")[0]!.n,
    (n) => n === 2,
    30_000,
    'both invitation e-mails sent',
  );
  await old.stop();
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  if (old) rmSync(old.dataDir, { recursive: true, force: true });
});

const countsSqlite = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").pluck().all() as string[];
    return Object.fromEntries(tables.sort().map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
};

describe('assay db:copy', () => {
  it('refuses a URL that is not PostgreSQL, with its code and a sentence, without echoing the password', async () => {
    const r = await assay(['db:copy', '--from', join(old.dataDir, 'assay.db'), '--to', 'mysql://root:hunter2@db/assay', '--json'], { ...old.storeEnv });
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stderr).error;
    expect(err.code).toBe('invalid_database_url');
    expect(err.message).toMatch(/postgres:\/\/user:password@host:5432\/database/);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('copies every row of every table into an empty PostgreSQL database', async () => {
    const file = join(old.dataDir, 'assay.db');
    const before = countsSqlite(file);
    const r = await assay(['db:copy', '--from', file, '--to', target, '--json'], { ...old.storeEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.tables).toEqual(before);
    expect(r.json.tables.orders).toBe(2);
    expect(r.json.tables.idempotency_keys).toBe(1);
    expect(r.json.tables.outbox).toBeGreaterThanOrEqual(2);
    expect(r.json.rows).toBeGreaterThan(15);
    expect(r.json.tables.package_contents).toBeGreaterThan(0);
  });

  it('refuses to copy into a database that already holds data, and changes nothing', async () => {
    const r = await assay(['db:copy', '--from', join(old.dataDir, 'assay.db'), '--to', target, '--json'], { ...old.storeEnv });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('target_not_empty');
    const c = new pg.Client({ connectionString: target });
    await c.connect();
    expect((await c.query('SELECT COUNT(*)::int AS n FROM orders')).rows[0].n).toBe(2);
    await c.end();
  });

  it('serves the moved deployment from PostgreSQL: same context secret, same orders, same Idempotency-Keys', async () => {
    const masterKey = readFileSync(join(old.dataDir, 'master.key'), 'utf8').trim();
    const moved = await startServer({ env: { DATABASE_URL: target, ASSAY_MASTER_KEY: masterKey } });
    try {
      // No second demo account: the moved one is there. The old demo.json's secret still signs contexts.
      const a = api(moved.url, await sessionToken(moved.url, old.demo));
      const list = await a.get('/api/orders');
      expect(list.status).toBe(200);
      expect(list.body.orders.map((o: { id: string }) => o.id).sort()).toEqual([...placed].sort());
      const replay = await a.post('/api/orders', { package_id: 'logical-reasoning' }, { 'Idempotency-Key': 'click-1' });
      expect(replay.status).toBe(200);
      expect(replay.body.order.id).toBe(placed[0]);
      const fresh = await a.post('/api/orders', { package_id: 'numerical-reasoning' }, { 'Idempotency-Key': 'click-2' });
      expect(fresh.status).toBe(201);
    } finally {
      await moved.stop();
    }
  });

  it('will not start an instance whose master key differs from the one the data was sealed with', async () => {
    const r = spawnSync(process.execPath, serverEntry(), {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', ...old.storeEnv, DATABASE_URL: target, ASSAY_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/master_key_mismatch: .*same ASSAY_MASTER_KEY/);
  });

  it('will not start with a DATABASE_URL it cannot use, saying why', async () => {
    const run = (url: string) =>
      spawnSync(process.execPath, serverEntry(), {
        cwd: ROOT,
        env: { ...process.env, PORT: '0', ...old.storeEnv, DATABASE_URL: url, LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const bad = run('postgres://nohost');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^assay: invalid_database_url: DATABASE_URL must look like postgres:\/\//);
    const down = run(`postgres://postgres@127.0.0.1:${cluster.port}/no_such_database`);
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/database_unavailable: Cannot open the PostgreSQL database 127\.0\.0\.1:\d+\/no_such_database \(.*no_such_database.*\)/);
  });
});
