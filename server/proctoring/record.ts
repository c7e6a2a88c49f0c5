// Proctoring on the server: events from the candidate's page stored (bounded per attempt) while the
// attempt is open, and summarised into the result summary when it is submitted.
import type { PackageContent } from '../../shared/content/schema.ts';
import { MAX_PROCTORING_EVENTS, type ProctoringEvent } from '../../shared/result/proctoring.ts';
import type { ProctoringSummary } from '../../shared/result/summary.ts';
import { invitationState } from '../candidate/attempt.ts';
import { ApiError } from '../errors.ts';
import type { ProctoringEventRow, Repos, Store } from '../store/types.ts';

export async function recordProctoring(store: Store, tokenHash: string, events: ProctoringEvent[], now: Date): Promise<{ stored: number; total: number; limit: number }> {
  return store.transaction(async (tx: Repos) => {
    const order = await tx.orders.findByInviteHash(tokenHash);
    if (!order) throw new ApiError(404, 'invitation_unknown', 'This assessment link is not valid. Use the complete link from your most recent invitation e-mail.');
    if (order.status !== 'in_progress' || invitationState(order, now) !== 'open') {
      throw new ApiError(409, 'attempt_not_open', 'Nothing is recorded outside a running assessment.');
    }
    const content = (await tx.packages.content(order.account_id, order.package_id, order.package_version)) as PackageContent | null;
    const ids = new Set((content?.tests ?? []).flatMap((t) => t.questions.map((q) => q.id)));
    for (const e of events) {
      if (e.kind !== 'left' && !ids.has(e.question_id)) throw new ApiError(400, 'question_unknown', `This assessment has no question "${e.question_id}".`);
    }
    const at = now.toISOString();
    const rows = events.map((e) => ({ kind: e.kind, question_id: e.kind === 'left' ? null : e.question_id, duration_ms: e.kind === 'paste' ? 0 : e.duration_ms, at }));
    const r = await tx.attempts.addProctoringEvents(order.id, rows, MAX_PROCTORING_EVENTS);
    if (r.stored === 0) {
      throw new ApiError(409, 'proctoring_limit_reached', `This attempt already holds the most events that are kept (${MAX_PROCTORING_EVENTS}); nothing more is recorded.`);
    }
    return { ...r, limit: MAX_PROCTORING_EVENTS };
  });
}

/** The summary the report and the ATS notes show; null when nothing was recorded. */
export function summariseProctoring(rows: readonly ProctoringEventRow[]): ProctoringSummary | null {
  if (rows.length === 0) return null;
  let leftCount = 0;
  let leftMs = 0;
  let pasteCount = 0;
  const perQuestion = new Map<string, number>();
  for (const r of rows) {
    if (r.kind === 'left') {
      leftCount++;
      leftMs += r.duration_ms;
    } else if (r.kind === 'paste') {
      pasteCount++;
    } else if (r.question_id) {
      perQuestion.set(r.question_id, (perQuestion.get(r.question_id) ?? 0) + r.duration_ms);
    }
  }
  return {
    left_count: leftCount,
    left_seconds: Math.round(leftMs / 1000),
    paste_count: pasteCount,
    question_seconds: Object.fromEntries([...perQuestion].map(([id, ms]) => [id, Math.round(ms / 1000)])),
    truncated: rows.length >= MAX_PROCTORING_EVENTS,
  };
}
