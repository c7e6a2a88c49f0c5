import type { Json } from '../types.ts';

export type OutboxStatus = 'pending' | 'running' | 'done' | 'dead';

export interface OutboxJob {
  id: string;
  account_id: string | null;
  kind: string;
  connection_id: string | null;
  order_id: string | null;
  payload: Json;
  idempotency_key: string;
  status: OutboxStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewOutboxJob {
  account_id: string | null;
  kind: string;
  connection_id?: string | null;
  order_id?: string | null;
  payload: Json;
  idempotency_key?: string;
  max_attempts?: number;
  run_at?: number;
}

export interface OutboxRepo {
  enqueue(job: NewOutboxJob): Promise<OutboxJob>;
  /** Leases up to `limit` due jobs (pending and due, or running with an expired lease). */
  claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxJob[]>;
  /** Renews the lease of jobs still running (the holder's heartbeat while their handlers run). */
  extendLease(ids: string[], leaseUntil: number): Promise<void>;
  complete(id: string): Promise<void>;
  retry(id: string, nextAttemptAt: number, error: string, countAttempt?: boolean): Promise<void>;
  kill(id: string, error: string): Promise<void>;
  replay(id: string, now: number, accountId?: string): Promise<OutboxJob | null>;
  get(id: string, accountId?: string): Promise<OutboxJob | null>;
  list(opts: { status?: OutboxStatus; accountId?: string; kind?: string; limit?: number }): Promise<OutboxJob[]>;
  nextDueAt(): Promise<number | null>;
  erasePayloads(orderId: string): Promise<void>;
  /**
   * Erases the payload and last_error of the account's finished (done or dead) jobs that name one of `ids` as a
   * JSON value (`"id"`, or a number `:id,` `:id}`), or quote it in last_error: jobs that belong to no order,
   * such as a webhook's follow-up job, may carry a person's ATS ids. Returns how many jobs changed.
   */
  erasePayloadsMentioning(accountId: string, ids: readonly string[]): Promise<number>;
}

/** What OutboxRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type OutboxReads = Pick<OutboxRepo, 'get' | 'list' | 'nextDueAt'>;
