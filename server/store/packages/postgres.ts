import { js, nowIso, C, type Queryable } from '../postgres/db.ts';
import type { PackageRow, PackagesRepo } from './types.ts';
import type { Json } from '../types.ts';

export function packagesRepo(q: Queryable): PackagesRepo {
  return {
    async listVersion(accountId) {
      const r = await q.query<{ version: string }>('SELECT version FROM package_versions WHERE account_id = $1', [accountId]);
      return Number(r.rows[0]?.version ?? 0);
    },
    async upsert(p) {
      // One statement, so it is atomic outside a unit of work too; xmax = 0 tells an insert from an update.
      const r = await q.query<{ created: boolean }>(
        `WITH p AS (
           INSERT INTO packages (account_id, id, name, description, type, duration_minutes, active, version, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (account_id, id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, type = EXCLUDED.type,
             duration_minutes = EXCLUDED.duration_minutes, active = EXCLUDED.active, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
           RETURNING (xmax = 0) AS created
         ), c AS (
           INSERT INTO package_contents (account_id, package_id, version, content) SELECT $1, $2, $8, $10 FROM p
           ON CONFLICT (account_id, package_id, version) DO UPDATE SET content = EXCLUDED.content
         )
         SELECT created FROM p`,
        [p.account_id, p.id, p.name, p.description, p.type, p.duration_minutes, p.active, p.version, nowIso(), js(p.content)],
      );
      return { created: r.rows[0]!.created, version: p.version };
    },
    async list(accountId, opts) {
      const sql = `SELECT * FROM packages WHERE account_id = $1 ${opts?.activeOnly ? 'AND active' : ''} ORDER BY name ${C}`;
      return (await q.query<PackageRow>(sql, [accountId])).rows;
    },
    async get(accountId, id) {
      return (await q.query<PackageRow>('SELECT * FROM packages WHERE account_id = $1 AND id = $2', [accountId, id])).rows[0] ?? null;
    },
    async content(accountId, id, version) {
      const r = await q.query<{ content: Json }>('SELECT content FROM package_contents WHERE account_id = $1 AND package_id = $2 AND version = $3', [accountId, id, version]);
      return r.rows[0]?.content ?? null;
    },
    async setActive(accountId, id, active) {
      return ((await q.query('UPDATE packages SET active = $1, updated_at = $2 WHERE account_id = $3 AND id = $4', [active, nowIso(), accountId, id])).rowCount ?? 0) > 0;
    },
  };
}
