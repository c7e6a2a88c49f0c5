// The provider dashboard's Candidates: every order of one account from every source, newest first,
// keyset-paginated, and the two actions on an open order (Resend, Cancel). The dashboard API calls
// these; they call the same order functions the widget's routes call (place-order.ts).
import { ACTIVE_STATUSES, ORDER_SOURCES, ORDER_STATUSES, type OrderSource, type OrderStatus } from '../../shared/api.ts';
import { readResultSummary } from '../../shared/result/summary.ts';
import { ApiError, notFound } from '../errors.ts';
import { enqueueWriteBack, reissueInvitation } from '../orders/place-order.ts';
import type { Services } from '../services.ts';
import type { OrderListItem, OrderPageQuery } from '../store/types.ts';

const PAGE_SIZE = 25;

export interface CandidateFilter {
  status?: OrderStatus;
  source?: OrderSource;
  package_id?: string;
  job_id?: string;
  /** Dates (YYYY-MM-DD, UTC); `to` counts the whole day. */
  from?: string;
  to?: string;
  q?: string;
  cursor?: string;
  limit?: number;
}

export interface CandidateOrder {
  id: string;
  status: OrderStatus;
  reason: string | null;
  source: string;
  candidate: { name: string | null; email: string | null; erased: boolean };
  package: { id: string; name: string };
  job: { id: string | null; name: string | null };
  score: number | null;
  band: string | null;
  invited_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  report_url: string;
  can_resend: boolean;
  can_cancel: boolean;
}

/** The keyset of a page's last row, opaque to the client. */
export const encodeCursor = (row: { created_at: string; id: string }) => Buffer.from(`${row.created_at}|${row.id}`, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): { created_at: string; id: string } {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length || !at || !id || Number.isNaN(Date.parse(at)) || !/^ord_[0-9a-z]{8,40}$/.test(id)) {
    throw new ApiError(400, 'invalid_cursor', 'This page link is not valid any more; start again from the first page.');
  }
  return { created_at: at, id };
}

const dayIso = (d: string, endOfDay: boolean) => new Date(Date.parse(`${d}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0)).toISOString();

/** The filter as the route's schema (CandidatesQuerySchema) let it through, as a store query. */
function toPageQuery(f: CandidateFilter): OrderPageQuery {
  const q: OrderPageQuery = {
    status: f.status,
    source: f.source,
    packageId: f.package_id,
    jobId: f.job_id,
    from: f.from ? dayIso(f.from, false) : undefined,
    to: f.to ? dayIso(f.to, true) : undefined,
    search: f.q?.trim() || undefined,
    after: f.cursor ? decodeCursor(f.cursor) : undefined,
    limit: f.limit ?? PAGE_SIZE,
  };
  if (q.from && q.to && q.from >= q.to) throw new ApiError(400, 'invalid_query', '"From" must be on or before "To".');
  return q;
}


function toCandidateOrder(o: OrderListItem, publicUrl: string): CandidateOrder {
  const erased = !!o.candidate_erased_at;
  const name = erased ? null : [o.candidate_first_name, o.candidate_last_name].filter(Boolean).join(' ') || null;
  return {
    id: o.id,
    status: o.status,
    reason: o.reason,
    source: o.source,
    candidate: { name, email: erased ? null : o.candidate_email, erased },
    package: { id: o.package_id, name: o.package_name },
    job: { id: o.job_id, name: o.job_name },
    score: o.score,
    // The band stored with the result (as the report and the ATS show it), not one worked out again.
    band: o.result_details === null ? null : (readResultSummary(o.result_details)?.band ?? null),
    invited_at: o.invited_at,
    started_at: o.started_at,
    completed_at: o.completed_at,
    created_at: o.created_at,
    report_url: `${publicUrl}/report/${o.id}`,
    can_resend: ACTIVE_STATUSES.includes(o.status) && !erased,
    can_cancel: ACTIVE_STATUSES.includes(o.status),
  };
}

/** One page of the account's orders and the cursor of the next page (null on the last). */
export async function listCandidates(svc: Services, accountId: string, f: CandidateFilter): Promise<{ orders: CandidateOrder[]; next_cursor: string | null }> {
  const q = toPageQuery(f);
  const rows = await svc.store.orders.listPage(accountId, { ...q, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return {
    orders: page.map((o) => toCandidateOrder(o, svc.config.publicUrl)),
    next_cursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

/** What the Candidates filters offer: the account's packages, the jobs its orders name, sources, statuses. */
export async function candidateFilters(svc: Services, accountId: string) {
  const [packages, jobs] = await Promise.all([svc.store.packages.list(accountId), svc.store.orders.listJobs(accountId)]);
  return {
    statuses: [...ORDER_STATUSES],
    sources: [...ORDER_SOURCES],
    packages: packages.map((p) => ({ id: p.id, name: p.name })),
    jobs: jobs.map((j) => ({ id: j.job_id, name: j.job_name ?? j.job_id })),
  };
}

/** One order as the list shows it (after an action). */
async function listedOrder(svc: Services, accountId: string, id: string): Promise<CandidateOrder> {
  const view = await svc.store.orders.view(accountId, id);
  if (!view) throw notFound('order');
  const cand = await svc.store.candidates.get(accountId, view.candidate_id);
  const item: OrderListItem = {
    ...view,
    score: view.result?.score ?? null,
    result_details: view.result?.details ?? null,
    candidate_email: cand?.email ?? null,
    candidate_first_name: cand?.first_name ?? null,
    candidate_last_name: cand?.last_name ?? null,
    candidate_erased_at: cand?.erased_at ?? null,
  };
  return toCandidateOrder(item, svc.config.publicUrl);
}

/** Cancels an open order of the account: the candidate's link then says it is no longer valid, the ATS hears "cancelled". */
export async function cancelOrder(svc: Services, accountId: string, id: string, actor: string): Promise<CandidateOrder> {
  await svc.store.transaction(async (tx) => {
    const o = await tx.orders.get(accountId, id);
    if (!o) throw notFound('order');
    if (o.status === 'cancelled') return;
    if (!ACTIVE_STATUSES.includes(o.status)) throw new ApiError(409, 'order_not_cancellable', `This order is ${o.status.replace('_', ' ')} and can no longer be cancelled.`);
    await tx.orders.update(accountId, id, { status: 'cancelled', reason: 'Cancelled from the dashboard.' });
    await enqueueWriteBack(tx, { ...o, status: 'cancelled' }, 'cancelled');
    await tx.audit.add({ account_id: accountId, actor, action: 'order.cancelled', target: id, details: {} });
  });
  svc.outbox.wake();
  return listedOrder(svc, accountId, id);
}

/** Sends the invitation again with a new link (the old one stops working). */
export async function resendOrder(svc: Services, accountId: string, id: string, actor: string): Promise<CandidateOrder> {
  await svc.store.transaction(async (tx) => {
    const o = await tx.orders.get(accountId, id);
    if (!o) throw notFound('order');
    if (!ACTIVE_STATUSES.includes(o.status)) throw new ApiError(409, 'order_not_resendable', `This order is ${o.status.replace('_', ' ')}; send a new test instead.`);
    const account = await tx.accounts.get(accountId);
    if (!account) throw notFound('account');
    await reissueInvitation(tx, svc.box, account, o);
    await tx.audit.add({ account_id: accountId, actor, action: 'order.resent', target: id, details: {} });
  });
  svc.outbox.wake();
  return listedOrder(svc, accountId, id);
}
