import type { DB } from '../sqlite/db.ts';
import { json, nowIso } from '../sqlite/db.ts';
import { newId } from '../../ids.ts';
import type { AuditRepo, AuditRow } from './types.ts';

export function auditRepo(db: DB): AuditRepo {
  const ins = db.prepare('INSERT INTO audit_log (id, account_id, actor, action, target, details, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const list = db.prepare('SELECT * FROM audit_log WHERE account_id IS ? ORDER BY at DESC LIMIT ?');
  return {
    async add(a) {
      ins.run(newId('aud'), a.account_id, a.actor, a.action, a.target, JSON.stringify(a.details), nowIso());
    },
    async list(accountId, limit = 100) {
      return (list.all(accountId, limit) as (AuditRow & { details: string })[]).map((r) => ({ ...r, details: json(r.details) }));
    },
  };
}
