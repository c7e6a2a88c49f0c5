// Recruitee webhooks (ats-native.md §3.2). Recruitee saves a webhook only if the {"test":true} ping gets 200, and
// treats anything but exactly 200 as a failure and retries, so a handled event always answers 200.
import * as v from 'valibot';
import { sha256Hex } from '../../crypto/secrets.ts';
import { actor, transition } from '../../orders/transition.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, Json } from '../../store/types.ts';
import type { WebhookRequest, WebhookResponse } from '../types.ts';
import { hmacMatches, recordDelivery } from '../shared.ts';
import { PROVIDER, settingsOf } from './settings.ts';

const IdLike = v.nullish(v.union([v.pipe(v.string(), v.maxLength(100)), v.pipe(v.number(), v.finite())]));

// UNCONFIRMED: the envelope { event_type, event_subtype, payload: { candidate, offer, details } } is [V-3p/I].
const Envelope = v.looseObject({
  event_type: v.pipe(v.string(), v.maxLength(100)),
  event_subtype: v.nullish(v.pipe(v.string(), v.maxLength(100))),
  payload: v.nullish(v.looseObject({ candidate: v.nullish(v.looseObject({ id: IdLike })) })),
});

const reply = (status: number, body: unknown): WebhookResponse => ({ status, body });

export async function recruiteeWebhook(svc: Services, connection: ConnectionRow, req: WebhookRequest): Promise<WebhookResponse> {
  let json: unknown;
  let parsedOk = true;
  try {
    json = JSON.parse(req.text);
  } catch {
    parsedOk = false;
  }
  // UNCONFIRMED: the "Test" button (and "Test payload" examples) carry test:true and are answered before any signature
  // check (§3.2 [I]): Recruitee will not save the webhook otherwise, and a test changes nothing here.
  if (parsedOk && typeof json === 'object' && json !== null && (json as { test?: unknown }).test === true) return reply(200, { ok: true, test: true });

  if (connection.status !== 'active') return reply(403, { error: { code: 'connection_inactive', message: `This Recruitee connection is ${connection.status}; events are not accepted.` } });
  const s = settingsOf(svc, connection);
  const sig = req.headers.get('x-recruitee-signature');
  if (!sig) return reply(401, { error: { code: 'invalid_signature', message: 'The X-Recruitee-Signature header is missing.' } });
  // Hex HMAC-SHA256 of the raw body with the webhook's secret (§3.2 [V-3p]).
  if (!s.webhookSecret || !hmacMatches(s.webhookSecret, req.raw, sig, ['hex']))
    return reply(401, { error: { code: 'invalid_signature', message: "The X-Recruitee-Signature does not match the body; check the webhook's secret." } });
  if (!parsedOk) return reply(400, { error: { code: 'malformed_json', message: 'The webhook body is not valid JSON.' } });
  const parsed = v.safeParse(Envelope, json);
  if (!parsed.success) return reply(400, { error: { code: 'invalid_body', message: `Expected { event_type, payload }: ${parsed.issues[0]!.message}` } });
  const env = parsed.output;

  const body = await svc.store.transaction(async (tx) => {
    // Recruitee sends no delivery id (§3.2 [NF]); a retry repeats the same bytes, so the body's hash is the key.
    const { row, duplicate } = await recordDelivery(tx, PROVIDER, connection.id, `sha256:${sha256Hex(Buffer.from(req.raw))}`);
    if (duplicate) return { ...(row.result ?? {}), duplicate: true } as Json;
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
    await tx.inbox.finish(row.id, out.handled ? 'processed' : 'ignored', out);
    return out;
  });
  return reply(200, body);
}
