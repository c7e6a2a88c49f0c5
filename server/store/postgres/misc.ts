import { js, keyLock, nowIso, type Queryable } from './db.ts';
import { newId } from '../../ids.ts';
import type { AnswerRow, AttemptsRepo, AuditRepo, AuditRow, IdempotencyRepo, InboxRepo, InboxRow, PasswordTokenRow, ProctoringEventRow, TestSessionRow, UserRow, UsersRepo, WebSessionRow } from '../types.ts';

export function inboxRepo(q: Queryable): InboxRepo {
  return {
    async lastReceived(provider, connectionId) {
      const r = await q.query<{ at: string | null }>('SELECT MAX(received_at) AS at FROM inbox WHERE provider = $1 AND connection_id = $2', [provider, connectionId]);
      return r.rows[0]?.at ?? null;
    },
    async record(r) {
      // The unique key de-duplicates deliveries across instances: a concurrent twin waits, then finds the row.
      const ins = await q.query<InboxRow>(
        `INSERT INTO inbox (id, provider, connection_id, delivery_id, status, result, received_at) VALUES ($1, $2, $3, $4, 'received', NULL, $5)
         ON CONFLICT (provider, connection_id, delivery_id) DO NOTHING RETURNING *`,
        [newId('evt'), r.provider, r.connection_id, r.delivery_id, nowIso()],
      );
      if (ins.rows[0]) return { row: ins.rows[0], duplicate: false };
      const row = (await q.query<InboxRow>('SELECT * FROM inbox WHERE provider = $1 AND connection_id = $2 AND delivery_id = $3', [r.provider, r.connection_id, r.delivery_id])).rows[0]!;
      return { row, duplicate: true };
    },
    async finish(id, status, result, answer = null) {
      await q.query('UPDATE inbox SET status = $1, result = $2, answer = COALESCE($3, answer) WHERE id = $4', [status, result === null ? null : js(result), answer === null ? null : js(answer), id]);
    },
  };
}

export function usersRepo(q: Queryable): UsersRepo {
  return {
    async create(u) {
      return (await q.query<UserRow>('INSERT INTO users (id, account_id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *', [
        u.id, u.account_id, u.email, u.name, u.password_hash, u.role ?? 'admin', nowIso(),
      ])).rows[0]!;
    },
    async getByEmail(email) {
      // SQLite compares the column COLLATE NOCASE (ASCII case folding).
      return (await q.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email])).rows[0] ?? null;
    },
    async get(id) {
      return (await q.query<UserRow>('SELECT * FROM users WHERE id = $1', [id])).rows[0] ?? null;
    },
    async createSession(s) {
      await q.query('INSERT INTO web_sessions (id_hash, user_id, expires_at) VALUES ($1, $2, $3)', [s.id_hash, s.user_id, s.expires_at]);
    },
    async getSession(idHash, now) {
      return (await q.query<WebSessionRow>('SELECT * FROM web_sessions WHERE id_hash = $1 AND expires_at > $2', [idHash, now])).rows[0] ?? null;
    },
    async deleteSession(idHash) {
      await q.query('DELETE FROM web_sessions WHERE id_hash = $1', [idHash]);
    },
    async listByAccount(accountId) {
      return (await q.query<UserRow>('SELECT * FROM users WHERE account_id = $1 ORDER BY created_at, id', [accountId])).rows;
    },
    async update(accountId, id, patch) {
      const keys = (['name', 'password_hash', 'role'] as const).filter((k) => patch[k] !== undefined);
      const sets = keys.map((k, i) => `${k} = $${i + 3}`);
      const r = await q.query(`UPDATE users SET ${sets.length ? sets.join(', ') : 'id = id'} WHERE account_id = $1 AND id = $2`, [accountId, id, ...keys.map((k) => patch[k])]);
      return (r.rowCount ?? 0) > 0;
    },
    async remove(accountId, id) {
      const u = (await q.query<UserRow>('SELECT * FROM users WHERE account_id = $1 AND id = $2', [accountId, id])).rows[0];
      if (!u) return false;
      await q.query('DELETE FROM web_sessions WHERE user_id = $1', [id]);
      await q.query('DELETE FROM password_tokens WHERE user_id = $1', [id]);
      return ((await q.query('DELETE FROM users WHERE account_id = $1 AND id = $2', [accountId, id])).rowCount ?? 0) > 0;
    },
    async deleteSessionsOf(userId) {
      await q.query('DELETE FROM web_sessions WHERE user_id = $1', [userId]);
    },
    async putPasswordToken(t) {
      await q.query('DELETE FROM password_tokens WHERE user_id = $1 AND purpose = $2', [t.user_id, t.purpose]);
      await q.query('INSERT INTO password_tokens (token_hash, user_id, account_id, purpose, expires_at) VALUES ($1, $2, $3, $4, $5)', [t.token_hash, t.user_id, t.account_id, t.purpose, t.expires_at]);
    },
    async takePasswordToken(tokenHash, now) {
      const row = (await q.query<PasswordTokenRow>('DELETE FROM password_tokens WHERE token_hash = $1 RETURNING *', [tokenHash])).rows[0];
      return row && row.expires_at > now ? row : null;
    },
    async hasPasswordToken(tokenHash) {
      return (await q.query('SELECT 1 FROM password_tokens WHERE token_hash = $1', [tokenHash])).rows.length > 0;
    },
  };
}

