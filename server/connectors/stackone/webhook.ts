// StackOne's "Assessments Order" webhook (ats_assessments.created): verified on the raw body, de-duplicated on
// record_id, turned into one order and one invitation. Refusals are stored so the recruiter sees the reason.
import * as v from 'valibot';
import { isUsableEmail } from '../../../shared/api.ts';
import { enqueueWriteBack, placeOrder } from '../../orders/place-order.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, Json, Repos } from '../../store/types.ts';
import type { WebhookHandled, WebhookReceiver, WebhookRequest, WebhookResponse, WebhookVerdict } from '../types.ts';
import { headerSignatureVerdict, recordDelivery, refuseWebhook, webhookJson } from '../shared.ts';
import { PROVIDER, settingsOf } from './settings.ts';

export const ORDER_EVENT = 'ats_assessments.created';
export const REFUSAL_JOB = 'stackone.refusal';

const Text = (max = 500) => v.nullish(v.pipe(v.string(), v.maxLength(max)));
const IdLike = v.nullish(v.union([v.pipe(v.string(), v.maxLength(200)), v.pipe(v.number(), v.finite())]));

// UNCONFIRMED: the envelope comes from StackOne's example receiver (§2.6 [V-3p]) and event_data is assumed to be the
// order DTO of POST /unified/ats/assessments/orders (§2.4 [I]); everything in it is optional upstream.
const Envelope = v.looseObject({
  event: v.pipe(v.string(), v.maxLength(100)),
  account_id: IdLike,
  provider: Text(100),
  record_id: IdLike,
  event_data: v.nullish(
    v.looseObject({
      id: IdLike,
      package: v.nullish(v.looseObject({ id: IdLike, remote_id: IdLike, name: Text() })),
      application: v.nullish(v.looseObject({ id: IdLike, remote_id: IdLike })),
      job: v.nullish(v.looseObject({ id: IdLike, remote_id: IdLike, title: Text() })),
      candidate: v.nullish(
        v.looseObject({
          id: IdLike,
          remote_id: IdLike,
          first_name: Text(200),
          last_name: Text(200),
          emails: v.nullish(v.array(v.looseObject({ type: Text(50), value: Text(320) }))),
          profile_url: Text(2000),
        }),
      ),
      requester: v.nullish(v.looseObject({ user_id: IdLike, remote_user_id: IdLike })),
    }),
  ),
});

const idOf = (x: string | number | null | undefined) => (x === null || x === undefined || x === '' ? null : String(x));
const reply = (status: number, body: unknown): WebhookResponse => ({ status, body });

/** x-stackone-signature: base64url(HMAC-SHA256(webhook signing secret, raw body)), as StackOne's example receiver checks it (§2.6). */
function verify(svc: Services, connection: ConnectionRow, req: WebhookRequest): WebhookVerdict {
  // No signed delivery id outside the body: the signed bytes' hash is the key (the order's record_id is
  // de-duplicated again below, for the same order re-sent in other bytes).
  const refusals = { missing: 'The x-stackone-signature header is missing.', mismatch: 'The x-stackone-signature does not match the body; check the webhook signing secret.' };
  return headerSignatureVerdict(req, { header: 'x-stackone-signature', secret: settingsOf(svc, connection).webhookSecret, encodings: ['base64url'], ...refusals });
}

