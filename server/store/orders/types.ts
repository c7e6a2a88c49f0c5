import type { Json } from '../types.ts';
import type { OrderSource, OrderStatus } from '../../../shared/api.ts';

export interface OrderRow {
  id: string;
  account_id: string;
  source: OrderSource;
  source_order_id: string;
  connection_id: string | null;
  package_id: string;
  package_version: number;
  candidate_id: string;
  application_id: string | null;
  job_id: string | null;
  job_name: string | null;
  status: OrderStatus;
  reason: string | null;
  invite_token_hash: string | null;
  invited_at: string | null;
  expires_at: string | null;
  started_at: string | null;
  deadline_at: string | null;
  completed_at: string | null;
  created_by: string | null;
  /** The hiring outcome the ATS reported (hired / rejected), for Insights; never the write-back's state. */
  outcome: string | null;
  outcome_at: string | null;
  /** Delivery of the latest write-back to the order's source: written / failed (null: nothing written yet). */
  writeback_state?: 'written' | 'failed' | null;
  /** What the ATS answered, in a sentence without personal data. */
  writeback_note?: string | null;
  writeback_at?: string | null;
  meta: Json;
  created_at: string;
  updated_at: string;
  /** Extra time granted as an accommodation: percent added to each test's duration (0, 25, 50 or 100). */
  extra_time_percent: number;
}

export type NewOrder = Omit<OrderRow, 'created_at' | 'updated_at' | 'outcome' | 'outcome_at' | 'extra_time_percent'> & { extra_time_percent?: number };

/** An order joined with what the widget shows beside it. */
export interface OrderView extends OrderRow {
  package_name: string;
  result: ResultRow | null;
}

/**
 * What an order's public JSON (server/orders/order-json.ts, toOrderJson) is made from, and no more: GET /api/orders
 * reads only these columns (listForWidget), not the whole row.
 */
export type OrderJsonSource = Pick<
  OrderView,
  'id' | 'package_id' | 'package_name' | 'status' | 'source' | 'candidate_id' | 'application_id' | 'job_id' | 'job_name' | 'reason' | 'created_at' | 'updated_at' | 'invited_at' | 'started_at' | 'completed_at' | 'expires_at' | 'extra_time_percent'
> & { result: Pick<ResultRow, 'score' | 'max_score' | 'details' | 'completed_at'> | null };

/** One page of the provider dashboard's Candidates list: filters, and the keyset of the previous page's last row. */
export interface OrderPageQuery {
  status?: OrderStatus;
  source?: string;
  packageId?: string;
  jobId?: string;
  /** ISO instants bounding orders.created_at, [from, to). */
  from?: string;
  to?: string;
  /** Part of the candidate's name or e-mail address (case-insensitive). */
  search?: string;
  after?: { created_at: string; id: string };
  limit: number;
}

/** An order as the dashboard lists it: with the candidate, the score and the stored result summary, no answers. */
export interface OrderListItem extends Omit<OrderRow, 'meta' | 'invite_token_hash'> {
  package_name: string;
  score: number | null;
  /** results.details: the result summary stored at scoring time (its band is the one the report shows). */
  result_details: Json | null;
  candidate_email: string | null;
  candidate_first_name: string | null;
  candidate_last_name: string | null;
  candidate_erased_at: string | null;
}

export interface ResultRow {
  order_id: string;
  account_id: string;
  score: number;
  max_score: number;
  details: Json;
  completed_at: string;
}

export interface OrdersRepo {
  /** Inserts, or returns the existing order for the same (account, source, source_order_id). */
  insertOnce(o: NewOrder): Promise<{ order: OrderRow; created: boolean }>;
  get(accountId: string, id: string): Promise<OrderRow | null>;
  /** Unscoped lookup by unguessable id, for background jobs that carry the id. */
  getById(id: string): Promise<OrderRow | null>;
  view(accountId: string, id: string): Promise<OrderView | null>;
  findBySource(accountId: string, source: string, sourceOrderId: string): Promise<OrderRow | null>;
  findByInviteHash(hash: string): Promise<OrderRow | null>;
  findActive(accountId: string, candidateId: string, applicationId: string | null, packageId: string): Promise<OrderRow | null>;
  listForApplication(accountId: string, applicationId: string, candidateId?: string): Promise<OrderView[]>;
  /** listForApplication's orders (same order, same limit) with only what toOrderJson reads: GET /api/orders on every widget load. */
  listForWidget(accountId: string, applicationId: string): Promise<OrderJsonSource[]>;
  listByCandidate(accountId: string, candidateId: string): Promise<OrderRow[]>;
  update(accountId: string, id: string, patch: Partial<Omit<OrderRow, 'id' | 'account_id' | 'created_at'>>): Promise<void>;
  /** Orders past their invitation expiry or test deadline, still open. */
  listLapsed(nowIso: string, limit: number): Promise<OrderRow[]>;
  /** The dashboard's Candidates list: newest first, keyset-paginated on (created_at, id). */
  listPage(accountId: string, q: OrderPageQuery): Promise<OrderListItem[]>;
  /** The jobs the account's orders name, for the Candidates filter. */
  listJobs(accountId: string): Promise<{ job_id: string; job_name: string | null }[]>;
}

export interface ResultsRepo {
  insert(r: ResultRow): Promise<void>;
  get(accountId: string, orderId: string): Promise<ResultRow | null>;
  /** How a percent compares with every result of one package on one account: group size, scores below and equal. */
  standing(accountId: string, packageId: string, percent: number): Promise<{ size: number; below: number; equal: number }>;
}

/** What OrdersRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type OrdersReads = Pick<OrdersRepo, 'get' | 'getById' | 'view' | 'findBySource' | 'findByInviteHash' | 'findActive' | 'listForApplication' | 'listForWidget' | 'listByCandidate' | 'listLapsed' | 'listPage' | 'listJobs'>;

/** What ResultsRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type ResultsReads = Pick<ResultsRepo, 'get' | 'standing'>;
