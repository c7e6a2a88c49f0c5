// Recruitee webhooks (ats-native.md §3.2). Recruitee saves a webhook only if the {"test":true} ping gets 200, and
// treats anything but exactly 200 as a failure and retries, so a handled event always answers 200.
import * as v from 'valibot';
import { actor, transition } from '../../orders/transition.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, Json, Repos } from '../../store/types.ts';
import type { WebhookHandled, WebhookReceiver, WebhookRequest, WebhookResponse, WebhookVerdict } from '../types.ts';
import { headerSignatureVerdict, refuseWebhook, webhookJson } from '../shared.ts';
import { PROVIDER, settingsOf } from './settings.ts';

const IdLike = v.nullish(v.union([v.pipe(v.string(), v.maxLength(100)), v.pipe(v.number(), v.finite())]));

// UNCONFIRMED: the envelope { event_type, event_subtype, payload: { candidate, offer, details } } is [V-3p/I].
const Envelope = v.looseObject({
  event_type: v.pipe(v.string(), v.maxLength(100)),
  event_subtype: v.nullish(v.pipe(v.string(), v.maxLength(100))),
  payload: v.nullish(v.looseObject({ candidate: v.nullish(v.looseObject({ id: IdLike })) })),
});

const reply = (status: number, body: unknown): WebhookResponse => ({ status, body });

function isTest(text: string): boolean {
  try {
    const json = JSON.parse(text) as unknown;
    return typeof json === 'object' && json !== null && (json as { test?: unknown }).test === true;
  } catch {
    return false;
  }
}

/** X-Recruitee-Signature: hex HMAC-SHA256 of the raw body with the webhook's secret (§3.2 [V-3p]). */
function verify(svc: Services, connection: ConnectionRow, req: WebhookRequest): WebhookVerdict {
  // UNCONFIRMED: the "Test" button (and "Test payload" examples) carry test:true and are answered before any signature
  // check (§3.2 [I]): Recruitee will not save the webhook otherwise, and a test changes nothing here.
  if (isTest(req.text)) return { ping: reply(200, { ok: true, test: true }) };
  // Recruitee sends no delivery id (§3.2 [NF]); a retry repeats the same bytes, so the body's hash is the key.
  const refusals = { missing: 'The X-Recruitee-Signature header is missing.', mismatch: "The X-Recruitee-Signature does not match the body; check the webhook's secret." };
  return headerSignatureVerdict(req, { header: 'x-recruitee-signature', secret: settingsOf(svc, connection).webhookSecret, encodings: ['hex'], ...refusals });
}

async function handle(_svc: Services, tx: Repos, connection: ConnectionRow, req: WebhookRequest): Promise<WebhookHandled> {
  if (connection.status !== 'active') throw refuseWebhook(403, 'connection_inactive', `This Recruitee connection is ${connection.status}; events are not accepted.`);
  const parsed = v.safeParse(Envelope, webhookJson(req.text));
  if (!parsed.success) throw refuseWebhook(400, 'invalid_body', `Expected { event_type, payload }: ${parsed.issues[0]!.message}`);
  const env = parsed.output;
  let out: Json = { ok: true, handled: false };
  const candidateId = env.payload?.candidate?.id;
  // UNCONFIRMED: event_type/event_subtype names are [V-3p] (candidate_moved / disqualified).
  if (env.event_type === 'candidate_moved' && env.event_subtype === 'disqualified' && candidateId !== null && candidateId !== undefined) {
    // A disqualified candidate is not invited any further: unused invitations from this connection are withdrawn.
    const candidate = await tx.candidates.findByExternal(connection.account_id, PROVIDER, String(candidateId));
    const cancelled: string[] = [];
    for (const o of candidate ? await tx.orders.listByCandidate(connection.account_id, candidate.id) : []) {
      if (o.connection_id !== connection.id || o.status !== 'pending') continue;
      const reason = 'The candidate was disqualified in Recruitee before starting the test.';
      await transition(tx, o, 'cancelled', { reason, actor: actor.connection(PROVIDER, connection.id) });
      cancelled.push(o.id);
    }
    out = { ok: true, handled: true, cancelled };
  }
  // Recruitee treats anything but exactly 200 as a failure and retries, so a handled event always answers 200.
  return { status: out.handled ? 'processed' : 'ignored', result: out, response: reply(200, out) };
}

export const recruiteeWebhook: WebhookReceiver = { verify, handle };
