// What a test reads (or, to arrange a case, writes) in the server's database, on either store: the SQLite
// file in the data folder, or the PostgreSQL database in the server's DATABASE_URL. One synchronous API, so
// test files stay one copy for both stores: SQL is written with `?` placeholders (turned into $1, $2 … for
// PostgreSQL) and values come back as SQLite shows them (see pg-sync.worker.mjs). PostgreSQL queries run in a
// worker thread while this thread waits, bounded.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** A started server (RunningServer) or anything else naming a data folder and the environment it ran with. */
export interface DbTarget {
  dataDir: string;
  env?: Record<string, string | undefined>;
}

const DEFAULT_TABLES = ['orders', 'candidates', 'outbox', 'idempotency_keys', 'results', 'answers', 'inbox', 'audit_log'];

/** The store a server with this environment uses: DATABASE_URL set means PostgreSQL (as server/config.ts reads it). */
export function storeOf(t: DbTarget): { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string } {
  const url = t.env?.DATABASE_URL;
  return url ? { kind: 'postgres', url } : { kind: 'sqlite', file: join(t.dataDir, 'assay.db') };
}

/** `?` placeholders (outside quoted text and identifiers) as PostgreSQL's $1, $2, … */
export function toPgPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '?') {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}

let worker: Worker | null = null;

function pgRun(url: string, sql: string, params: unknown[]): { rows: unknown[]; changes: number } {
  if (!worker) {
    worker = new Worker(new URL('./pg-sync.worker.mjs', import.meta.url));
    worker.unref(); // it holds no process open; it ends with the test file's process
  }
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  worker.postMessage({ signal, port: port2, url, sql: toPgPlaceholders(sql), params }, [port2]);
  const waited = Atomics.wait(signal, 0, 0, 30_000);
  const msg = receiveMessageOnPort(port1)?.message as { rows: unknown[]; changes: number; error?: string } | undefined;
  port1.close();
  if (waited === 'timed-out' || !msg) throw new Error(`PostgreSQL did not answer in 30 s: ${sql}`);
  if (msg.error) throw new Error(`${msg.error}\n  in: ${sql}`);
  return msg;
}

function run(t: DbTarget, sql: string, params: unknown[], write: boolean): { rows: unknown[]; changes: number } {
  const store = storeOf(t);
  if (store.kind === 'postgres') return pgRun(store.url, sql, params);
  const db = new Database(store.file, { readonly: !write, fileMustExist: true });
  try {
    const stmt = db.prepare(sql);
    if (stmt.reader) return { rows: stmt.all(...params), changes: 0 };
    return { rows: [], changes: stmt.run(...params).changes };
  } finally {
    db.close();
  }
}

/** Rows of a SELECT on the server's database, read-only. */
export function query<T = Record<string, unknown>>(t: DbTarget, sql: string, ...params: unknown[]): T[] {
  return run(t, sql, params, false).rows as T[];
}

/** Runs a write (to arrange a case storage alone can make), returning the number of rows changed. */
export function execute(t: DbTarget, sql: string, ...params: unknown[]): number {
  return run(t, sql, params, true).changes;
}

/** How many rows each table holds, to check what was (not) written. */
export function countRows(t: DbTarget, tables = DEFAULT_TABLES): Record<string, number> {
  return Object.fromEntries(tables.map((name) => [name, query<{ n: number }>(t, `SELECT COUNT(*) AS n FROM ${name}`)[0]!.n]));
}

/** The application's tables (not the store's own bookkeeping), by name. */
export function tableNames(t: DbTarget): string[] {
  const sql =
    storeOf(t).kind === 'postgres'
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1";
  return query<{ name: string }>(t, sql).map((r) => r.name);
}
