import type { DB } from '../sqlite/db.ts';
import { nowIso } from '../sqlite/db.ts';
import type { PasswordTokenRow, UserRow, UsersRepo } from './types.ts';

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
