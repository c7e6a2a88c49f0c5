// `assay db:copy`: moves a deployment from its SQLite file to PostgreSQL with its whole history.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl } from '../config.ts';
import { UsageError } from '../errors.ts';
import { migrate as migrateSqlite } from '../store/sqlite/db.ts';
import { migrations as sqliteMigrations } from '../store/sqlite/migrations.ts';
import { openPostgresStore } from '../store/postgres/store.ts';
import type { Command, CommandContext } from './main.ts';

const redact = (url: string) => url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');

interface Column {
  name: string;
  type: string;
}

/** Tables of the PostgreSQL schema, parents before children (foreign keys), with their columns and types. */
async function targetTables(client: pg.PoolClient): Promise<{ name: string; columns: Column[] }[]> {
  const cols = (
    await client.query<{ table_name: string; column_name: string; data_type: string }>(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY table_name, ordinal_position",
    )
  ).rows;
  const fks = (
    await client.query<{ child: string; parent: string }>(
      `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
       JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = 'public'`,
    )
  ).rows;
  const byTable = new Map<string, Column[]>();
  for (const c of cols) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), { name: c.column_name, type: c.data_type }]);
  const ordered: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (ordered.includes(t) || path.has(t)) return;
    path.add(t);
    for (const fk of fks) if (fk.child === t && fk.parent !== t) visit(fk.parent, path);
    ordered.push(t);
  };
  for (const t of [...byTable.keys()].sort()) visit(t, new Set());
  return ordered.map((name) => ({ name, columns: byTable.get(name)! }));
}

/** SQLite's dynamic values into what the PostgreSQL column takes; JSON text stays text (it is parsed into jsonb). */
function convert(v: unknown, col: Column, table: string): unknown {
  if (v === null || v === undefined) return null;
  switch (col.type) {
    case 'boolean':
      return v === 1 || v === true || v === '1';
    case 'jsonb':
      if (typeof v !== 'string') return JSON.stringify(v);
      try {
        JSON.parse(v);
      } catch {
        throw new Error(`${table}.${col.name} holds text that is not JSON: ${v.slice(0, 80)}`);
      }
      return v;
    case 'bigint':
    case 'integer':
    case 'double precision':
      return typeof v === 'bigint' ? v.toString() : v;
    default:
      return typeof v === 'string' ? v : String(v);
  }
}

export async function copySqliteToPostgres(from: string, to: string, onTable: (table: string, rows: number) => void = () => {}): Promise<Record<string, number>> {
  // The source is brought to the current schema as the server would on start, then read only.
  const rw = new Database(from, { fileMustExist: true, timeout: 5000 });
  try {
    migrateSqlite(rw);
  } finally {
    rw.close();
  }
  const src = new Database(from, { readonly: true, fileMustExist: true });
  const store = await openPostgresStore(to);
  const client = await store.pool.connect();
  const copied: Record<string, number> = {};
  try {
    const versions = (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version).sort((a, b) => a - b);
    const expected = sqliteMigrations.map((m) => m.version).sort((a, b) => a - b);
    if (versions.join() !== expected.join()) throw new UsageError('schema_mismatch', `The PostgreSQL schema is at versions ${versions.join(', ')} but this release expects ${expected.join(', ')}.`);
    const tables = await targetTables(client);
    const srcTables = new Set(src.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    for (const t of tables) {
      if (!srcTables.has(t.name)) throw new UsageError('schema_mismatch', `The SQLite file has no table "${t.name}"; is it an Assay database?`);
      const n = (await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${t.name}"`)).rows[0]!.n;
      if (Number(n) > 0) throw new UsageError('target_not_empty', `The PostgreSQL database already holds data (table ${t.name}); db:copy only fills an empty database, so nothing was copied.`);
    }
    // One transaction: the copy is all there or not there at all.
    await client.query('BEGIN');
    await client.query("SET LOCAL assay.copying = 'on'"); // derived rows (package_versions) are copied, not re-derived by triggers
    for (const t of tables) {
      const names = t.columns.map((c) => `"${c.name}"`).join(', ');
      const perBatch = Math.max(1, Math.floor(60_000 / t.columns.length));
      let batch: unknown[][] = [];
      let count = 0;
      const flush = async () => {
        if (!batch.length) return;
        const values: unknown[] = [];
        const tuples = batch.map((row) => `(${row.map((v) => (values.push(v), `$${values.length}`)).join(', ')})`);
        await client.query(`INSERT INTO "${t.name}" (${names}) VALUES ${tuples.join(', ')}`, values);
        count += batch.length;
        batch = [];
      };
      const select = src.prepare(`SELECT ${names} FROM "${t.name}"`);
      const rows = select.all() as Record<string, unknown>[];
      for (const row of rows) {
        batch.push(t.columns.map((c) => convert(row[c.name], c, t.name)));
        if (batch.length >= perBatch) await flush();
      }
      await flush();
      copied[t.name] = count;
      onTable(t.name, count);
    }
    // Check before committing: every row arrived.
    for (const t of tables) {
      const n = Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${t.name}"`)).rows[0]!.n);
      const m = (src.prepare(`SELECT COUNT(*) AS n FROM "${t.name}"`).get() as { n: number }).n;
      if (n !== m) throw new Error(`table ${t.name}: ${m} rows in SQLite but ${n} copied`);
    }
    await client.query('COMMIT');
    return copied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
    src.close();
    await store.close();
  }
}

const str = (ctx: CommandContext, name: string): string => {
  const v = ctx.args[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError('missing_option', `--${name} is required.`);
  return v.trim();
};

export const dbCommands: Record<string, Command> = {
  'db:copy': {
    summary: 'Copy a deployment from its SQLite file into an empty PostgreSQL database, history included.',
    usage: '--from <sqlite file> --to <postgres url>',
    details:
      'Stop the server first (or the copy misses what arrives meanwhile). The target database must be empty; its schema is created. Everything is copied in one transaction and row counts are checked before it commits. Afterwards start every instance with DATABASE_URL=<postgres url> and ASSAY_MASTER_KEY set to the old DATA_DIR/master.key, or the sealed secrets cannot be opened.',
    options: { from: { type: 'string' }, to: { type: 'string' } },
    async run(ctx) {
      const from = resolve(str(ctx, 'from'));
      const to = parseDatabaseUrl(str(ctx, 'to'));
      if (!to) throw new UsageError('missing_option', '--to is required.');
      if (!existsSync(from)) throw new UsageError('unreadable_file', `There is no SQLite file at ${from}.`);
      const started = Date.now();
      let copied: Record<string, number>;
      try {
        copied = await copySqliteToPostgres(from, to);
      } catch (err) {
        if (err instanceof UsageError) throw err;
        throw new UsageError('copy_failed', `Nothing was copied (the transaction was rolled back): ${(err as Error).message}`);
      }
      const total = Object.values(copied).reduce((a, b) => a + b, 0);
      const lines = Object.entries(copied).map(([t, n]) => `  ${t.padEnd(18)} ${n}`);
      ctx.out(
        `Copied ${total} rows from ${from} to ${redact(to)} in ${((Date.now() - started) / 1000).toFixed(1)} s:\n${lines.join('\n')}\nNext: start every instance with DATABASE_URL set to that URL and ASSAY_MASTER_KEY set to the old DATA_DIR/master.key.`,
        { from, to: redact(to), rows: total, tables: copied },
      );
    },
  },
};
