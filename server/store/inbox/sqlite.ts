import type { DB } from '../sqlite/db.ts';
import { json, nowIso } from '../sqlite/db.ts';
import { newId } from '../../ids.ts';
import type { InboxRepo, InboxRow } from './types.ts';

export function inboxRepo(db: DB): InboxRepo {
  const ins = db.prepare(`INSERT INTO inbox (id, provider, connection_id, delivery_id, status, result, received_at) VALUES (?, ?, ?, ?, 'received', NULL, ?)
    ON CONFLICT (provider, connection_id, delivery_id) DO NOTHING`);
  const get = db.prepare('SELECT * FROM inbox WHERE provider = ? AND connection_id = ? AND delivery_id = ?');
  const finish = db.prepare('UPDATE inbox SET status = ?, result = ?, answer = COALESCE(?, answer) WHERE id = ?');
  const last = db.prepare('SELECT MAX(received_at) FROM inbox WHERE provider = ? AND connection_id = ?').pluck();
  return {
    async lastReceived(provider, connectionId) {
      return (last.get(provider, connectionId) as string | null) ?? null;
    },
    async record(r) {
      const info = ins.run(newId('evt'), r.provider, r.connection_id, r.delivery_id, nowIso());
      const row = get.get(r.provider, r.connection_id, r.delivery_id) as InboxRow & { result: string | null; answer: string | null };
      return { row: { ...row, result: json(row.result), answer: json(row.answer) }, duplicate: info.changes === 0 };
    },
    async finish(id, status, result, answer = null) {
      finish.run(status, result === null ? null : JSON.stringify(result), answer === null ? null : JSON.stringify(answer), id);
    },
  };
}
