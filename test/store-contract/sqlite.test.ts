// The store contract against the embedded default: a SQLite file in a temp folder per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { storeContract } from './contract.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

storeContract({
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'assay-contract-'));
    dirs.push(dir);
    return openSqliteStore(dir);
  },
});

/** A new SQLite store in a temp folder, and a second, read-only connection to its file: what a restarted process would find. */
function freshStore() {
  const dir = mkdtempSync(join(tmpdir(), 'assay-group-'));
  dirs.push(dir);
  return { store: openSqliteStore(dir), other: new Database(join(dir, 'assay.db'), { readonly: true }) };
}

describe('sqlite group commit', () => {
  it('shares one commit among units of work arriving together; each is durable when it resolves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-group-'));
    dirs.push(dir);
    const store = openSqliteStore(dir);
    const other = new Database(join(dir, 'assay.db'), { readonly: true }); // another connection sees only committed rows
    try {
      const before = { ...store.commits };
      const ids = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.transaction(async (tx) => {
            await tx.audit.add({ account_id: 'gc', actor: 'test', action: 'gc.unit', target: `t${i}`, details: {} });
            return i;
          }).then((i) => {
            // Resolved means committed: the other connection sees this unit's row right away.
            const seen = other.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'gc.unit' AND target = ?").pluck().get(`t${i}`);
            expect(seen, `unit ${i}`).toBe(1);
            return i;
          }),
        ),
      );
      expect(ids).toHaveLength(40);
      const commits = store.commits.count - before.count;
      expect(store.commits.units - before.units).toBe(40);
      expect(commits).toBeGreaterThanOrEqual(1);
      expect(commits).toBeLessThan(40); // grouped, not one fsync per unit
      // A read-only unit of work does not wait for a commit and does not count as one.
      const count = store.commits.count;
      expect(await store.transaction((tx) => tx.audit.list('gc', 100))).toHaveLength(40);
      expect(store.commits.count).toBe(count);
    } finally {
      other.close();
      await store.close();
    }
  });
});

describe('sqlite reads answer only what is durable', () => {
  // A read outside a unit of work that runs while a group commit is open reads through that transaction, so it
  // sees its units' writes before they are committed. It must not answer until they are: a client shown them
  // would otherwise see a state a crash takes back (test/integration/outbox-outcome-durable.test.ts).
  it('answers a read that saw an open group commit only once another connection sees the same', async () => {
    const { store, other } = freshStore();
    try {
      const onDisk = () => other.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'durable.read'").pluck().get();
      const write = store.transaction((tx) => tx.audit.add({ account_id: 'dr', actor: 'test', action: 'durable.read', target: 't', details: {} }));
      const read = store.audit.list('dr', 10).then((rows) => ({ read: rows.length, onDisk: onDisk() }));
      expect(await read).toEqual({ read: 1, onDisk: 1 });
      await write;
      // With no group commit open, a read answers at once (and waits for no commit).
      const commits = store.commits.count;
      expect(await store.audit.list('dr', 10)).toHaveLength(1);
      expect(store.commits.count).toBe(commits);
    } finally {
      other.close();
      await store.close();
    }
  });
});

describe('sqlite units of work call through tx only', () => {
  // Every store call waits its turn on one mutex, and a running unit of work holds it: a call through the store
  // (not the unit's tx) from inside the unit would wait for the unit, which waits for the call — forever, with
  // SQLite's write lock held, so every other process's write would fail too. It fails at once instead.
  it('refuses a store call or a nested transaction made inside a unit of work, and the unit rolls back', async () => {
    const { store, other } = freshStore();
    try {
      const inside = (call: () => Promise<unknown>) =>
        store.transaction(async (tx) => {
          await tx.audit.add({ account_id: 'rx', actor: 'test', action: 'reentry', target: 't', details: {} });
          await call();
        });
      await expect(inside(() => store.audit.list('rx', 10))).rejects.toThrow(/store\.audit\.list was called inside a unit of work/);
      await expect(inside(() => store.transaction((tx) => tx.audit.list('rx', 10)))).rejects.toThrow(/store\.transaction was called inside a unit of work/);
      // Both units rolled back; the store still serves calls, and a timer the unit scheduled may use it afterwards.
      expect(await store.audit.list('rx', 10)).toEqual([]);
      let fromTimer: Promise<unknown> | null = null;
      await store.transaction(async () => {
        setImmediate(() => (fromTimer = store.audit.list('rx', 10)));
      });
      await new Promise((r) => setImmediate(r));
      expect(await fromTimer).toEqual([]);
    } finally {
      other.close();
      await store.close();
    }
  });
});