async function handle(svc: Services, tx: Repos, connection: ConnectionRow, req: WebhookRequest): Promise<WebhookHandled> {
  if (connection.status !== 'active') throw refuseWebhook(403, 'connection_inactive', `This StackOne connection is ${connection.status}; orders are not accepted.`);
  const s = settingsOf(svc, connection);
  const parsed = v.safeParse(Envelope, webhookJson(req.text));
  if (!parsed.success) {
    const issue = parsed.issues[0]!;
    const path = (issue.path ?? []).map((p) => String(p.key)).join('.');
    throw refuseWebhook(400, 'invalid_body', `${path ? `"${path}": ` : ''}${issue.message}`);
  }
  const env = parsed.output;
  if (env.event !== ORDER_EVENT) return ignored({ status: 'ignored', reason: `Event ${env.event} is not handled.` });
  const accountId = idOf(env.account_id);
  if (accountId && s.accountId && accountId !== s.accountId) {
    // A project webhook sees every linked account; an order of another account is not ours to place.
    svc.log.warn('stackone webhook for another account ignored', { connection: connection.id });
    return ignored({ status: 'ignored', reason: 'The order belongs to another StackOne account.' });
  }
  const data = env.event_data ?? {};
  const recordId = idOf(env.record_id) ?? idOf(data.id);
  if (!recordId) throw refuseWebhook(400, 'invalid_body', 'The order has no record_id.');

  const account = await tx.accounts.get(connection.account_id);
  if (!account) throw refuseWebhook(404, 'unknown_connection', 'No such connection.');
  const cand = data.candidate ?? {};
  const email = (cand.emails ?? []).map((e) => e.value?.trim() ?? '').find((e) => isUsableEmail(e)) ?? null;
  const packageId = idOf(data.package?.id) ?? idOf(data.package?.remote_id) ?? s.staticPackageId;
  const requester = idOf(data.requester?.user_id) ?? idOf(data.requester?.remote_user_id);

  // The same order (record_id) in other bytes is answered as before.
  const { row, duplicate } = await recordDelivery(tx, PROVIDER, connection.id, `order:${recordId}`);
  if (duplicate) return { status: 'ignored', result: { same_as: row.id }, response: reply(200, { ...(row.result ?? {}), duplicate: true }) };
  let out: Json;
  if (!packageId) {
    out = { status: 'refused', code: 'package_unknown', message: 'The order names no package and this connection has no static Package ID.' };
  } else {
    const placed = await placeOrder(
      tx,
      svc.box,
      {
        account,
        source: 'stackone',
        sourceOrderId: recordId,
        connectionId: connection.id,
        packageId,
        candidate: {
          externalId: idOf(cand.remote_id) ?? idOf(cand.id) ?? `order:${recordId}`,
          email,
          firstName: cand.first_name ?? null,
          lastName: cand.last_name ?? null,
          locale: null,
        },
        // The ATS's own application id, so the recruiter widget on that application lists the order.
        applicationId: idOf(data.application?.remote_id) ?? idOf(data.application?.id),
        job: { id: idOf(data.job?.remote_id) ?? idOf(data.job?.id), name: data.job?.title ?? null },
        createdBy: requester ? `stackone:${requester}` : null,
        meta: { record_id: recordId, stackone_account_id: accountId, candidate_profile_url: cand.profile_url ?? null },
      },
      { recordRefusal: true },
    );
    if (placed.kind === 'created') out = { status: 'accepted', order_id: placed.order.id };
    else if (placed.kind === 'duplicate') out = { status: 'accepted', order_id: placed.order.id };
    else {
      out = { status: 'refused', code: placed.refusal.code, message: placed.refusal.message, ...(placed.order ? { order_id: placed.order.id } : {}) };
      // The recruiter sees the refusal in Recruitee as a cancelled result with the reason as its summary.
      if (placed.order) await enqueueWriteBack(tx, placed.order, 'rejected');
    }
  }
  if (out.status === 'refused' && !out.order_id) {
    await tx.outbox.enqueue({
      account_id: connection.account_id,
      kind: REFUSAL_JOB,
      connection_id: connection.id,
      payload: { connection_id: connection.id, record_id: recordId, reason: String(out.message) },
      idempotency_key: `${REFUSAL_JOB}:${connection.id}:${recordId}`,
    });
  }
  const status = out.status === 'refused' ? 'ignored' : 'processed';
  await tx.inbox.finish(row.id, status, out);
  await tx.audit.add({ account_id: connection.account_id, actor: `stackone:${connection.id}`, action: `order.${out.status}`, target: (out.order_id as string | undefined) ?? null, details: { record_id: recordId, code: out.code ?? null } });
  // StackOne ignores the body (§2.6 [V-3p]); a 2xx tells it the order arrived, refused or not.
  return { status, result: out, response: reply(200, out) };
}

const ignored = (body: Json): WebhookHandled => ({ status: 'ignored', result: body, response: reply(200, body) });

export const stackOneWebhook: WebhookReceiver = { verify, handle };