export function auditRepo(q: Queryable): AuditRepo {
  return {
    async add(a) {
      await q.query('INSERT INTO audit_log (id, account_id, actor, action, target, details, at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        newId('aud'), a.account_id, a.actor, a.action, a.target, js(a.details), nowIso(),
      ]);
    },
    async list(accountId, limit = 100) {
      return (await q.query<AuditRow>('SELECT * FROM audit_log WHERE account_id IS NOT DISTINCT FROM $1 ORDER BY at DESC, id COLLATE "C" DESC LIMIT $2', [accountId, limit])).rows;
    },
  };
}

export function idempotencyRepo(q: Queryable, inUnitOfWork = false): IdempotencyRepo {
  return {
    async get(accountId, key) {
      // A retried click at another instance waits for the first to commit, then replays its order.
      if (inUnitOfWork) await keyLock(q, `assay.idempotency:${accountId}:${key}`);
      return (await q.query<{ request_hash: string; order_id: string }>('SELECT request_hash, order_id FROM idempotency_keys WHERE account_id = $1 AND key = $2', [accountId, key])).rows[0] ?? null;
    },
    async put(accountId, key, requestHash, orderId) {
      await q.query('INSERT INTO idempotency_keys (account_id, key, request_hash, order_id, created_at) VALUES ($1, $2, $3, $4, $5)', [accountId, key, requestHash, orderId, nowIso()]);
    },
  };
}

export function attemptsRepo(q: Queryable): AttemptsRepo {
  return {
    async addProctoringEvents(orderId, list, max) {
      // Serialises concurrent appends for one order (the transaction holds the order row's lock).
      await q.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [orderId]);
      const c = (await q.query<{ n: string; last: string }>('SELECT COUNT(*) AS n, COALESCE(MAX(seq), 0) AS last FROM proctoring_events WHERE order_id = $1', [orderId])).rows[0]!;
      const n = Number(c.n);
      const last = Number(c.last);
      const take = list.slice(0, Math.max(0, max - n));
      // One statement for the batch (up to MAX_PROCTORING_BATCH rows), numbered on from the last seq.
      if (take.length) {
        await q.query(
          `INSERT INTO proctoring_events (order_id, seq, kind, question_id, at, duration_ms)
            SELECT $1, $2 + e.i, e.kind, e.question_id, e.at, e.duration_ms
            FROM unnest($3::text[], $4::text[], $5::timestamptz[], $6::bigint[]) WITH ORDINALITY AS e(kind, question_id, at, duration_ms, i)`,
          [orderId, last, take.map((e) => e.kind), take.map((e) => e.question_id), take.map((e) => e.at), take.map((e) => e.duration_ms)],
        );
      }
      return { stored: take.length, total: n + take.length };
    },
    async proctoringEvents(orderId) {
      const rows = (await q.query<ProctoringEventRow>('SELECT * FROM proctoring_events WHERE order_id = $1 ORDER BY seq', [orderId])).rows;
      return rows.map((r) => ({ ...r, seq: Number(r.seq), duration_ms: Number(r.duration_ms) }));
    },
    async saveAnswer(a) {
      await q.query(
        `INSERT INTO answers (order_id, question_id, value, answered_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (order_id, question_id) DO UPDATE SET value = EXCLUDED.value, answered_at = EXCLUDED.answered_at`,
        [a.order_id, a.question_id, js(a.value), a.answered_at],
      );
    },
    async answers(orderId) {
      return (await q.query<AnswerRow>('SELECT * FROM answers WHERE order_id = $1 ORDER BY question_id COLLATE "C"', [orderId])).rows;
    },
    async startTest(s) {
      const r = await q.query<TestSessionRow>(
        `INSERT INTO test_sessions (order_id, test_id, started_at, deadline_at, finished_at) VALUES ($1, $2, $3, $4, NULL)
         ON CONFLICT (order_id, test_id) DO NOTHING RETURNING *`,
        [s.order_id, s.test_id, s.started_at, s.deadline_at],
      );
      return r.rows[0] ?? (await q.query<TestSessionRow>('SELECT * FROM test_sessions WHERE order_id = $1 AND test_id = $2', [s.order_id, s.test_id])).rows[0]!;
    },
    async testSessions(orderId) {
      return (await q.query<TestSessionRow>('SELECT * FROM test_sessions WHERE order_id = $1 ORDER BY started_at, test_id COLLATE "C"', [orderId])).rows;
    },
    async finishTest(orderId, testId, at) {
      await q.query('UPDATE test_sessions SET finished_at = COALESCE(finished_at, $1) WHERE order_id = $2 AND test_id = $3', [at, orderId, testId]);
    },
    async eraseAnswers(orderId) {
      await q.query('DELETE FROM answers WHERE order_id = $1', [orderId]);
      await q.query('DELETE FROM proctoring_events WHERE order_id = $1', [orderId]);
    },
  };
}
