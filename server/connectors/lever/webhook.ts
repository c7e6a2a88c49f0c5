// Lever webhooks (contracts/ats-native.md §2.3): the signature is HMAC(signature token, token + triggeredAt)
// carried in the body — never over the body — so the body is parsed (size-bounded by the route) and then
// verified before anything is stored. De-duplicated on the delivery `token`, remembered for every event.
import * as v from 'valibot';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import { hmacMatches, recordDelivery } from '../shared.ts';
import type { WebhookRequest, WebhookResponse } from '../types.ts';
import { leverSettings, PROVIDER } from './settings.ts';

export const STAGE_CHANGE_JOB = 'lever.stage_change';
/**
 * How old a signed delivery may be: long enough for Lever's retries (a refused retry would lose a stage
 * change; a replayed one is caught by the token de-duplication anyway), short enough that a captured
 * delivery cannot be replayed once its inbox record is gone. Future timestamps allow only clock skew.
 */
export const TRIGGERED_AT_MAX_AGE_MS = 3 * 86_400_000;
export const TRIGGERED_AT_MAX_SKEW_MS = 5 * 60_000;

const Envelope = v.object({
  triggeredAt: v.union([v.pipe(v.number(), v.integer(), v.minValue(0)), v.pipe(v.string(), v.regex(/^\d{1,16}$/))]),
  event: v.pipe(v.string(), v.maxLength(100)),
  data: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
  token: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  signature: v.optional(v.pipe(v.string(), v.maxLength(200))),
});
const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(100), v.regex(/^[A-Za-z0-9_-]+$/, 'must be a Lever id'));
const StageChange = v.object({ opportunityId: Id, toStageId: Id, fromStageId: v.optional(v.nullable(Id)), contactId: v.optional(v.nullable(Id)), candidateId: v.optional(v.nullable(Id)) });
const Hired = v.object({ opportunityId: Id, contactId: v.optional(v.nullable(Id)), candidateId: v.optional(v.nullable(Id)) });

const ok = (body: Record<string, unknown> = {}): WebhookResponse => ({ status: 200, body: { ok: true, ...body } });
const fail = (status: number, code: string, message: string): WebhookResponse => ({ status, body: { error: { code, message } } });

export async function leverWebhook(svc: Services, connection: ConnectionRow, req: WebhookRequest): Promise<WebhookResponse> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.text);
  } catch {
    return fail(400, 'malformed_json', 'The webhook body is not valid JSON.');
  }
  const env = v.safeParse(Envelope, parsed);
  if (!env.success) return fail(400, 'invalid_body', 'The webhook body is not a Lever webhook ({ triggeredAt, event, data, token, signature }).');
  const body = env.output;
  const tokens = leverSettings(svc, connection).signatureTokens;
  if (tokens.length === 0) return fail(401, 'invalid_signature', 'This connection has no signature_token, so no webhook can be trusted; add the token Lever shows for the webhook.');
  if (!body.signature) return fail(401, 'invalid_signature', 'The webhook carries no signature; generate a signature token for it in Lever.');
  // Every configured token is tried (Lever may give each event its own) so timing reveals nothing.
  let verified = false;
  for (const t of tokens) verified = hmacMatches(t, `${body.token}${body.triggeredAt}`, body.signature, ['hex']) || verified;
  if (!verified) return fail(401, 'invalid_signature', 'The webhook signature does not match this connection\'s signature token.');

  // Replay window (our choice, not Lever's: Lever documents none, contracts/ats-native.md §2.3): the signature
  // covers only token + triggeredAt, so a captured delivery could be sent again at will; refuse one signed
  // more than 3 days ago or more than 5 minutes ahead. UNCONFIRMED whether Lever's retries keep the first
  // triggeredAt (we assume they may, hence the days-long window; the token de-duplication catches replays inside it).
  const triggeredAt = new Date(Number(body.triggeredAt));
  const age = Date.now() - triggeredAt.getTime();
  if (!(age <= TRIGGERED_AT_MAX_AGE_MS && age >= -TRIGGERED_AT_MAX_SKEW_MS)) {
    return fail(401, 'stale_webhook', 'The webhook was signed more than 3 days ago or in the future (triggeredAt); it may be a replay, so it is refused.');
  }
  // The signature covers only token + triggeredAt, not the event or its data (ats-native.md §0): the token of
  // every verified delivery, whatever its event (the test ping included), is remembered before anything is
  // acted on, so a signed delivery cannot be sent again as another event for an opportunity of the sender's choice.
  const stage = body.event === 'candidateStageChange' ? v.safeParse(StageChange, body.data ?? {}) : null;
  const hired = body.event === 'candidateHired' ? v.safeParse(Hired, body.data ?? {}) : null;
  const result = await svc.store.transaction(async (tx): Promise<WebhookResponse> => {
    const rec = await recordDelivery(tx, PROVIDER, connection.id, body.token);
    if (rec.duplicate) return ok({ duplicate: true });
    if (stage) {
      if (!stage.success) {
        await tx.inbox.finish(rec.row.id, 'ignored', { event: body.event, reason: 'invalid data' });
        return fail(400, 'invalid_body', 'A candidateStageChange needs data.opportunityId and data.toStageId.');
      }
      const d = stage.output;
      // The lookups (stage name, opportunity, posting) are network calls: they run in the job, outside any transaction.
      await tx.outbox.enqueue({
        account_id: connection.account_id,
        kind: STAGE_CHANGE_JOB,
        connection_id: connection.id,
        payload: { inbox_id: rec.row.id, token: body.token, triggered_at: triggeredAt.toISOString(), opportunity_id: d.opportunityId, to_stage_id: d.toStageId, contact_id: d.contactId ?? null },
        idempotency_key: `lever:stage:${connection.id}:${body.token}`,
      });
      return ok({ queued: true });
    }
    // Lever's "test" button sends candidateHired with empty data: a valid, signed no-op (its token is kept all the same).
    if (hired?.success) {
      const opportunityId = hired.output.opportunityId;
      const orders = (await tx.orders.listForApplication(connection.account_id, opportunityId)).filter((o) => o.source === PROVIDER && o.connection_id === connection.id);
      for (const o of orders) await tx.orders.update(o.account_id, o.id, { outcome: 'hired', outcome_at: triggeredAt.toISOString() });
      await tx.inbox.finish(rec.row.id, orders.length ? 'processed' : 'ignored', { event: body.event, orders: orders.length });
      return ok({ orders_marked_hired: orders.length });
    }
    await tx.inbox.finish(rec.row.id, 'ignored', { event: body.event.slice(0, 100) });
    return ok({ ignored: hired ? 'no_opportunity' : 'event_not_used' });
  });
  return result;
}
