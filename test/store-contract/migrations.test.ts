// The two migration sets are kept in step: same versions and names, and once applied the same tables,
// the same columns (with the same NOT NULL), the same primary keys and unique keys. A migration added
// to one store and not the other fails here.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate as migrateSqlite } from '../../server/store/sqlite/db.ts';
import { migrations as sqliteMigrations } from '../../server/store/sqlite/migrations.ts';
import { migrations as pgMigrations } from '../../server/store/postgres/migrations.ts';
import { openPostgresStore } from '../../server/store/postgres/store.ts';
import { startPostgres, type PgCluster } from '../helpers/postgres.ts';

interface Shape {
  tables: Record<string, { columns: Record<string, { notNull: boolean }>; primaryKey: string[]; unique: string[][] }>;
}

function sqliteShape(): Shape {
  const db = new Database(':memory:');
  try {
    migrateSqlite(db);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").pluck().all() as string[]).sort();
    const shape: Shape = { tables: {} };
    for (const t of tables) {
      const cols = db.prepare(`PRAGMA table_info("${t}")`).all() as { name: string; notnull: number; pk: number }[];
      const unique: string[][] = [];
      for (const ix of db.prepare(`PRAGMA index_list("${t}")`).all() as { name: string; unique: number; origin: string; partial: number }[]) {
        if (!ix.unique || ix.origin === 'pk' || ix.partial) continue;
        unique.push((db.prepare(`PRAGMA index_info("${ix.name}")`).all() as { name: string | null }[]).map((c) => c.name ?? '<expression>'));
      }
      shape.tables[t] = {
        // A PRIMARY KEY column is NOT NULL in PostgreSQL whatever it says; in SQLite only if declared (or INTEGER PRIMARY KEY).
        columns: Object.fromEntries(cols.map((c) => [c.name, { notNull: c.notnull === 1 || c.pk > 0 }])),
        primaryKey: cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
        unique: unique.map((u) => u.join(',')).sort().map((u) => u.split(',')),
      };
    }
    return shape;
  } finally {
    db.close();
  }
}

async function pgShape(url: string): Promise<Shape> {
  const store = await openPostgresStore(url);
  try {
    const q = <T>(sql: string) => store.pool.query(sql).then((r) => r.rows as T[]);
    const cols = await q<{ table_name: string; column_name: string; is_nullable: string }>(
      "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY table_name, ordinal_position",
    );
    const idx = await q<{ table: string; name: string; primary: boolean; unique: boolean; partial: boolean; cols: string[] | null; expr: string | null }>(`
      SELECT t.relname::text AS table, i.relname::text AS name, x.indisprimary AS primary, x.indisunique AS unique, x.indpred IS NOT NULL AS partial,
        (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols,
        pg_get_expr(x.indexprs, t.oid) AS expr
      FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
      WHERE ns.nspname = 'public' AND t.relname <> 'schema_migrations'`);
    const shape: Shape = { tables: {} };
    for (const c of cols) {
      const t = (shape.tables[c.table_name] ??= { columns: {}, primaryKey: [], unique: [] });
      t.columns[c.column_name] = { notNull: c.is_nullable === 'NO' };
    }
    for (const i of idx) {
      const t = shape.tables[i.table]!;
      if (i.primary) t.primaryKey = i.cols ?? [];
      else if (i.unique && !i.partial) {
        // users_email is UNIQUE (lower(email)): SQLite's UNIQUE COLLATE NOCASE on email.
        t.unique.push(i.expr ? [/lower\((\w+)\)/.exec(i.expr)?.[1] ?? '<expression>'] : (i.cols ?? []));
      }
    }
    for (const t of Object.values(shape.tables)) t.unique = t.unique.map((u) => u.join(',')).sort().map((u) => u.split(','));
    shape.tables = Object.fromEntries(Object.entries(shape.tables).sort(([a], [b]) => (a < b ? -1 : 1)));
    return shape;
  } finally {
    await store.close();
  }
}

let cluster: PgCluster;
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster?.stop();
});

describe('SQLite and PostgreSQL migrations', () => {
  it('have the same versions and names', () => {
    expect(pgMigrations.map((m) => `${m.version} ${m.name}`)).toEqual(sqliteMigrations.map((m) => `${m.version} ${m.name}`));
  });

  it('define the same tables, columns, NOT NULLs, primary keys and unique keys', async () => {
    const lite = sqliteShape();
    const pg = await pgShape(await cluster.createDatabase());
    expect(Object.keys(pg.tables).sort()).toEqual(Object.keys(lite.tables).sort());
    for (const [name, t] of Object.entries(lite.tables)) {
      expect({ table: name, ...pg.tables[name] }).toEqual({ table: name, ...t });
    }
    expect(Object.keys(lite.tables).length).toBeGreaterThanOrEqual(18);
  });

  it('give PostgreSQL every index SQLite has, by name', async () => {
    const db = new Database(':memory:');
    migrateSqlite(db);
    const liteIdx = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'").pluck().all() as string[];
    db.close();
    const store = await openPostgresStore(await cluster.createDatabase());
    const pgIdx = (await store.pool.query<{ n: string }>("SELECT indexname AS n FROM pg_indexes WHERE schemaname = 'public'")).rows.map((r) => r.n);
    await store.close();
    expect(liteIdx.length).toBeGreaterThan(5);
    expect(liteIdx.filter((n) => !pgIdx.includes(n))).toEqual([]);
  });

  it('bring a database up to date once, even when several instances start at the same moment', async () => {
    const url = await cluster.createDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore(url)));
    try {
      const applied = await stores[0]!.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(applied.rows.map((r) => r.version)).toEqual(pgMigrations.map((m) => m.version));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
