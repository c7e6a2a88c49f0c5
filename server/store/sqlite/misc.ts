import type { DB } from './db.ts';
import { json, nowIso } from './db.ts';
import { newId } from '../../ids.ts';
import type { AnswerRow, AttemptsRepo, AuditRepo, AuditRow, IdempotencyRepo, InboxRepo, InboxRow, PasswordTokenRow, ProctoringEventRow, TestSessionRow, UserRow, UsersRepo } from '../types.ts';

export function inboxRepo(db: DB): InboxRepo {
  const ins = db.prepare(`INSERT INTO inbox (id, provider, connection_id, delivery_id, status, result, received_at) VALUES (?, ?, ?, ?, 'received', NULL, ?)
    ON CONFLICT (provider, connection_id, delivery_id) DO NOTHING`);
  const get = db.prepare('SELECT * FROM inbox WHERE provider = ? AND connection_id = ? AND delivery_id = ?');
  const finish = db.prepare('UPDATE inbox SET status = ?, result = ?, answer = COALESCE(?, answer) WHERE id = ?');
  const last = db.prepare('SELECT MAX(received_at) FROM inbox WHERE provider = ? AND connection_id = ?').pluck();
  return {
    async lastReceived(provider, connectionId) {
      return (last.get(provider, connectionId) as string | null) ?? null;
    },
    async record(r) {
      const info = ins.run(newId('evt'), r.provider, r.connection_id, r.delivery_id, nowIso());
      const row = get.get(r.provider, r.connection_id, r.delivery_id) as InboxRow & { result: string | null; answer: string | null };
      return { row: { ...row, result: json(row.result), answer: json(row.answer) }, duplicate: info.changes === 0 };
    },
    async finish(id, status, result, answer = null) {
      finish.run(status, result === null ? null : JSON.stringify(result), answer === null ? null : JSON.stringify(answer), id);
    },
  };
}

export function usersRepo(db: DB): UsersRepo {
  const ins = db.prepare('INSERT INTO users (id, account_id, email, name, password_hash, role, created_at) VALUES (@id, @account_id, @email, @name, @password_hash, @role, @created_at)');
  const byEmail = db.prepare('SELECT * FROM users WHERE email = ?');
  const byId = db.prepare('SELECT * FROM users WHERE id = ?');
  const insSession = db.prepare('INSERT INTO web_sessions (id_hash, user_id, expires_at) VALUES (?, ?, ?)');
  const getSession = db.prepare('SELECT * FROM web_sessions WHERE id_hash = ? AND expires_at > ?');
  const delSession = db.prepare('DELETE FROM web_sessions WHERE id_hash = ?');
  const byAccount = db.prepare('SELECT * FROM users WHERE account_id = ? ORDER BY created_at, id');
  const delSessionsOf = db.prepare('DELETE FROM web_sessions WHERE user_id = ?');
  const delTokensOf = db.prepare('DELETE FROM password_tokens WHERE user_id = ?');
  const delUser = db.prepare('DELETE FROM users WHERE account_id = ? AND id = ?');
  const delTokenFor = db.prepare('DELETE FROM password_tokens WHERE user_id = ? AND purpose = ?');
  const insToken = db.prepare('INSERT INTO password_tokens (token_hash, user_id, account_id, purpose, expires_at) VALUES (@token_hash, @user_id, @account_id, @purpose, @expires_at)');
  const takeToken = db.prepare('DELETE FROM password_tokens WHERE token_hash = ? RETURNING *');
  const hasToken = db.prepare('SELECT 1 FROM password_tokens WHERE token_hash = ?');
  return {
    async create(u) {
      const row = { ...u, role: u.role ?? 'admin', created_at: nowIso() };
      ins.run(row);
      return row;
    },
    async getByEmail(email) {
      return (byEmail.get(email) as UserRow | undefined) ?? null;
    },
    async get(id) {
      return (byId.get(id) as UserRow | undefined) ?? null;
    },
    async createSession(s) {
      insSession.run(s.id_hash, s.user_id, s.expires_at);
    },
    async getSession(idHash, now) {
      return (getSession.get(idHash, now) as { id_hash: string; user_id: string; expires_at: number } | undefined) ?? null;
    },
    async deleteSession(idHash) {
      delSession.run(idHash);
    },
    async listByAccount(accountId) {
      return byAccount.all(accountId) as UserRow[];
    },
    async update(accountId, id, patch) {
      const keys = (['name', 'password_hash', 'role'] as const).filter((k) => patch[k] !== undefined);
      if (keys.length === 0) return (byId.get(id) as UserRow | undefined)?.account_id === accountId;
      const info = db.prepare(`UPDATE users SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE account_id = @account_id AND id = @id`).run({ ...patch, account_id: accountId, id });
      return info.changes > 0;
    },
    async remove(accountId, id) {
      const u = byId.get(id) as UserRow | undefined;
      if (!u || u.account_id !== accountId) return false;
      delSessionsOf.run(id);
      delTokensOf.run(id);
      return delUser.run(accountId, id).changes > 0;
    },
    async deleteSessionsOf(userId) {
      delSessionsOf.run(userId);
    },
    async putPasswordToken(t) {
      delTokenFor.run(t.user_id, t.purpose);
      insToken.run(t);
    },
    async takePasswordToken(tokenHash, now) {
      const row = takeToken.get(tokenHash) as PasswordTokenRow | undefined;
      return row && row.expires_at > now ? row : null;
    },
    async hasPasswordToken(tokenHash) {
      return !!hasToken.get(tokenHash);
    },
  };
}

