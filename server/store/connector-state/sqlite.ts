import type { DB } from '../sqlite/db.ts';
import { json, nowIso } from '../sqlite/db.ts';
import type { ConnectorStateRepo, MappingRow, MappingsRepo } from './types.ts';

export function connectorStateRepo(db: DB): ConnectorStateRepo {
  const get = db.prepare('SELECT value FROM connector_state WHERE connection_id = ? AND key = ?').pluck();
  const put = db.prepare(`INSERT INTO connector_state (connection_id, key, value, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (connection_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  const del = db.prepare('DELETE FROM connector_state WHERE connection_id = ? AND key = ?');
  const upsertObj = db.prepare(`INSERT INTO synced_objects (connection_id, kind, external_id, data, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (connection_id, kind, external_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`);
  const getObj = db.prepare('SELECT data FROM synced_objects WHERE connection_id = ? AND kind = ? AND external_id = ?').pluck();
  const listObj = db.prepare('SELECT external_id, data FROM synced_objects WHERE connection_id = ? AND kind = ? ORDER BY external_id LIMIT ?');
  const delObj = db.prepare('DELETE FROM synced_objects WHERE connection_id = ? AND kind = ? AND external_id = ?');
  return {
    async get<T>(connectionId: string, key: string) {
      return json<T>((get.get(connectionId, key) as string | undefined) ?? null);
    },
    async put(connectionId, key, value) {
      put.run(connectionId, key, JSON.stringify(value), nowIso());
    },
    async delete(connectionId, key) {
      del.run(connectionId, key);
    },
    async upsertObject(connectionId, kind, externalId, data) {
      upsertObj.run(connectionId, kind, externalId, JSON.stringify(data), nowIso());
    },
    async getObject<T>(connectionId: string, kind: string, externalId: string) {
      return json<T>((getObj.get(connectionId, kind, externalId) as string | undefined) ?? null);
    },
    async listObjects<T>(connectionId: string, kind: string, limit = 10_000) {
      return (listObj.all(connectionId, kind, limit) as { external_id: string; data: string }[]).map((r) => ({ external_id: r.external_id, data: json<T>(r.data) }));
    },
    async deleteObject(connectionId, kind, externalId) {
      delObj.run(connectionId, kind, externalId);
    },
  };
}

export function mappingsRepo(db: DB): MappingsRepo {
  const set = db.prepare(`INSERT INTO mappings (connection_id, kind, external_id, package_id, created_at) VALUES (@connection_id, @kind, @external_id, @package_id, @created_at)
    ON CONFLICT (connection_id, kind, external_id) DO UPDATE SET package_id = excluded.package_id`);
  const get = db.prepare('SELECT * FROM mappings WHERE connection_id = ? AND kind = ? AND external_id = ?');
  const listAll = db.prepare('SELECT * FROM mappings WHERE connection_id = ? ORDER BY kind, external_id');
  const listKind = db.prepare('SELECT * FROM mappings WHERE connection_id = ? AND kind = ? ORDER BY external_id');
  const del = db.prepare('DELETE FROM mappings WHERE connection_id = ? AND kind = ? AND external_id = ?');
  return {
    async set(m) {
      set.run({ ...m, created_at: nowIso() });
    },
    async get(connectionId, kind, externalId) {
      return (get.get(connectionId, kind, externalId) as MappingRow | undefined) ?? null;
    },
    async list(connectionId, kind) {
      return (kind ? listKind.all(connectionId, kind) : listAll.all(connectionId)) as MappingRow[];
    },
    async delete(connectionId, kind, externalId) {
      return del.run(connectionId, kind, externalId).changes > 0;
    },
  };
}
