// Lever webhooks (contracts/ats-native.md §2.3): the signature is HMAC(signature token, token + triggeredAt)
// carried in the body — never over the body — so the body is parsed (size-bounded by the route) and then
// verified before anything is stored. De-duplicated on the delivery `token`, remembered for every event.
import * as v from 'valibot';
import type { Services } from '../../services.ts';
import type { ConnectionRow, OutboxJob, Repos } from '../../store/types.ts';
import { hmacMatches } from '../shared.ts';
import type { WebhookHandled, WebhookReceiver, WebhookRequest, WebhookResponse, WebhookVerdict } from '../types.ts';
import { leverSettings, PROVIDER } from './settings.ts';
import { isUsableEmail } from '../../../shared/api.ts';
import { PermanentError } from '../../http/client.ts';
import { placeOrder } from '../../orders/place-order.ts';
import { LeverClient, performAsUser, stageName } from './client.ts';
import { MAPPING_KIND, type LeverPosting } from './sync.ts';

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

// The stage trigger: candidateStageChange into the configured stage → opportunity → posting → mapped
// package → order → invitation to the opportunity's e-mail. Without a mapped package, a note says so.

export const NOTE_JOB = 'lever.note';

interface StageChangePayload {
  inbox_id: string;
  token: string;
  triggered_at: string;
  opportunity_id: string;
  to_stage_id: string;
  contact_id: string | null;
}

interface Opportunity {
  id: string;
  name?: string;
  contact?: string;
  emails?: string[];
  applications?: Array<string | { id: string; posting?: string | null }>;
}

const norm = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** Queues a note on the opportunity (its own job, so a retry of the decision never writes it twice). */
export async function enqueueNote(tx: Repos, connection: ConnectionRow, opportunityId: string, text: string, key: string): Promise<void> {
  await tx.outbox.enqueue({
    account_id: connection.account_id,
    kind: NOTE_JOB,
    connection_id: connection.id,
    payload: { opportunity_id: opportunityId, text },
    idempotency_key: `lever:note:${connection.id}:${key}`,
  });
}

/** The connection of a Lever job as it is now; null when it was revoked or removed (the job then does nothing). */
export async function liveConnection(svc: Services, job: OutboxJob): Promise<ConnectionRow | null> {
  if (!job.connection_id) throw new PermanentError('the job names no connection');
  const c = await svc.store.connections.getById(job.connection_id);
  return c && c.provider === PROVIDER && c.status !== 'revoked' ? c : null;
}

export async function runStageChange(svc: Services, job: OutboxJob): Promise<void> {
  const p = job.payload as unknown as StageChangePayload;
  const connection = await liveConnection(svc, job);
  if (!connection) {
    await svc.store.transaction((tx) => tx.inbox.finish(p.inbox_id, 'ignored', { reason: 'connection_revoked' }));
    return;
  }
  const settings = leverSettings(svc, connection);
  const client = new LeverClient(svc, connection);
  const stage = await stageName(client, p.to_stage_id);
  if (!stage || norm(stage) !== norm(settings.triggerStage)) {
    await svc.store.transaction((tx) => tx.inbox.finish(p.inbox_id, 'ignored', { reason: 'not_the_trigger_stage', stage_id: p.to_stage_id }));
    return;
  }
  const got = await client.request<{ data: Opportunity }>('GET', `/opportunities/${encodeURIComponent(p.opportunity_id)}`, { query: { expand: 'applications' }, accept: [404] });
  const opp = got.body?.data;
  if (got.status === 404 || !opp) {
    await svc.store.transaction((tx) => tx.inbox.finish(p.inbox_id, 'ignored', { reason: 'opportunity_not_found' }));
    return;
  }
  const app = (opp.applications ?? []).map((a) => (typeof a === 'string' ? null : a)).find((a) => a?.posting);
  const postingId = app?.posting ?? null;
  const mapping = postingId ? await svc.store.mappings.get(connection.id, MAPPING_KIND, postingId) : null;
  let postingName: string | null = null;
  if (postingId) {
    const cached = await svc.store.connectorState.getObject<{ text?: string }>(connection.id, MAPPING_KIND, postingId);
    postingName = cached?.text ?? null;
    if (!postingName) {
      const res = await client.request<{ data: LeverPosting }>('GET', `/postings/${encodeURIComponent(postingId)}`, { accept: [404] });
      postingName = res.body?.data?.text ?? null;
    }
  }
  if (!mapping) {
    const text = postingId
      ? `Assay: no assessment was sent because the posting "${postingName ?? postingId}" has no Assay assessment mapped to it. Map one in Assay, then move the candidate to "${settings.triggerStage}" again.`
      : 'Assay: no assessment was sent because this opportunity is not on a job posting, so Assay cannot tell which assessment to send.';
    await svc.store.transaction(async (tx) => {
      await enqueueNote(tx, connection, opp.id, text, `${p.token}:unmapped`);
      await tx.inbox.finish(p.inbox_id, 'processed', { outcome: 'no_package_mapped', posting_id: postingId });
    });
    svc.outbox.wake();
    return;
  }
  const email = (opp.emails ?? []).find((e) => isUsableEmail(e)) ?? opp.emails?.[0] ?? null;
  const [first, ...rest] = (opp.name ?? '').trim().split(/\s+/);
  const outcome = await svc.store.transaction(async (tx) => {
    const account = await tx.accounts.get(connection.account_id);
    if (!account) throw new PermanentError('the account of this connection no longer exists');
    const placed = await placeOrder(tx, svc.box, {
      account,
      source: PROVIDER,
      // A re-delivered stage change carries the same token, so it can never order twice.
      sourceOrderId: `${opp.id}:${p.token}`,
      connectionId: connection.id,
      packageId: mapping.package_id,
      candidate: { externalId: p.contact_id ?? opp.contact ?? opp.id, email, firstName: first || null, lastName: rest.join(' ') || null, locale: null },
      applicationId: opp.id,
      job: { id: postingId, name: postingName },
      createdBy: 'lever:stage-change',
      meta: { lever: { opportunity_id: opp.id, posting_id: postingId, stage_id: p.to_stage_id, triggered_at: p.triggered_at } },
    });
    if (placed.kind === 'refused' && placed.refusal.code !== 'order_already_active') {
      await enqueueNote(tx, connection, opp.id, `Assay: no assessment was sent. ${placed.refusal.message}`, `${p.token}:refused`);
    }
    const result = placed.kind === 'refused' ? { outcome: 'refused', code: placed.refusal.code } : { outcome: placed.kind, order_id: placed.order.id };
    await tx.inbox.finish(p.inbox_id, 'processed', result);
    return result;
  });
  svc.log.info('lever stage change handled', { connection: connection.id, ...outcome });
  svc.outbox.wake();
}

/** POST /opportunities/:id/notes, as perform_as when one is configured (optional for notes). */
export async function runNote(svc: Services, job: OutboxJob): Promise<void> {
  const connection = await liveConnection(svc, job);
  if (!connection) return;
  const client = new LeverClient(svc, connection);
  const { opportunity_id, text } = job.payload as { opportunity_id: string; text: string };
  const user = leverSettings(svc, connection).performAs ? await performAsUser(client) : undefined;
  await client.request('POST', `/opportunities/${encodeURIComponent(opportunity_id)}/notes`, { query: { perform_as: user }, body: { value: text } });
}