export function auditRepo(db: DB): AuditRepo {
  const ins = db.prepare('INSERT INTO audit_log (id, account_id, actor, action, target, details, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const list = db.prepare('SELECT * FROM audit_log WHERE account_id IS ? ORDER BY at DESC LIMIT ?');
  return {
    async add(a) {
      ins.run(newId('aud'), a.account_id, a.actor, a.action, a.target, JSON.stringify(a.details), nowIso());
    },
    async list(accountId, limit = 100) {
      return (list.all(accountId, limit) as (AuditRow & { details: string })[]).map((r) => ({ ...r, details: json(r.details) }));
    },
  };
}

export function idempotencyRepo(db: DB): IdempotencyRepo {
  const get = db.prepare('SELECT request_hash, order_id FROM idempotency_keys WHERE account_id = ? AND key = ?');
  const put = db.prepare('INSERT INTO idempotency_keys (account_id, key, request_hash, order_id, created_at) VALUES (?, ?, ?, ?, ?)');
  return {
    async get(accountId, key) {
      return (get.get(accountId, key) as { request_hash: string; order_id: string } | undefined) ?? null;
    },
    async put(accountId, key, requestHash, orderId) {
      put.run(accountId, key, requestHash, orderId, nowIso());
    },
  };
}

export function attemptsRepo(db: DB): AttemptsRepo {
  const save = db.prepare(`INSERT INTO answers (order_id, question_id, value, answered_at) VALUES (@order_id, @question_id, @value, @answered_at)
    ON CONFLICT (order_id, question_id) DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at`);
  const answers = db.prepare('SELECT * FROM answers WHERE order_id = ?');
  const start = db.prepare(`INSERT INTO test_sessions (order_id, test_id, started_at, deadline_at, finished_at) VALUES (@order_id, @test_id, @started_at, @deadline_at, NULL)
    ON CONFLICT (order_id, test_id) DO NOTHING`);
  const getSession = db.prepare('SELECT * FROM test_sessions WHERE order_id = ? AND test_id = ?');
  const sessions = db.prepare('SELECT * FROM test_sessions WHERE order_id = ? ORDER BY started_at');
  const finish = db.prepare('UPDATE test_sessions SET finished_at = COALESCE(finished_at, ?) WHERE order_id = ? AND test_id = ?');
  const erase = db.prepare('DELETE FROM answers WHERE order_id = ?');
  const eraseEvents = db.prepare('DELETE FROM proctoring_events WHERE order_id = ?');
  const countEvents = db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(seq), 0) AS last FROM proctoring_events WHERE order_id = ?');
  const addEvent = db.prepare(`INSERT INTO proctoring_events (order_id, seq, kind, question_id, at, duration_ms) VALUES (@order_id, @seq, @kind, @question_id, @at, @duration_ms)`);
  const events = db.prepare('SELECT * FROM proctoring_events WHERE order_id = ? ORDER BY seq');
  return {
    async addProctoringEvents(orderId, list, max) {
      const { n, last } = countEvents.get(orderId) as { n: number; last: number };
      const room = Math.max(0, max - n);
      const take = list.slice(0, room);
      take.forEach((e, i) => addEvent.run({ ...e, order_id: orderId, seq: last + i + 1 }));
      return { stored: take.length, total: n + take.length };
    },
    async proctoringEvents(orderId) {
      return events.all(orderId) as ProctoringEventRow[];
    },
    async saveAnswer(a) {
      save.run({ ...a, value: JSON.stringify(a.value) });
    },
    async answers(orderId) {
      return (answers.all(orderId) as (AnswerRow & { value: string })[]).map((r) => ({ ...r, value: JSON.parse(r.value) as unknown }));
    },
    async startTest(s) {
      start.run(s);
      return getSession.get(s.order_id, s.test_id) as TestSessionRow;
    },
    async testSessions(orderId) {
      return sessions.all(orderId) as TestSessionRow[];
    },
    async finishTest(orderId, testId, at) {
      finish.run(at, orderId, testId);
    },
    async eraseAnswers(orderId) {
      erase.run(orderId);
      eraseEvents.run(orderId);
    },
  };
}
