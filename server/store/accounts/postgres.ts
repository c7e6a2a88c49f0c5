import { js, nowIso, C, type Queryable } from '../postgres/db.ts';
import { columnName } from '../orders/postgres.ts';
import type { AccountRow, AccountsRepo } from './types.ts';

const JSON_COLS = new Set(['context_algs', 'frame_origins', 'settings']);

export function accountsRepo(q: Queryable): AccountsRepo {
  return {
    async create(a) {
      const r = await q.query<AccountRow>(
        `INSERT INTO accounts (id, name, issuer, audience, context_algs, context_secret_enc, jwks_url, public_key_pem, frame_origins, settings, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
        [a.id, a.name, a.issuer, a.audience, js(a.context_algs), a.context_secret_enc, a.jwks_url, a.public_key_pem, js(a.frame_origins), js(a.settings), nowIso()],
      );
      return r.rows[0]!;
    },
    async get(id) {
      return (await q.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id])).rows[0] ?? null;
    },
    async getByIssuer(iss) {
      return (await q.query<AccountRow>('SELECT * FROM accounts WHERE issuer = $1', [iss])).rows[0] ?? null;
    },
    async list() {
      return (await q.query<AccountRow>(`SELECT * FROM accounts ORDER BY created_at, id ${C}`)).rows;
    },
    async update(id, patch) {
      const keys = Object.keys(patch).map(columnName);
      if (keys.length === 0) return;
      const vals = keys.map((k) => {
        const val = (patch as Record<string, unknown>)[k];
        return JSON_COLS.has(k) ? js(val) : val;
      });
      await q.query(`UPDATE accounts SET ${keys.map((k, i) => `${k} = $${i + 1}`).join(', ')} WHERE id = $${keys.length + 1}`, [...vals, id]);
    },
  };
}
