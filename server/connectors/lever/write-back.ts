// Results back to Lever: on completion a feedback form with the Rating from the score bands (per account:
// settings.score_bands) and a note with the score summary and the report link, both as perform_as.
// Cancellations and expiries leave a short note. Each write is remembered, so a retry never repeats one.
import { bandsOrDefault, scoreBand, type ScoreBand } from '../../../shared/score-bands.ts';
import { describeProctoring } from '../../../shared/result/summary.ts';
import { storedSummary } from '../../scoring/result-summary.ts';
import { PermanentError } from '../../http/client.ts';
import { reportUrl } from '../../orders/order-json.ts';
import type { Services } from '../../services.ts';
import type { AccountRow, ConnectionRow, OrderRow, OutboxJob, ResultRow } from '../../store/types.ts';
import { LeverClient } from './client.ts';
import { feedbackTemplate, performAsUser, ratingField, type FeedbackTemplate } from './client.ts';

/** The account's bands when they are well formed, else Lever's default four-point scale. */
export const bandsFor = (account: Pick<AccountRow, 'settings'>): readonly ScoreBand[] => bandsOrDefault(account.settings.score_bands);

/** The template option for a band label: the exact text, else the option with the same leading digit ("3 - Hire"). */
export function ratingOption(label: string, options: { text: string }[]): string | undefined {
  const exact = options.find((o) => o.text.trim().toLowerCase() === label.trim().toLowerCase());
  if (exact) return exact.text;
  const digit = /^\s*([1-4])\b/.exec(label)?.[1];
  return digit ? options.find((o) => o.text.trim().startsWith(digit))?.text : undefined;
}

export interface Summary {
  pct: number;
  label: string;
  text: string;
  url: string;
}

/** The Lever note and feedback text for a result, mapped from its one stored summary (exported for tests). */
export function summarise(svc: Pick<Services, 'config'>, order: OrderRow, result: ResultRow, pkgName: string, bands: readonly ScoreBand[]): Summary {
  const r = storedSummary(result);
  const pct = r.percent;
  // The rating follows the account's bands as they are now (they may have changed since scoring).
  const band = scoreBand(pct, bands);
  if (!band) throw new PermanentError(`The score ${pct}% falls in none of this account's score bands (settings.score_bands); fix the bands and replay the job.`);
  const lines = r.tests.map((t) => `• ${t.name}: ${t.percent}%`);
  const proctoring = describeProctoring(r.proctoring);
  const url = reportUrl(svc.config.publicUrl, order.id);
  const text = [`Assay result — ${pkgName}: ${pct}% (${band.label}).`, ...lines, ...(proctoring ? [`Proctoring: ${proctoring}.`] : []), `Full report: ${url}`].join('\n');
  return { pct, label: band.label, text, url };
}

function fieldValues(t: FeedbackTemplate, rating: string, s: Summary): { id: string; value: unknown }[] {
  const ratingF = ratingField(t)!;
  const out: { id: string; value: unknown }[] = [{ id: ratingF.id, value: rating }];
  let summaryUsed = false;
  for (const f of t.fields) {
    if (f.id === ratingF.id) continue;
    const textual = f.type === 'text' || f.type === 'textarea' || f.type === 'url';
    if (textual && /link|url|report/i.test(f.text)) out.push({ id: f.id, value: s.url });
    else if ((f.type === 'textarea' || f.type === 'text') && (!summaryUsed || f.required)) {
      out.push({ id: f.id, value: s.text });
      summaryUsed = true;
    } else if (f.required) {
      throw new PermanentError(`The Lever feedback template "${t.text}" has a required field "${f.text}" (${f.type}) that Assay cannot fill; make it optional or use another template.`);
    }
  }
  return out;
}

type Progress = { feedback_id?: string; note_id?: string };

export async function leverWriteBack(svc: Services, job: OutboxJob, order: OrderRow, connection: ConnectionRow): Promise<void> {
  const event = String(job.payload.event ?? '');
  const opportunityId = order.application_id;
  if (!opportunityId) throw new PermanentError('the order has no Lever opportunity to write to');
  const client = new LeverClient(svc, connection);
  const opp = encodeURIComponent(opportunityId);
  const progressKey = `writeback:${order.id}:${event}`;
  const state = svc.store.connectorState;
  const progress = (await state.get<Progress>(connection.id, progressKey)) ?? {};
  const [account, pkg] = await Promise.all([svc.store.accounts.get(order.account_id), svc.store.packages.get(order.account_id, order.package_id)]);
  if (!account) throw new PermanentError('the account of this order no longer exists');
  const pkgName = pkg?.name ?? order.package_id;

  if (event === 'completed') {
    const result = await svc.store.results.get(order.account_id, order.id);
    if (!result) throw new PermanentError('the order is completed but has no result to write back');
    const s = summarise(svc, order, result, pkgName, bandsFor(account));
    const user = await performAsUser(client);
    if (!progress.feedback_id) {
      const template = await feedbackTemplate(client);
      const rating = ratingOption(s.label, ratingField(template)!.options ?? []);
      if (!rating) throw new PermanentError(`The rating "${s.label}" is not an option of Lever's Rating question; align settings.score_bands with Lever's four options.`);
      const completedAt = Date.parse(result.completed_at);
      const res = await client.request<{ id?: string; data?: { id?: string } }>('POST', `/opportunities/${opp}/feedback`, {
        query: { perform_as: user },
        body: { baseTemplateId: template.id, fieldValues: fieldValues(template, rating, s), ...(Number.isFinite(completedAt) ? { completedAt } : {}) },
      });
      // UNCONFIRMED: the docs example answers the bare feedback object (no `data` wrapper); accept both
      progress.feedback_id = res.body?.id ?? res.body?.data?.id ?? 'written';
      await svc.store.transaction((tx) => tx.connectorState.put(connection.id, progressKey, progress));
    }
    if (!progress.note_id) {
      const score = /^\s*([1-4])\b/.exec(s.label)?.[1];
      const res = await client.request<{ data?: { noteId?: string } }>('POST', `/opportunities/${opp}/notes`, {
        query: { perform_as: user },
        body: { value: s.text, ...(score ? { score: Number(score) } : {}) },
      });
      progress.note_id = res.body?.data?.noteId ?? 'written';
      await svc.store.transaction((tx) => tx.connectorState.put(connection.id, progressKey, progress));
    }
  } else if (event === 'cancelled' || event === 'expired') {
    if (!progress.note_id) {
      const text = event === 'cancelled' ? `Assay: the assessment "${pkgName}" was cancelled before the candidate finished it.` : `Assay: the assessment "${pkgName}" expired: ${order.reason ?? 'the candidate did not finish it in time.'}`;
      const user = await performAsUser(client).catch(() => undefined);
      await client.request('POST', `/opportunities/${opp}/notes`, { query: { perform_as: user }, body: { value: text } });
    }
  } else {
    return; // 'rejected': a refusal on a Lever order was already noted when it happened
  }
  await svc.store.transaction((tx) => tx.connectorState.delete(connection.id, progressKey));
}
