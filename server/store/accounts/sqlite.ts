import type { DB } from '../sqlite/db.ts';
import { json, nowIso } from '../sqlite/db.ts';
import type { AccountRow, AccountsRepo } from './types.ts';

type Raw = Omit<AccountRow, 'context_algs' | 'frame_origins' | 'settings'> & { context_algs: string; frame_origins: string; settings: string };
const toRow = (r: Raw | undefined): AccountRow | null =>
  r ? { ...r, context_algs: json(r.context_algs), frame_origins: json(r.frame_origins), settings: json(r.settings) } : null;

const JSON_COLS = new Set(['context_algs', 'frame_origins', 'settings']);

export function accountsRepo(db: DB): AccountsRepo {
  const ins = db.prepare(`INSERT INTO accounts (id, name, issuer, audience, context_algs, context_secret_enc, jwks_url, public_key_pem, frame_origins, settings, created_at)
    VALUES (@id, @name, @issuer, @audience, @context_algs, @context_secret_enc, @jwks_url, @public_key_pem, @frame_origins, @settings, @created_at)`);
  const byId = db.prepare('SELECT * FROM accounts WHERE id = ?');
  const byIssuer = db.prepare('SELECT * FROM accounts WHERE issuer = ?');
  const all = db.prepare('SELECT * FROM accounts ORDER BY created_at');
  return {
    async create(a) {
      const row = { ...a, created_at: nowIso() };
      ins.run({ ...row, context_algs: JSON.stringify(a.context_algs), frame_origins: JSON.stringify(a.frame_origins), settings: JSON.stringify(a.settings) });
      return row;
    },
    async get(id) {
      return toRow(byId.get(id) as Raw | undefined);
    },
    async getByIssuer(iss) {
      return toRow(byIssuer.get(iss) as Raw | undefined);
    },
    async list() {
      return (all.all() as Raw[]).map((r) => toRow(r)!);
    },
    async update(id, patch) {
      const keys = Object.keys(patch);
      if (keys.length === 0) return;
      const vals = keys.map((k) => {
        const val = (patch as Record<string, unknown>)[k];
        return JSON_COLS.has(k) ? JSON.stringify(val) : val;
      });
      db.prepare(`UPDATE accounts SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`).run(...vals, id);
    },
  };
}
