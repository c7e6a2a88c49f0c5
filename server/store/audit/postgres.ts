import { js, nowIso, type Queryable } from '../postgres/db.ts';
import { newId } from '../../ids.ts';
import type { AuditRepo, AuditRow } from './types.ts';

export function auditRepo(q: Queryable): AuditRepo {
  return {
    async add(a) {
      await q.query('INSERT INTO audit_log (id, account_id, actor, action, target, details, at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        newId('aud'), a.account_id, a.actor, a.action, a.target, js(a.details), nowIso(),
      ]);
    },
    async list(accountId, limit = 100) {
      return (await q.query<AuditRow>('SELECT * FROM audit_log WHERE account_id IS NOT DISTINCT FROM $1 ORDER BY at DESC, id COLLATE "C" DESC LIMIT $2', [accountId, limit])).rows;
    },
  };
}
