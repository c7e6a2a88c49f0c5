import type { DB } from '../sqlite/db.ts';
import { nowIso } from '../sqlite/db.ts';
import { newId } from '../../ids.ts';
import type { CandidateRow, CandidatesRepo } from './types.ts';

export function candidatesRepo(db: DB): CandidatesRepo {
  const byExternal = db.prepare('SELECT * FROM candidates WHERE account_id = ? AND source = ? AND external_id = ?');
  const get = db.prepare('SELECT * FROM candidates WHERE account_id = ? AND id = ?');
  const ins = db.prepare(`INSERT INTO candidates (id, account_id, source, external_id, email, first_name, last_name, locale, erased_at, created_at)
    VALUES (@id, @account_id, @source, @external_id, @email, @first_name, @last_name, @locale, NULL, @created_at)`);
  // The ATS is the source of truth for contact data: a newer context or webhook refreshes it (unless erased).
  const upd = db.prepare(`UPDATE candidates SET email = @email, first_name = @first_name, last_name = @last_name, locale = COALESCE(@locale, locale)
    WHERE id = @id AND erased_at IS NULL`);
  const erase = db.prepare(`UPDATE candidates SET email = NULL, first_name = NULL, last_name = NULL, locale = NULL,
    external_id = 'erased:' || id, erased_at = ? WHERE account_id = ? AND id = ?`);
  const retentionDue = db.prepare(`SELECT c.* FROM candidates c WHERE c.account_id = ? AND c.erased_at IS NULL AND c.created_at < ?
    AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.candidate_id = c.id AND (o.status IN ('pending','in_progress') OR o.updated_at >= ?))
    LIMIT ?`);
  return {
    async listRetentionDue(accountId, beforeIso, limit) {
      return retentionDue.all(accountId, beforeIso, beforeIso, limit) as CandidateRow[];
    },
    async upsert(c) {
      const existing = byExternal.get(c.account_id, c.source, c.external_id) as CandidateRow | undefined;
      if (existing) {
        // Every widget session re-states the candidate; write (and fsync) only when something changed.
        const same = existing.email === c.email && existing.first_name === c.first_name && existing.last_name === c.last_name && (c.locale === null || existing.locale === c.locale);
        if (same || existing.erased_at) return existing;
        upd.run({ id: existing.id, email: c.email, first_name: c.first_name, last_name: c.last_name, locale: c.locale });
        return get.get(c.account_id, existing.id) as CandidateRow;
      }
      const row: CandidateRow = { id: newId('cand'), ...c, erased_at: null, created_at: nowIso() };
      ins.run(row);
      return row;
    },
    async get(accountId, id) {
      return (get.get(accountId, id) as CandidateRow | undefined) ?? null;
    },
    async findByExternal(accountId, source, externalId) {
      return (byExternal.get(accountId, source, externalId) as CandidateRow | undefined) ?? null;
    },
    async erase(accountId, id) {
      return erase.run(nowIso(), accountId, id).changes > 0;
    },
  };
}
