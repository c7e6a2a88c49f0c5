import type { DB } from '../sqlite/db.ts';
import { json, nowIso } from '../sqlite/db.ts';
import type { ConnectionRow, ConnectionsRepo } from './types.ts';

type Raw = Omit<ConnectionRow, 'config'> & { config: string };
const toRow = (r: Raw | undefined): ConnectionRow | null => (r ? { ...r, config: json(r.config) } : null);

export function connectionsRepo(db: DB): ConnectionsRepo {
  const ins = db.prepare(`INSERT INTO connections (id, account_id, provider, status, config, secrets_enc, created_at, updated_at)
    VALUES (@id, @account_id, @provider, @status, @config, @secrets_enc, @created_at, @updated_at)`);
  const byId = db.prepare('SELECT * FROM connections WHERE id = ?');
  const scoped = db.prepare('SELECT * FROM connections WHERE account_id = ? AND id = ?');
  const byAccount = db.prepare('SELECT * FROM connections WHERE account_id = ? ORDER BY created_at');
  const byProvider = db.prepare('SELECT * FROM connections WHERE provider = ? ORDER BY created_at');
  const byProviderStatus = db.prepare('SELECT * FROM connections WHERE provider = ? AND status = ? ORDER BY created_at');
  return {
    async create(c) {
      const now = nowIso();
      const row = { ...c, created_at: now, updated_at: now };
      ins.run({ ...row, config: JSON.stringify(c.config) });
      return row;
    },
    async getById(id) {
      return toRow(byId.get(id) as Raw | undefined);
    },
    async get(accountId, id) {
      return toRow(scoped.get(accountId, id) as Raw | undefined);
    },
    async listByAccount(accountId) {
      return (byAccount.all(accountId) as Raw[]).map((r) => toRow(r)!);
    },
    async listByProvider(provider, status) {
      const rows = (status ? byProviderStatus.all(provider, status) : byProvider.all(provider)) as Raw[];
      return rows.map((r) => toRow(r)!);
    },
    async update(accountId, id, patch) {
      const sets: string[] = ['updated_at = ?'];
      const vals: unknown[] = [nowIso()];
      if (patch.status !== undefined) (sets.push('status = ?'), vals.push(patch.status));
      if (patch.config !== undefined) (sets.push('config = ?'), vals.push(JSON.stringify(patch.config)));
      if (patch.secrets_enc !== undefined) (sets.push('secrets_enc = ?'), vals.push(patch.secrets_enc));
      db.prepare(`UPDATE connections SET ${sets.join(', ')} WHERE account_id = ? AND id = ?`).run(...vals, accountId, id);
    },
  };
}