describe('sqlite query plans without statistics', () => {
  // The store never runs ANALYZE, so SQLite plans from the schema alone. GET /api/orders must go straight to
  // the application's rows (orders_application), not walk every order of the account in date order.
  it("lists one application's orders through orders_application on a busy account", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-plan-'));
    dirs.push(dir);
    const store = openSqliteStore(dir);
    try {
      const db = store.db;
      const one = (app: string, i: number) => ({ id: `o${i}`, account_id: 'acc', source: 'widget', source_order_id: `s${i}`, package_id: 'p', package_version: 1, candidate_id: 'c', application_id: app, status: 'pending', meta: '{}', created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), updated_at: '2026-01-01T00:00:00.000Z' });
      const ins = db.prepare(`INSERT INTO orders (id, account_id, source, source_order_id, package_id, package_version, candidate_id, application_id, status, meta, created_at, updated_at)
        VALUES (@id, @account_id, @source, @source_order_id, @package_id, @package_version, @candidate_id, @application_id, @status, @meta, @created_at, @updated_at)`);
      db.pragma('foreign_keys = OFF'); // bare order rows: the plan is what is under test
      db.transaction(() => {
        for (let i = 0; i < 3000; i++) ins.run(one(`app${i % 1000}`, i));
      })();
      db.pragma('foreign_keys = ON');
      const { FOR_APPLICATION } = await import('../../server/store/orders/sqlite.ts');
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${FOR_APPLICATION}`).all('acc', 'app7') as { detail: string }[]).map((r) => r.detail);
      expect(plan.find((d) => /^SEARCH o /.test(d))).toMatch(/USING INDEX orders_application \(account_id=\? AND application_id=\?\)/);
      // And the answer is the application's orders, newest first.
      const rows = await store.orders.listForApplication('acc', 'app7');
      expect(rows.map((r) => r.id)).toEqual(['o2007', 'o1007', 'o7']);
    } finally {
      await store.close();
    }
  });
  // Issue 19's ingest profile: every webhook of one account and package asks "is this package already open
  // for this candidate?" (placeOrder's order_already_active check). Planned from the schema alone, SQLite
  // took orders_account_package and walked every order of that package (7 % of the server's time at 200/s,
  // growing with the table); a candidate has a handful of orders, so orders_candidate answers it.
  it("finds a candidate's open order through orders_candidate, not every order of the package", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-plan-'));
    dirs.push(dir);
    const store = openSqliteStore(dir);
    try {
      const db = store.db;
      const ins = db.prepare(`INSERT INTO orders (id, account_id, source, source_order_id, package_id, package_version, candidate_id, application_id, status, meta, created_at, updated_at)
        VALUES (?, 'acc', 'kombo', ?, 'work-style', 1, ?, ?, ?, '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`);
      db.pragma('foreign_keys = OFF'); // bare order rows: the plan is what is under test
      db.transaction(() => {
        for (let i = 0; i < 3000; i++) ins.run(`o${i}`, `s${i}`, `cand${i}`, `app${i}`, i === 42 ? 'in_progress' : 'pending');
        ins.run('done42', 'sdone42', 'cand42', 'app42', 'completed');
      })();
      db.pragma('foreign_keys = ON');
      const { ACTIVE } = await import('../../server/store/orders/sqlite.ts');
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${ACTIVE}`).all('acc', 'cand42', 'app42', 'work-style') as { detail: string }[]).map((r) => r.detail);
      expect(plan.find((d) => /^SEARCH orders /.test(d))).toMatch(/USING INDEX orders_candidate \(account_id=\? AND candidate_id=\?\)/);
      // And the answer is the candidate's open order for that application and package, nobody else's.
      expect((await store.orders.findActive('acc', 'cand42', 'app42', 'work-style'))?.id).toBe('o42');
      expect(await store.orders.findActive('acc', 'cand42', 'app43', 'work-style')).toBeNull();
      expect(await store.orders.findActive('acc', 'cand42', 'app42', 'other')).toBeNull();
    } finally {
      await store.close();
    }
  });
});
