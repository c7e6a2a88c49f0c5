import type { DB } from '../sqlite/db.ts';
import { json, nowIso } from '../sqlite/db.ts';
import { newId } from '../../ids.ts';
import type { OutboxJob, OutboxRepo } from './types.ts';

type Raw = Omit<OutboxJob, 'payload'> & { payload: string };
const toJob = (r: Raw | undefined): OutboxJob | null => (r ? { ...r, payload: json(r.payload) } : null);

export const DEFAULT_MAX_ATTEMPTS = 12;

export function outboxRepo(db: DB): OutboxRepo {
  const ins = db.prepare(`INSERT INTO outbox (id, account_id, kind, connection_id, order_id, payload, idempotency_key, status, attempts, max_attempts, next_attempt_at, lease_until, last_error, created_at, updated_at)
    VALUES (@id, @account_id, @kind, @connection_id, @order_id, @payload, @idempotency_key, 'pending', 0, @max_attempts, @next_attempt_at, NULL, NULL, @created_at, @updated_at)`);
  const extend = db.prepare(`UPDATE outbox SET lease_until = ? WHERE id = ? AND status = 'running'`);
  // One statement claims the batch: the due jobs are leased and returned together.
  const claim = db.prepare(`UPDATE outbox SET status = 'running', lease_until = @until, updated_at = @at
    WHERE id IN (SELECT id FROM outbox WHERE status IN ('pending','running') AND next_attempt_at <= @now
      AND (status = 'pending' OR lease_until < @now) ORDER BY next_attempt_at LIMIT @limit)
    RETURNING *`);
  const complete = db.prepare(`UPDATE outbox SET status = 'done', attempts = attempts + 1, lease_until = NULL, last_error = NULL, updated_at = ? WHERE id = ?`);
  const retry = db.prepare(`UPDATE outbox SET status = 'pending', attempts = attempts + @inc, next_attempt_at = @next, lease_until = NULL, last_error = @error, updated_at = @now WHERE id = @id`);
  const kill = db.prepare(`UPDATE outbox SET status = 'dead', attempts = attempts + 1, lease_until = NULL, last_error = ?, updated_at = ? WHERE id = ?`);
  const replay = db.prepare(`UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND status IN ('dead','done')`);
  const get = db.prepare('SELECT * FROM outbox WHERE id = ?');
  const nextDue = db.prepare(`SELECT MIN(next_attempt_at) FROM outbox WHERE status IN ('pending','running')`).pluck();
  const erase = db.prepare(`UPDATE outbox SET payload = '{"erased":true}', last_error = NULL WHERE order_id = ?`);
  const eraseMentioning = db.prepare(
    `UPDATE outbox SET payload = '{"erased":true}', last_error = NULL
      WHERE account_id = @account AND status IN ('done','dead')
        AND (instr(payload, '"' || @id || '"') > 0 OR instr(payload, ':' || @id || ',') > 0 OR instr(payload, ':' || @id || '}') > 0
             OR (length(@id) >= 6 AND instr(coalesce(last_error, ''), @id) > 0))`,
  );
  return {
    async enqueue(j) {
      const now = nowIso();
      const id = newId('job');
      const row = {
        id,
        account_id: j.account_id,
        kind: j.kind,
        connection_id: j.connection_id ?? null,
        order_id: j.order_id ?? null,
        payload: JSON.stringify(j.payload),
        idempotency_key: j.idempotency_key ?? id,
        max_attempts: j.max_attempts ?? DEFAULT_MAX_ATTEMPTS,
        next_attempt_at: j.run_at ?? Date.now(),
        created_at: now,
        updated_at: now,
      };
      ins.run(row);
      // The row as stored (not read back: one statement less per order placed).
      return { ...row, payload: json(row.payload), status: 'pending', attempts: 0, lease_until: null, last_error: null };
    },
    async claimDue(now, limit, leaseMs) {
      const rows = claim.all({ now, limit, until: now + leaseMs, at: nowIso() }) as Raw[];
      return rows.map((r) => ({ ...toJob(r)!, status: 'running' as const })).sort((a, b) => a.next_attempt_at - b.next_attempt_at);
    },
    async extendLease(ids, leaseUntil) {
      db.transaction(() => {
        for (const id of ids) extend.run(leaseUntil, id);
      })();
    },
    async complete(id) {
      complete.run(nowIso(), id);
    },
    async retry(id, nextAttemptAt, error, countAttempt = true) {
      retry.run({ id, next: nextAttemptAt, error: error.slice(0, 2000), now: nowIso(), inc: countAttempt ? 1 : 0 });
    },
    async kill(id, error) {
      kill.run(error.slice(0, 2000), nowIso(), id);
    },
    async replay(id, now, accountId) {
      const job = toJob(get.get(id) as Raw | undefined);
      if (!job || (accountId !== undefined && job.account_id !== accountId)) return null;
      if (replay.run(now, nowIso(), id).changes === 0) return null;
      return toJob(get.get(id) as Raw)!;
    },
    async get(id, accountId) {
      const job = toJob(get.get(id) as Raw | undefined);
      return job && (accountId === undefined || job.account_id === accountId) ? job : null;
    },
    async list({ status, accountId, kind, limit = 100 }) {
      const where: string[] = [];
      const vals: unknown[] = [];
      if (status) (where.push('status = ?'), vals.push(status));
      if (accountId) (where.push('account_id = ?'), vals.push(accountId));
      if (kind) (where.push('kind = ?'), vals.push(kind));
      const sql = `SELECT * FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
      return (db.prepare(sql).all(...vals, limit) as Raw[]).map((r) => toJob(r)!);
    },
    async nextDueAt() {
      return (nextDue.get() as number | null) ?? null;
    },
    async erasePayloads(orderId) {
      erase.run(orderId);
    },
    async erasePayloadsMentioning(accountId, ids) {
      let n = 0;
      for (const id of ids) if (id) n += eraseMentioning.run({ account: accountId, id }).changes;
      return n;
    },
  };
}
