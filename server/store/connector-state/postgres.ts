import { js, nowIso, C, type Queryable } from '../postgres/db.ts';
import type { ConnectorStateRepo, MappingRow, MappingsRepo } from './types.ts';

export function connectorStateRepo(q: Queryable): ConnectorStateRepo {
  return {
    async get<T>(connectionId: string, key: string) {
      const r = await q.query<{ value: T }>('SELECT value FROM connector_state WHERE connection_id = $1 AND key = $2', [connectionId, key]);
      return r.rows[0] ? r.rows[0].value : null;
    },
    async put(connectionId, key, value) {
      await q.query(
        `INSERT INTO connector_state (connection_id, key, value, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (connection_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        [connectionId, key, js(value), nowIso()],
      );
    },
    async delete(connectionId, key) {
      await q.query('DELETE FROM connector_state WHERE connection_id = $1 AND key = $2', [connectionId, key]);
    },
    async upsertObject(connectionId, kind, externalId, data) {
      await q.query(
        `INSERT INTO synced_objects (connection_id, kind, external_id, data, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (connection_id, kind, external_id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at`,
        [connectionId, kind, externalId, js(data), nowIso()],
      );
    },
    async getObject<T>(connectionId: string, kind: string, externalId: string) {
      const r = await q.query<{ data: T }>('SELECT data FROM synced_objects WHERE connection_id = $1 AND kind = $2 AND external_id = $3', [connectionId, kind, externalId]);
      return r.rows[0] ? r.rows[0].data : null;
    },
    async listObjects<T>(connectionId: string, kind: string, limit = 10_000) {
      const r = await q.query<{ external_id: string; data: T }>(
        `SELECT external_id, data FROM synced_objects WHERE connection_id = $1 AND kind = $2 ORDER BY external_id ${C} LIMIT $3`,
        [connectionId, kind, limit],
      );
      return r.rows;
    },
    async deleteObject(connectionId, kind, externalId) {
      await q.query('DELETE FROM synced_objects WHERE connection_id = $1 AND kind = $2 AND external_id = $3', [connectionId, kind, externalId]);
    },
  };
}

export function mappingsRepo(q: Queryable): MappingsRepo {
  return {
    async set(m) {
      await q.query(
        `INSERT INTO mappings (connection_id, kind, external_id, package_id, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (connection_id, kind, external_id) DO UPDATE SET package_id = EXCLUDED.package_id`,
        [m.connection_id, m.kind, m.external_id, m.package_id, nowIso()],
      );
    },
    async get(connectionId, kind, externalId) {
      return (await q.query<MappingRow>('SELECT * FROM mappings WHERE connection_id = $1 AND kind = $2 AND external_id = $3', [connectionId, kind, externalId])).rows[0] ?? null;
    },
    async list(connectionId, kind) {
      return kind
        ? (await q.query<MappingRow>(`SELECT * FROM mappings WHERE connection_id = $1 AND kind = $2 ORDER BY external_id ${C}`, [connectionId, kind])).rows
        : (await q.query<MappingRow>(`SELECT * FROM mappings WHERE connection_id = $1 ORDER BY kind ${C}, external_id ${C}`, [connectionId])).rows;
    },
    async delete(connectionId, kind, externalId) {
      return ((await q.query('DELETE FROM mappings WHERE connection_id = $1 AND kind = $2 AND external_id = $3', [connectionId, kind, externalId])).rowCount ?? 0) > 0;
    },
  };
}
