// GET /api/orders (the widget's list, on every widget load) reads only what an order's public JSON is made from,
// mapped into one object per row: the same SQL columns and mapping for both stores.
import type { Json } from '../types.ts';
import type { OrderJsonSource } from './types.ts';

/** The columns of OrderJsonSource, the result's beside them (r_*), for GET /api/orders (listForWidget). */
export const WIDGET_COLS = `o.id, o.package_id, COALESCE(p.name, o.package_id) AS package_name, o.status, o.source, o.candidate_id, o.application_id, o.job_id, o.job_name,
  o.reason, o.created_at, o.updated_at, o.invited_at, o.started_at, o.completed_at, o.expires_at, o.extra_time_percent,
  r.score AS r_score, r.max_score AS r_max_score, r.details AS r_details, r.completed_at AS r_completed_at`;

/** Each row of listForWidget made into its OrderJsonSource in one object (`details`: the driver's text, or the JSON pg parsed). */
export function widgetRow<D>(r: WidgetRaw<D>, details: (d: D) => Json): OrderJsonSource {
  return {
    id: r.id,
    package_id: r.package_id,
    package_name: r.package_name,
    status: r.status,
    source: r.source,
    candidate_id: r.candidate_id,
    application_id: r.application_id,
    job_id: r.job_id,
    job_name: r.job_name,
    reason: r.reason,
    created_at: r.created_at,
    updated_at: r.updated_at,
    invited_at: r.invited_at,
    started_at: r.started_at,
    completed_at: r.completed_at,
    expires_at: r.expires_at,
    extra_time_percent: r.extra_time_percent,
    result: r.r_score === null ? null : { score: r.r_score, max_score: r.r_max_score!, details: details(r.r_details!), completed_at: r.r_completed_at! },
  };
}
export type WidgetRaw<D> = Omit<OrderJsonSource, 'result'> & { r_score: number | null; r_max_score: number | null; r_details: D | null; r_completed_at: string | null };
