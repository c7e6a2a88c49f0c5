// Lever webhooks (contracts/ats-native.md §2.3): the signature is HMAC(signature token, token + triggeredAt)
// carried in the body — never over the body — so the body is parsed (size-bounded by the route) and then
// verified before anything is stored. De-duplicated on the delivery `token`, remembered for every event.
import * as v from 'valibot';
import type { Services } from '../../services.ts';
import type { ConnectionRow, Repos } from '../../store/types.ts';
import { hmacMatches } from '../shared.ts';
import type { WebhookHandled, WebhookReceiver, WebhookRequest, WebhookResponse, WebhookVerdict } from '../types.ts';
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

type Envelope = v.InferOutput<typeof Envelope>;
function envelope(text: string): v.SafeParseResult<typeof Envelope> | null {
  try {
    return v.safeParse(Envelope, JSON.parse(text));
  } catch {
    return null;
  }
}

/**
 * Lever signs inside the body, so the envelope is read (size-bounded by the route) to check the signature; the
 * key is the delivery `token`, the only delivery-specific thing the signature covers.
 */
function verify(svc: Services, connection: ConnectionRow, req: WebhookRequest): WebhookVerdict {
  const env = envelope(req.text);
  if (!env) return { status: 400, code: 'malformed_json', refused: 'The webhook body is not valid JSON.' };
  if (!env.success) return { status: 400, code: 'invalid_body', refused: 'The webhook body is not a Lever webhook ({ triggeredAt, event, data, token, signature }).' };
  const body = env.output;
  const tokens = leverSettings(svc, connection).signatureTokens;
  if (tokens.length === 0) return { refused: 'This connection has no signature_token, so no webhook can be trusted; add the token Lever shows for the webhook.' };
  if (!body.signature) return { refused: 'The webhook carries no signature; generate a signature token for it in Lever.' };
  // Every configured token is tried (Lever may give each event its own) so timing reveals nothing.
  let verified = false;
  for (const t of tokens) verified = hmacMatches(t, `${body.token}${body.triggeredAt}`, body.signature, ['hex']) || verified;
  if (!verified) return { refused: 'The webhook signature does not match this connection\'s signature token.' };

  // Replay window (our choice, not Lever's: Lever documents none, contracts/ats-native.md §2.3): the signature
  // covers only token + triggeredAt, so a captured delivery could be sent again at will; refuse one signed
  // more than 3 days ago or more than 5 minutes ahead. UNCONFIRMED whether Lever's retries keep the first
  // triggeredAt (we assume they may, hence the days-long window; the token de-duplication catches replays inside it).
  const age = Date.now() - Number(body.triggeredAt);
  if (!(age <= TRIGGERED_AT_MAX_AGE_MS && age >= -TRIGGERED_AT_MAX_SKEW_MS)) {
    return { code: 'stale_webhook', refused: 'The webhook was signed more than 3 days ago or in the future (triggeredAt); it may be a replay, so it is refused.' };
  }
  // The signature covers only token + triggeredAt, not the event or its data (ats-native.md §0): the token of
  // every verified delivery, whatever its event (the test ping included), is remembered by routes/webhooks.ts
  // before anything is acted on, so a signed delivery cannot be sent again as another event for an
  // opportunity of the sender's choice.
  return { key: body.token };
}

async function handle(_svc: Services, tx: Repos, connection: ConnectionRow, req: WebhookRequest, inboxId: string): Promise<WebhookHandled> {
  const body = (envelope(req.text) as { output: Envelope }).output;
  const triggeredAt = new Date(Number(body.triggeredAt));
  if (body.event === 'candidateStageChange') {
    const stage = v.safeParse(StageChange, body.data ?? {});
    if (!stage.success) return { status: 'ignored', result: { event: body.event, reason: 'invalid data' }, response: fail(400, 'invalid_body', 'A candidateStageChange needs data.opportunityId and data.toStageId.') };
    const d = stage.output;
    // The lookups (stage name, opportunity, posting) are network calls: they run in the job, outside any
    // transaction; the job finishes the inbox row.
    await tx.outbox.enqueue({
      account_id: connection.account_id,
      kind: STAGE_CHANGE_JOB,
      connection_id: connection.id,
      payload: { inbox_id: inboxId, token: body.token, triggered_at: triggeredAt.toISOString(), opportunity_id: d.opportunityId, to_stage_id: d.toStageId, contact_id: d.contactId ?? null },
      idempotency_key: `lever:stage:${connection.id}:${body.token}`,
    });
    return { status: 'received', result: null, response: ok({ queued: true }) };
  }
  // Lever's "test" button sends candidateHired with empty data: a valid, signed no-op (its token is kept all the same).
  const hired = body.event === 'candidateHired' ? v.safeParse(Hired, body.data ?? {}) : null;
  if (hired?.success) {
    const opportunityId = hired.output.opportunityId;
    const orders = (await tx.orders.listForApplication(connection.account_id, opportunityId)).filter((o) => o.source === PROVIDER && o.connection_id === connection.id);
    for (const o of orders) await tx.orders.update(o.account_id, o.id, { outcome: 'hired', outcome_at: triggeredAt.toISOString() });
    return { status: orders.length ? 'processed' : 'ignored', result: { event: body.event, orders: orders.length }, response: ok({ orders_marked_hired: orders.length }) };
  }
  return { status: 'ignored', result: { event: body.event.slice(0, 100) }, response: ok({ ignored: hired ? 'no_opportunity' : 'event_not_used' }) };
}

export const leverWebhook: WebhookReceiver = { verify, handle };
