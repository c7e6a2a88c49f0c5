import { js, nowIso, type Queryable } from '../postgres/db.ts';
import { newId } from '../../ids.ts';
import type { InboxRepo, InboxRow } from './types.ts';

export function inboxRepo(q: Queryable): InboxRepo {
  return {
    async lastReceived(provider, connectionId) {
      const r = await q.query<{ at: string | null }>('SELECT MAX(received_at) AS at FROM inbox WHERE provider = $1 AND connection_id = $2', [provider, connectionId]);
      return r.rows[0]?.at ?? null;
    },
    async record(r) {
      // The unique key de-duplicates deliveries across instances: a concurrent twin waits, then finds the row.
      const ins = await q.query<InboxRow>(
        `INSERT INTO inbox (id, provider, connection_id, delivery_id, status, result, received_at) VALUES ($1, $2, $3, $4, 'received', NULL, $5)
         ON CONFLICT (provider, connection_id, delivery_id) DO NOTHING RETURNING *`,
        [newId('evt'), r.provider, r.connection_id, r.delivery_id, nowIso()],
      );
      if (ins.rows[0]) return { row: ins.rows[0], duplicate: false };
      const row = (await q.query<InboxRow>('SELECT * FROM inbox WHERE provider = $1 AND connection_id = $2 AND delivery_id = $3', [r.provider, r.connection_id, r.delivery_id])).rows[0]!;
      return { row, duplicate: true };
    },
    async finish(id, status, result, answer = null) {
      await q.query('UPDATE inbox SET status = $1, result = $2, answer = COALESCE($3, answer) WHERE id = $4', [status, result === null ? null : js(result), answer === null ? null : js(answer), id]);
    },
  };
}
