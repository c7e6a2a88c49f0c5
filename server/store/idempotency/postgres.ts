import { keyLock, nowIso, type Queryable } from '../postgres/db.ts';
import type { IdempotencyRepo } from './types.ts';

export function idempotencyRepo(q: Queryable, inUnitOfWork = false): IdempotencyRepo {
  return {
    async get(accountId, key) {
      // A retried click at another instance waits for the first to commit, then replays its order.
      if (inUnitOfWork) await keyLock(q, `assay.idempotency:${accountId}:${key}`);
      return (await q.query<{ request_hash: string; order_id: string }>('SELECT request_hash, order_id FROM idempotency_keys WHERE account_id = $1 AND key = $2', [accountId, key])).rows[0] ?? null;
    },
    async put(accountId, key, requestHash, orderId) {
      await q.query('INSERT INTO idempotency_keys (account_id, key, request_hash, order_id, created_at) VALUES ($1, $2, $3, $4, $5)', [accountId, key, requestHash, orderId, nowIso()]);
    },
  };
}
