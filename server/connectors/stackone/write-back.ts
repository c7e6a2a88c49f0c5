// Results back to StackOne: PATCH /unified/ats/assessments/orders/{record_id}/result (unified-apis.md §2.3), sent by
// StackOne's SDK (client.ts).
// Recruitee shows result_url as an "Open" link, score.value as a percentage beside the package name, and the
// result status in the score's tooltip (StackOne's Recruitee guide).
import { storedSummary } from '../../scoring/result-summary.ts';
import { PermanentError } from '../../http/client.ts';
import { reportUrl } from '../../orders/order-json.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, OrderRow, OutboxJob } from '../../store/types.ts';
import { updateResult, type ResultValue, type UpdateResultBody } from './client.ts';
import { settingsOf } from './settings.ts';

/** The body for one write-back event; every score field is a string, as StackOne's DTO wants. */
export async function resultBodyFor(svc: Services, order: OrderRow, event: string): Promise<UpdateResultBody> {
  if (event === 'completed') {
    const result = await svc.store.results.get(order.account_id, order.id);
    if (!result) throw new PermanentError(`order ${order.id} is completed but has no stored result`);
    const pkg = await svc.store.packages.get(order.account_id, order.package_id);
    const pct = storedSummary(result).percent;
    // Packages have no pass mark, so a finished test is simply completed.
    const verdict = 'completed';
    return {
      result_url: reportUrl(svc.config.publicUrl, order.id),
      score: { label: 'Percentage', value: String(pct), min: '0', max: '100' },
      result: { value: verdict, source_value: verdict },
      summary: `${pkg?.name ?? order.package_id}: ${pct}%`,
      ...(order.started_at ? { start_date: order.started_at } : {}),
      submission_date: result.completed_at,
    };
  }
  // UNCONFIRMED: StackOne has no "rejected" result value; a refused order is reported as cancelled with the reason.
  const value: ResultValue = event === 'expired' ? 'expired' : event === 'failed' ? 'failed' : 'cancelled';
  const fallback = event === 'expired' ? 'The invitation expired.' : event === 'rejected' ? 'The order was refused.' : 'The test was cancelled.';
  return { result: { value, source_value: event }, summary: order.reason ?? fallback, ...(order.started_at ? { start_date: order.started_at } : {}) };
}

export async function stackOneWriteBack(svc: Services, job: OutboxJob, order: OrderRow, connection: ConnectionRow): Promise<void> {
  const event = String(job.payload.event ?? '');
  const body = await resultBodyFor(svc, order, event);
  await updateResult(settingsOf(svc, connection), order.source_order_id, body);
}

/** A refusal with no stored order (no package at all): the recruiter still sees why in Recruitee. */
export async function refusalJob(svc: Services, job: OutboxJob): Promise<void> {
  const connectionId = String(job.payload.connection_id ?? '');
  const recordId = String(job.payload.record_id ?? '');
  const connection = await svc.store.connections.getById(connectionId);
  if (!connection || connection.status === 'revoked') throw new PermanentError('the StackOne connection of this refusal is gone');
  await updateResult(settingsOf(svc, connection), recordId, { result: { value: 'cancelled', source_value: 'rejected' }, summary: String(job.payload.reason ?? 'The order was refused.') });
}
