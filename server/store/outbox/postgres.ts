import { js, nowIso, type Queryable } from '../postgres/db.ts';
import { newId } from '../../ids.ts';
import { DEFAULT_MAX_ATTEMPTS } from './sqlite.ts';
import type { OutboxJob, OutboxRepo } from './types.ts';

export function outboxRepo(q: Queryable): OutboxRepo {
  const rows = async (sql: string, vals: unknown[]) => (await q.query<OutboxJob>(sql, vals)).rows;
  const get = async (id: string) => (await rows('SELECT * FROM outbox WHERE id = $1', [id]))[0] ?? null;
  return {
    async enqueue(j) {
      const now = nowIso();
      const id = newId('job');
      return (await rows(
        `INSERT INTO outbox (id, account_id, kind, connection_id, order_id, payload, idempotency_key, status, attempts, max_attempts, next_attempt_at, lease_until, last_error, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $9, NULL, NULL, $10, $10) RETURNING *`,
        [id, j.account_id, j.kind, j.connection_id ?? null, j.order_id ?? null, js(j.payload), j.idempotency_key ?? id, j.max_attempts ?? DEFAULT_MAX_ATTEMPTS, j.run_at ?? Date.now(), now],
      ))[0]!;
    },
    async claimDue(now, limit, leaseMs) {
      // Every instance claims at once: SKIP LOCKED hands each due job to exactly one of them, and a job whose
      // instance died is claimed again once its lease has run out.
      const claimed = await rows(
        `WITH due AS MATERIALIZED (
           SELECT id FROM outbox WHERE status IN ('pending','running') AND next_attempt_at <= $1 AND (status = 'pending' OR lease_until < $1)
           ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
         )
         UPDATE outbox o SET status = 'running', lease_until = $3, updated_at = $4 FROM due WHERE o.id = due.id RETURNING o.*`,
        [now, limit, now + leaseMs, nowIso()],
      );
      return claimed.sort((a, b) => a.next_attempt_at - b.next_attempt_at);
    },
    async extendLease(ids, leaseUntil) {
      if (ids.length) await q.query(`UPDATE outbox SET lease_until = $1 WHERE id = ANY($2::text[]) AND status = 'running'`, [leaseUntil, ids]);
    },
    async complete(id) {
      await q.query(`UPDATE outbox SET status = 'done', attempts = attempts + 1, lease_until = NULL, last_error = NULL, updated_at = $1 WHERE id = $2`, [nowIso(), id]);
    },
    async retry(id, nextAttemptAt, error, countAttempt = true) {
      await q.query(
        `UPDATE outbox SET status = 'pending', attempts = attempts + $1, next_attempt_at = $2, lease_until = NULL, last_error = $3, updated_at = $4 WHERE id = $5`,
        [countAttempt ? 1 : 0, nextAttemptAt, error.slice(0, 2000), nowIso(), id],
      );
    },
    async kill(id, error) {
      await q.query(`UPDATE outbox SET status = 'dead', attempts = attempts + 1, lease_until = NULL, last_error = $1, updated_at = $2 WHERE id = $3`, [error.slice(0, 2000), nowIso(), id]);
    },
    async replay(id, now, accountId) {
      const r = await rows(
        `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, lease_until = NULL, updated_at = $2
         WHERE id = $3 AND status IN ('dead','done') AND ($4::text IS NULL OR account_id = $4) RETURNING *`,
        [now, nowIso(), id, accountId ?? null],
      );
      return r[0] ?? null;
    },
    async get(id, accountId) {
      const job = await get(id);
      return job && (accountId === undefined || job.account_id === accountId) ? job : null;
    },
    async list({ status, accountId, kind, limit = 100 }) {
      const where: string[] = [];
      const vals: unknown[] = [];
      const add = (col: string, v: unknown) => (vals.push(v), where.push(`${col} = $${vals.length}`));
      if (status) add('status', status);
      if (accountId) add('account_id', accountId);
      if (kind) add('kind', kind);
      vals.push(limit);
      return rows(`SELECT * FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT $${vals.length}`, vals);
    },
    async nextDueAt() {
      const r = await q.query<{ at: number | null }>(`SELECT MIN(next_attempt_at) AS at FROM outbox WHERE status IN ('pending','running')`);
      return r.rows[0]?.at ?? null;
    },
    async erasePayloads(orderId) {
      await q.query(`UPDATE outbox SET payload = '{"erased":true}', last_error = NULL WHERE order_id = $1`, [orderId]);
    },
    async erasePayloadsMentioning(accountId, ids) {
      let n = 0;
      for (const id of ids) {
        if (!id) continue;
        // payload is jsonb: its text form separates keys and values with ": " (and ", " between members).
        const r = await q.query(
          `UPDATE outbox SET payload = '{"erased":true}', last_error = NULL
            WHERE account_id = $1 AND status IN ('done','dead')
              AND (strpos(payload::text, '"' || $2 || '"') > 0 OR strpos(payload::text, ': ' || $2 || ',') > 0 OR strpos(payload::text, ': ' || $2 || '}') > 0
                   OR (length($2) >= 6 AND strpos(coalesce(last_error, ''), $2) > 0))`,
          [accountId, id],
        );
        n += r.rowCount ?? 0;
      }
      return n;
    },
  };
}
