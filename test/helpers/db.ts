import Database from 'better-sqlite3';
import { join } from 'node:path';

/** Reads the server's SQLite file read-only, to check what was (not) written. */
export function countRows(dataDir: string, tables = ['orders', 'candidates', 'outbox', 'idempotency_keys', 'results', 'answers', 'inbox', 'audit_log']): Record<string, number> {
  const db = new Database(join(dataDir, 'assay.db'), { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

export function query<T = Record<string, unknown>>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(dataDir, 'assay.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
