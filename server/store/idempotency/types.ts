export interface IdempotencyRepo {
  get(accountId: string, key: string): Promise<{ request_hash: string; order_id: string } | null>;
  put(accountId: string, key: string, requestHash: string, orderId: string): Promise<void>;
}

/** What IdempotencyRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type IdempotencyReads = Pick<IdempotencyRepo, 'get'>;
