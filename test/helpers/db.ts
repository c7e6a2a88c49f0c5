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

/** The SQL both stores answer: jobs of the outbox that are running or due now. */
export const OUTBOX_BUSY_SQL = "SELECT COUNT(*) AS n FROM outbox WHERE status = 'running' OR (status = 'pending' AND next_attempt_at <= ?)";

/**
 * Before asserting that nothing more happened: resolves once the server's outbox has no job running or due, so
 * whatever earlier requests queued (invitations, notes, write-backs) has been carried out or waits for a later
 * retry. Servers answer after their commit, so anything a request caused is in the outbox when its answer
 * arrives. Fails after `ms` with what was still busy.
 */
export async function outboxSettled(dataDir: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const busy = query<{ n: number }>(dataDir, OUTBOX_BUSY_SQL, Date.now())[0]!.n;
    if (busy === 0) return;
    if (Date.now() > end) throw new Error(`timed out waiting for the outbox to settle: ${busy} job(s) still running or due`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
