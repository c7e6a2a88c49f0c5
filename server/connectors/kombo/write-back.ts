// Results back to Kombo (PUT /assessment/orders/{id}/result), run by the outbox job `writeback`.
import { describeProctoring } from '../../../shared/result/summary.ts';
import { storedSummary } from '../../scoring/result-summary.ts';
import { failureFor, PermanentError } from '../../http/client.ts';
import { reportUrl } from '../../orders/order-json.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, OrderRow, OutboxJob, ResultRow } from '../../store/types.ts';
import { KomboClient, kombosMessage, type ResultAttribute, type ResultBody } from './client.ts';
import { settingsOf } from './settings.ts';

type Event = 'completed' | 'cancelled' | 'expired' | 'rejected';

/** Kombo wants YYYY-MM-DDTHH:mm:ss.sssZ. */
const isoMillis = (s: string | null | undefined, fallback = new Date()) => {
  const t = s ? Date.parse(s) : NaN;
  return new Date(Number.isNaN(t) ? fallback.getTime() : t).toISOString();
};

/** The Kombo body for a completed attempt, mapped from its one stored result summary. */
export function completedBody(opts: { order: OrderRow; result: ResultRow; packageName: string; publicUrl: string; tool: string | null }): ResultBody {
  const { order, result } = opts;
  const r = storedSummary(result);
  const parts = r.tests.map((t) => `${t.name} ${t.percent}/100`);
  const proctoring = describeProctoring(r.proctoring);
  const summary = `${opts.packageName}: ${r.percent}/100${r.band ? ` (${r.band})` : ''}.${parts.length ? ` ${parts.join('; ')}.` : ''}${proctoring ? ` Proctoring: ${proctoring}.` : ''} Full report: ${reportUrl(opts.publicUrl, order.id)}`;
  const attributes: ResultAttribute[] = [
    { type: 'TEXT', label: 'Summary', value: summary },
    ...r.tests.map((t): ResultAttribute => ({ type: 'SUB_RESULT', id: t.id, label: t.name, score: { value: t.percent, max: 100 }, status: 'COMPLETED' })),
  ];
  const body: ResultBody = {
    status: 'COMPLETED',
    score: r.percent,
    max_score: 100,
    result_url: reportUrl(opts.publicUrl, order.id),
    completed_at: isoMillis(result.completed_at),
    attributes,
  };
  // Recruitee shows `subtitle` under the report title (§1.2.4 remote_fields).
  if (opts.tool === 'recruitee') body.remote_fields = { recruitee: { subtitle: `${r.percent}%${r.band ? ` · ${r.band}` : ''}` } };
  return body;
}

export function closedBody(opts: { order: OrderRow; event: Exclude<Event, 'completed'>; publicUrl: string; at: string }): ResultBody {
  const why =
    opts.order.reason ??
    (opts.event === 'expired' ? 'The invitation expired before the candidate finished.' : opts.event === 'rejected' ? 'The order was refused.' : 'The assessment was cancelled.');
  return {
    status: 'CANCELLED',
    result_url: reportUrl(opts.publicUrl, opts.order.id),
    completed_at: isoMillis(opts.at),
    attributes: [{ type: 'TEXT', label: opts.event === 'expired' ? 'Expired' : opts.event === 'rejected' ? 'Refused' : 'Cancelled', value: why }],
  };
}

/**
 * Records what became of the write-back as the order's write-back state (kept for support and the report page);
 * never in orders.outcome, which is the hiring outcome Insights counts.
 */
async function recordOutcome(svc: Services, order: OrderRow, outcome: string, state: 'written' | 'failed' = 'written') {
  await svc.store.transaction(async (tx) => {
    await tx.orders.update(order.account_id, order.id, { writeback_state: state, writeback_note: outcome.slice(0, 500), writeback_at: new Date().toISOString() });
    await tx.audit.add({ account_id: order.account_id, actor: order.connection_id ? `kombo:${order.connection_id}` : 'kombo', action: 'order.writeback', target: order.id, details: { state, note: outcome.slice(0, 500) } });
  });
}

export async function writeBack(svc: Services, job: OutboxJob, order: OrderRow, connection: ConnectionRow): Promise<void> {
  const event = String(job.payload.event ?? '') as Event;
  if (!['completed', 'cancelled', 'expired', 'rejected'].includes(event)) throw new PermanentError(`unknown write-back event "${event}"`);
  const s = settingsOf(svc, connection);
  const meta = (order.meta.kombo ?? {}) as { integration_id?: string | null };
  const client = new KomboClient({ baseUrl: s.baseUrl, apiKey: s.apiKey, integrationId: meta.integration_id ?? s.integrationId });
  let body: ResultBody;
  if (event === 'completed') {
    const [result, pkg] = await Promise.all([svc.store.results.get(order.account_id, order.id), svc.store.packages.get(order.account_id, order.package_id)]);
    if (!result) throw new PermanentError('the order is completed but has no stored result');
    body = completedBody({ order, result, packageName: pkg?.name ?? order.package_id, publicUrl: svc.config.publicUrl, tool: s.tool });
  } else {
    body = closedBody({ order, event, publicUrl: svc.config.publicUrl, at: job.created_at });
  }

  const res = await client.putResult(order.source_order_id, body);
  if (res.status >= 200 && res.status < 300) {
    await recordOutcome(svc, order, `kombo: ${body.status} written`);
    return;
  }
  const failure = failureFor(res, `Kombo PUT result (${kombosMessage(res)})`);
  if (!(failure instanceof PermanentError)) throw failure; // timeouts, 429 (Retry-After honoured) and 5xx: the outbox retries

  // A 4xx: Kombo only accepts results while the order is OPEN (§1.2.4). Ask what state it is in, since the
  // error code for "no longer OPEN" is not documented (UNCONFIRMED); if it is closed, that is final.
  const { orders } = await client.listOrders({ ids: order.source_order_id, pageSize: 1 });
  const current = orders.find((o) => o.id === order.source_order_id);
  if (current && current.status === body.status && job.attempts > 0) {
    // An earlier attempt of this job that timed out on our side had landed after all.
    await recordOutcome(svc, order, `kombo: ${body.status} written (an earlier attempt had landed)`);
    return;
  }
  if (current && current.status && current.status !== 'OPEN') {
    const reason = `kombo: not written, the order is ${current.status} in Kombo (${kombosMessage(res).slice(0, 200)})`;
    svc.log.info('kombo write-back skipped: order no longer open', { order: order.id, kombo_status: current.status });
    await recordOutcome(svc, order, reason, 'failed');
    return;
  }
  throw failure; // still OPEN (or unknown to Kombo): our body or settings are wrong; dead-letter with the reason
}
