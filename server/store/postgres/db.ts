import pg from 'pg';
import { migrations } from './migrations.ts';

/** A pool (statements autocommit) or one client checked out for a unit of work: repos take either. */
export interface Queryable {
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

// The interface speaks ISO strings and numbers: timestamptz comes back as an ISO string (millisecond
// precision, like the strings we store), bigint epoch-millisecond clocks as numbers.
const parseTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ);
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.TIMESTAMPTZ) return (v: string) => (parseTimestamptz(v) as Date).toISOString();
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

export interface PoolOptions {
  max?: number;
  onError?: (err: Error) => void;
}

export function createPool(url: string, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    types: TYPES,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'assay',
    options: '-c TimeZone=UTC',
  });
  // An idle client losing its connection (database restart) must not crash the process; the next query reconnects.
  pool.on('error', (err) => opts.onError?.(err));
  return pool;
}

/** Any number of instances may start at once: one applies the migrations, the others wait on the lock. */
export async function migrate(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(738201512)');
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      let count = 0;
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
        count++;
      }
      return count;
    } finally {
      await client.query('SELECT pg_advisory_unlock(738201512)');
    }
  } finally {
    client.release();
  }
}

export const nowIso = () => new Date().toISOString();
// PostgreSQL text and jsonb cannot hold U+0000 (SQLite can): a NUL that came in from outside (a name in
// a webhook, an answer) is stored as U+FFFD instead of failing the statement with a 500.
const NUL = /\u0000/g;
const noNul = (v: unknown) => (typeof v === 'string' && v.includes('\u0000') ? v.replace(NUL, '\uFFFD') : v);
export const js = (v: unknown) => JSON.stringify(v, (_k, val: unknown) => noNul(val));

/** Every parameter goes through here: strings lose NULs (see above). */
export function withCleanParams(q: Queryable): Queryable {
  return { query: (text: string, values?: unknown[]) => q.query(text, values?.map(noNul)) } as Queryable;
}
/** Text sorts as SQLite sorts it (bytewise), whatever the database's locale. */
export const C = 'COLLATE "C"';

/**
 * Serialises units of work that ask "is <key> there yet?" before inserting it: held until commit or
 * rollback. Taken in its own statement, so the query after it reads with a snapshot taken after the
 * twin committed. (A hash collision only makes two unrelated units of work take turns.)
 */
export async function keyLock(q: Queryable, key: string): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}
