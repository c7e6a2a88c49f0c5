import type { DB } from '../sqlite/db.ts';
import { nowIso } from '../sqlite/db.ts';
import type { IdempotencyRepo } from './types.ts';

export function idempotencyRepo(db: DB): IdempotencyRepo {
  const get = db.prepare('SELECT request_hash, order_id FROM idempotency_keys WHERE account_id = ? AND key = ?');
  const put = db.prepare('INSERT INTO idempotency_keys (account_id, key, request_hash, order_id, created_at) VALUES (?, ?, ?, ?, ?)');
  return {
    async get(accountId, key) {
      return (get.get(accountId, key) as { request_hash: string; order_id: string } | undefined) ?? null;
    },
    async put(accountId, key, requestHash, orderId) {
      put.run(accountId, key, requestHash, orderId, nowIso());
    },
  };
}
