import { js, nowIso, C, type Queryable } from '../postgres/db.ts';
import type { ConnectionRow, ConnectionsRepo } from './types.ts';

export function connectionsRepo(q: Queryable): ConnectionsRepo {
  const rows = async (sql: string, vals: unknown[]) => (await q.query<ConnectionRow>(sql, vals)).rows;
  return {
    async create(c) {
      const now = nowIso();
      return (await rows(
        `INSERT INTO connections (id, account_id, provider, status, config, secrets_enc, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *`,
        [c.id, c.account_id, c.provider, c.status, js(c.config), c.secrets_enc, now],
      ))[0]!;
    },
    async getById(id) {
      return (await rows('SELECT * FROM connections WHERE id = $1', [id]))[0] ?? null;
    },
    async get(accountId, id) {
      return (await rows('SELECT * FROM connections WHERE account_id = $1 AND id = $2', [accountId, id]))[0] ?? null;
    },
    async listByAccount(accountId) {
      return rows(`SELECT * FROM connections WHERE account_id = $1 ORDER BY created_at, id ${C}`, [accountId]);
    },
    async listByProvider(provider, status) {
      return status
        ? rows(`SELECT * FROM connections WHERE provider = $1 AND status = $2 ORDER BY created_at, id ${C}`, [provider, status])
        : rows(`SELECT * FROM connections WHERE provider = $1 ORDER BY created_at, id ${C}`, [provider]);
    },
    async update(accountId, id, patch) {
      const sets: string[] = ['updated_at = $1'];
      const vals: unknown[] = [nowIso()];
      const add = (col: string, v: unknown) => (vals.push(v), sets.push(`${col} = $${vals.length}`));
      if (patch.status !== undefined) add('status', patch.status);
      if (patch.config !== undefined) add('config', js(patch.config));
      if (patch.secrets_enc !== undefined) add('secrets_enc', patch.secrets_enc);
      await q.query(`UPDATE connections SET ${sets.join(', ')} WHERE account_id = $${vals.length + 1} AND id = $${vals.length + 2}`, [...vals, accountId, id]);
    },
  };
}
