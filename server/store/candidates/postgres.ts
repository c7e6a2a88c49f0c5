import { nowIso, type Queryable } from '../postgres/db.ts';
import { newId } from '../../ids.ts';
import type { CandidateRow, CandidatesRepo } from './types.ts';

export function candidatesRepo(q: Queryable): CandidatesRepo {
  const one = async (sql: string, vals: unknown[]) => (await q.query<CandidateRow>(sql, vals)).rows[0] ?? null;
  return {
    async upsert(c) {
      // The ATS is the source of truth for contact data: a newer context or webhook refreshes it (unless erased).
      // One statement: two instances taking in the same candidate at once meet on the unique key, not in a race.
      const row = await one(
        `INSERT INTO candidates (id, account_id, source, external_id, email, first_name, last_name, locale, erased_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9)
         ON CONFLICT (account_id, source, external_id) DO UPDATE SET email = EXCLUDED.email, first_name = EXCLUDED.first_name,
           last_name = EXCLUDED.last_name, locale = COALESCE(EXCLUDED.locale, candidates.locale)
           WHERE candidates.erased_at IS NULL
         RETURNING *`,
        [newId('cand'), c.account_id, c.source, c.external_id, c.email, c.first_name, c.last_name, c.locale, nowIso()],
      );
      return row ?? (await one('SELECT * FROM candidates WHERE account_id = $1 AND source = $2 AND external_id = $3', [c.account_id, c.source, c.external_id]))!;
    },
    async listRetentionDue(accountId, beforeIso, limit) {
      return (await q.query<CandidateRow>(
        `SELECT c.* FROM candidates c WHERE c.account_id = $1 AND c.erased_at IS NULL AND c.created_at < $2
         AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.candidate_id = c.id AND (o.status IN ('pending','in_progress') OR o.updated_at >= $2))
         ORDER BY c.created_at, c.id COLLATE "C" LIMIT $3`,
        [accountId, beforeIso, limit],
      )).rows;
    },
    async get(accountId, id) {
      return one('SELECT * FROM candidates WHERE account_id = $1 AND id = $2', [accountId, id]);
    },
    async findByExternal(accountId, source, externalId) {
      return one('SELECT * FROM candidates WHERE account_id = $1 AND source = $2 AND external_id = $3', [accountId, source, externalId]);
    },
    async erase(accountId, id) {
      const r = await q.query(
        `UPDATE candidates SET email = NULL, first_name = NULL, last_name = NULL, locale = NULL, external_id = 'erased:' || id, erased_at = $1
         WHERE account_id = $2 AND id = $3`,
        [nowIso(), accountId, id],
      );
      return (r.rowCount ?? 0) > 0;
    },
  };
}
