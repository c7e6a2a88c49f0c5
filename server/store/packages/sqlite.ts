import type { DB } from '../sqlite/db.ts';
import { json, nowIso } from '../sqlite/db.ts';
import type { PackageRow, PackagesRepo } from './types.ts';
import type { Json } from '../types.ts';

type Raw = Omit<PackageRow, 'active'> & { active: number };
const toRow = (r: Raw | undefined): PackageRow | null => (r ? { ...r, active: r.active === 1 } : null);

export function packagesRepo(db: DB): PackagesRepo {
  const get = db.prepare('SELECT * FROM packages WHERE account_id = ? AND id = ?');
  const listAll = db.prepare('SELECT * FROM packages WHERE account_id = ? ORDER BY name');
  const listActive = db.prepare('SELECT * FROM packages WHERE account_id = ? AND active = 1 ORDER BY name');
  const ins = db.prepare(`INSERT INTO packages (account_id, id, name, description, type, duration_minutes, active, version, updated_at)
    VALUES (@account_id, @id, @name, @description, @type, @duration_minutes, @active, @version, @updated_at)`);
  const upd = db.prepare(`UPDATE packages SET name = @name, description = @description, type = @type, duration_minutes = @duration_minutes,
    active = @active, version = @version, updated_at = @updated_at WHERE account_id = @account_id AND id = @id`);
  const insContent = db.prepare('INSERT OR REPLACE INTO package_contents (account_id, package_id, version, content) VALUES (?, ?, ?, ?)');
  const getContent = db.prepare('SELECT content FROM package_contents WHERE account_id = ? AND package_id = ? AND version = ?');
  const setActive = db.prepare('UPDATE packages SET active = ?, updated_at = ? WHERE account_id = ? AND id = ?');
  const listVersion = db.prepare('SELECT version FROM package_versions WHERE account_id = ?').pluck();
  return {
    async listVersion(accountId) {
      return (listVersion.get(accountId) as number | undefined) ?? 0;
    },
    async upsert(p) {
      const existing = get.get(p.account_id, p.id) as Raw | undefined;
      const row = { account_id: p.account_id, id: p.id, name: p.name, description: p.description, type: p.type,
        duration_minutes: p.duration_minutes, active: p.active ? 1 : 0, version: p.version, updated_at: nowIso() };
      if (existing) upd.run(row);
      else ins.run(row);
      insContent.run(p.account_id, p.id, p.version, JSON.stringify(p.content));
      return { created: !existing, version: p.version };
    },
    async list(accountId, opts) {
      return ((opts?.activeOnly ? listActive : listAll).all(accountId) as Raw[]).map((r) => toRow(r)!);
    },
    async get(accountId, id) {
      return toRow(get.get(accountId, id) as Raw | undefined);
    },
    async content(accountId, id, version) {
      const r = getContent.get(accountId, id, version) as { content: string } | undefined;
      return r ? json<Json>(r.content) : null;
    },
    async setActive(accountId, id, active) {
      return setActive.run(active ? 1 : 0, nowIso(), accountId, id).changes > 0;
    },
  };
}
