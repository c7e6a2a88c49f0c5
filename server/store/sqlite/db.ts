import Database from 'better-sqlite3';
import { migrations } from './migrations.ts';

export type DB = Database.Database;

/**
 * How long a write waits for another process's write lock (a CLI command beside the server) before it fails
 * with SQLITE_BUSY. better-sqlite3 waits synchronously: the process does nothing else meanwhile.
 */
export const BUSY_TIMEOUT_MS = 15_000;

/**
 * Opens the one database file with the pragmas we rely on.
 * synchronous=FULL: an acknowledged webhook or result must survive an OS crash or power loss, not only
 * a process crash (WAL + NORMAL may roll back the last commits on power loss); the cost is one fsync
 * per commit, which the ingest benchmark measures.
 */
export function openDatabase(file: string, onStatement?: (sql: unknown) => void, busyTimeoutMs = BUSY_TIMEOUT_MS): DB {
  const db = new Database(file, { timeout: busyTimeoutMs, ...(onStatement ? { verbose: onStatement } : {}) });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Erased personal data is overwritten with zeros, not left in free pages of the file.
  db.pragma('secure_delete = ON');
  // Reads of one account's rows touch pages all over a large file: map it and keep a bigger page cache
  // so they cost memory accesses, not a system call each (see the storage benchmark).
  db.pragma('mmap_size = 1073741824');
  db.pragma('cache_size = -65536');
  db.pragma(`busy_timeout = ${Math.floor(busyTimeoutMs)}`); // a CLI command beside a busy server waits rather than fails
  migrate(db);
  return db;
}

export function migrate(db: DB): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  let count = 0;
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      insert.run(m.version, m.name, new Date().toISOString());
    }).immediate();
    count++;
  }
  return count;
}

export const json = <T>(s: string | null): T => (s === null ? (null as T) : (JSON.parse(s) as T));
export const nowIso = () => new Date().toISOString();
