import { nowIso, type Queryable } from '../postgres/db.ts';
import type { PasswordTokenRow, UserRow, UsersRepo, WebSessionRow } from './types.ts';

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
