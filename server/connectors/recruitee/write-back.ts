// Report updates to Recruitee: PATCH {base}/p/{codename}/reports/{report_id} with RT-PARTNER-SECRET (§3.3).
import { storedSummary } from '../../scoring/result-summary.ts';
import { failureFor, PermanentError } from '../../http/client.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, OrderRow, OutboxJob } from '../../store/types.ts';
import { patchReport, type ReportPatch } from './client.ts';
import { settingsOf } from './settings.ts';

export async function reportPatchFor(svc: Services, order: OrderRow, event: string): Promise<ReportPatch> {
  if (event === 'completed') {
    const result = await svc.store.results.get(order.account_id, order.id);
    if (!result) throw new PermanentError(`order ${order.id} is completed but has no stored result`);
    // Packages have no pass mark, so a finished test is "completed", never "failed".
    return { status: 'completed', score: `${storedSummary(result).percent}%`, completed_at: result.completed_at };
  }
  if (event === 'failed') return { status: 'failed' };
  // cancelled, expired, rejected: the test will not be taken.
  return { status: 'canceled' };
}

export async function recruiteeWriteBack(svc: Services, job: OutboxJob, order: OrderRow, connection: ConnectionRow): Promise<void> {
  const s = settingsOf(svc, connection);
  if (!s.partnerSecret || !s.codename) throw new PermanentError('the Recruitee connection has no partner_secret or codename');
  const patch = await reportPatchFor(svc, order, String(job.payload.event ?? ''));
  const res = await patchReport({ baseUrl: s.baseUrl, partnerSecret: s.partnerSecret, codename: s.codename }, order.source_order_id, patch);
  if (res.status < 200 || res.status >= 300) throw failureFor(res, 'Recruitee report update');
}
