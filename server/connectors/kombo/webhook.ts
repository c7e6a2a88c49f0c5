// POST /webhooks/kombo/<connection-id>: X-Kombo-Signature checked on the raw bytes before anything is parsed
// (routes/webhooks.ts does the rest of the opening for every vendor).
import * as v from 'valibot';
import { safeEqual } from '../../crypto/secrets.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, Repos } from '../../store/types.ts';
import { headerSignatureVerdict, refuseWebhook, webhookJson } from '../shared.ts';
import type { WebhookHandled, WebhookReceiver, WebhookRequest, WebhookVerdict } from '../types.ts';
import { EnvelopeSchema, IntegrationCreatedSchema, KomboOrderSchema } from './client.ts';

import { bindIntegrationInTx, ingestOrderInTx } from './sync.ts';
import { PROVIDER, settingsOf } from './settings.ts';

/**
 * Our refusal, answered to `assessment:order-received` with 422; Kombo shows `message` in the ATS.
 * UNCONFIRMED: the exact documented body is missing from every copy of Kombo's docs we have
 * (contracts/unified-apis.md §1.5). The two candidates are a top-level `message` and Kombo's own error
 * envelope; this body satisfies both readings at once.
 */
export function refusalBody(code: string, message: string) {
  return { status: 'error', message, error: { code, title: 'Assessment order refused', message, log_url: null } };
}

/**
 * Which connection an order belongs to. Kombo posts every customer's events to the one URL set in its
 * dashboard, so an order for another integration of the same Kombo environment (same webhook secret,
 * already verified) is routed to that integration's connection.
 */
async function connectionFor(svc: Services, tx: Repos, receiving: ConnectionRow, integrationId: string | undefined): Promise<ConnectionRow | null> {
  const own = settingsOf(svc, receiving);
  if (!integrationId || integrationId === own.integrationId) return receiving.status === 'active' ? receiving : null;
  for (const c of await tx.connections.listByProvider(PROVIDER, 'active')) {
    if (c.config.integration_id === integrationId && safeEqual(settingsOf(svc, c).webhookSecret, own.webhookSecret)) return c;
  }
  return null;
}

/** X-Kombo-Signature on the raw bytes; the key is Kombo's event id, which the signature covers (it is in the body). */
function verify(svc: Services, connection: ConnectionRow, req: WebhookRequest): WebhookVerdict {
  const s = settingsOf(svc, connection);
  const refusal = 'The X-Kombo-Signature header is missing or does not match this body.';
  const verdict = headerSignatureVerdict(req, { header: 'x-kombo-signature', secret: s.webhookSecret, encodings: [s.signatureEncoding], missing: refusal, mismatch: refusal });
  if (!('key' in verdict)) return verdict;
  let id: unknown;
  try {
    id = (JSON.parse(req.text) as { id?: unknown } | null)?.id;
  } catch {
    // not JSON: refused by handle, keyed on the bytes meanwhile
  }
  return { key: typeof id === 'string' && id ? `evt:${id}` : verdict.key };
}

async function handle(svc: Services, tx: Repos, connection: ConnectionRow, req: WebhookRequest): Promise<WebhookHandled> {
  const env = v.safeParse(EnvelopeSchema, webhookJson(req.text));
  if (!env.success) throw refuseWebhook(400, 'invalid_body', 'A Kombo webhook has the shape { id, type, data }.');
  const { type, data } = env.output;

  if (type === 'assessment:order-received') {
    const parsed = v.safeParse(KomboOrderSchema, data);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
      throw refuseWebhook(400, 'invalid_body', `The order is not in Kombo's shape${path ? ` at "${path}"` : ''}: ${issue.message}`);
    }
    if (parsed.output.status && parsed.output.status !== 'OPEN') {
      return { status: 'ignored', result: { type, kombo_order_id: parsed.output.id, kombo_status: parsed.output.status }, response: { status: 200, body: { ok: true, ignored: `the order is ${parsed.output.status} in Kombo` } } };
    }
    const target = await connectionFor(svc, tx, connection, parsed.output.integration_id);
    // Not a 422 and not stored: the order stays OPEN in Kombo and is taken in (by this webhook's retry or by
    // reconciliation) once the integration is bound.
    if (!target) throw refuseWebhook(404, 'unknown_integration', 'No active connection for this Kombo integration; the order stays open in Kombo.');
    const r = await ingestOrderInTx(svc, tx, target, parsed.output, 'webhook');
    const result = { kombo_order_id: parsed.output.id, result: r.kind, order_id: r.order?.id ?? null, ...(r.kind === 'refused' ? { code: r.refusal.code } : {}) };
    const status = r.kind === 'refused' ? 'ignored' : 'processed';
    if (r.kind === 'refused') return { status, result, response: { status: 422, body: refusalBody(r.refusal.code, r.refusal.message) } };
    if (r.order.status === 'rejected') return { status, result, response: { status: 422, body: refusalBody('order_refused', r.order.reason ?? 'This order was refused.') } };
    return { status, result, response: { status: 200, body: { ok: true, order_id: r.order.id, duplicate: r.kind === 'duplicate' } } };
  }

  if (type === 'integration-created') {
    const parsed = v.safeParse(IntegrationCreatedSchema, data);
    if (!parsed.success) throw refuseWebhook(400, 'invalid_body', `integration-created: ${parsed.issues[0].message}`);
    const d = parsed.output;
    const r = await bindIntegrationInTx(svc, tx, { originId: d.end_user?.origin_id, integrationId: d.id, tool: d.tool ?? null, via: 'integration-created', sameEnvironmentAs: connection });
    const result = { type, result: r.kind, ...(r.kind === 'ignored' ? { reason: r.reason } : { connection_id: r.connection.id }) };
    if (r.kind === 'ignored') {
      svc.log.info('kombo integration-created ignored', { connection: connection.id, reason: r.reason });
      return { status: 'ignored', result, response: { status: 200, body: { ok: true, ignored: r.reason } } };
    }
    return { status: r.kind === 'bound' ? 'processed' : 'ignored', result, response: { status: 200, body: { ok: true, connection_id: r.connection.id, bound: r.kind === 'bound' } } };
  }

  // Other Kombo events (e.g. sync or integration lifecycle) are acknowledged and recorded only.
  return { status: 'ignored', result: { type }, response: { status: 200, body: { ok: true, ignored: `event type ${type} is not used` } } };
}

export const handleWebhook: WebhookReceiver = { verify, handle };
