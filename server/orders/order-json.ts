import type { Order } from '../../shared/api.ts';
import { readResultSummary, roundPercent, type ResultSummary } from '../../shared/result/summary.ts';
import type { OrderJsonSource } from '../store/orders/types.ts';

export const reportUrl = (publicUrl: string, orderId: string) => `${publicUrl}/report/${orderId}`;

/** The public shape of an order (API.md): what the widget and integrators see. */
export function toOrderJson(o: OrderJsonSource, publicUrl: string): Order {
  return {
    id: o.id,
    package_id: o.package_id,
    package_name: o.package_name,
    status: o.status,
    source: o.source,
    candidate_id: o.candidate_id,
    application_id: o.application_id,
    job: { id: o.job_id, name: o.job_name },
    reason: o.reason,
    created_at: o.created_at,
    updated_at: o.updated_at,
    invited_at: o.invited_at,
    started_at: o.started_at,
    completed_at: o.completed_at,
    expires_at: o.expires_at,
    result: o.result ? resultJson(o, readResultSummary(o.result.details), publicUrl, o.result.completed_at) : null,
    extra_time_percent: o.extra_time_percent,
  };
}

/**
 * The result card's data, mapped from the one result summary: `score` is its integer percent out of 100.
 * A row without a readable summary still shows its stored score (the results table's own integer column),
 * never an error for the whole list.
 */
function resultJson(o: OrderJsonSource, r: ResultSummary | null, publicUrl: string, completedAt: string): NonNullable<Order['result']> {
  if (!r) {
    const percent = o.result!.max_score ? roundPercent(o.result!.score, o.result!.max_score) : 0;
    return { score: percent, max_score: 100, status: o.status, result_url: reportUrl(publicUrl, o.id), completed_at: completedAt, percent, band: null };
  }
  return {
    score: r.percent,
    max_score: 100,
    status: o.status,
    result_url: reportUrl(publicUrl, o.id),
    completed_at: completedAt,
    percent: r.percent,
    band: r.band,
    answered: r.answered,
    total: r.total,
    tests: r.tests.map((t) => ({ id: t.id, name: t.name, percent: t.percent })),
  };
}
