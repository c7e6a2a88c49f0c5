// POST /webhooks/kombo/<connection-id>: X-Kombo-Signature checked on the raw bytes before anything is parsed.
import * as v from 'valibot';
import { safeEqual } from '../../crypto/secrets.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import { hmacMatches } from '../shared.ts';
import type { WebhookRequest, WebhookResponse } from '../types.ts';
import { EnvelopeSchema, IntegrationCreatedSchema, KomboOrderSchema } from './client.ts';
import { bindIntegration } from './routes.ts';
import { ingestOrder } from './sync.ts';
import { PROVIDER, settingsOf } from './settings.ts';

const err = (status: number, code: string, message: string): WebhookResponse => ({ status, body: { error: { code, message } } });

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
async function connectionFor(svc: Services, receiving: ConnectionRow, integrationId: string | undefined): Promise<ConnectionRow | null> {
  const own = settingsOf(svc, receiving);
  if (!integrationId || integrationId === own.integrationId) return receiving.status === 'active' ? receiving : null;
  for (const c of await svc.store.connections.listByProvider(PROVIDER, 'active')) {
    if (c.config.integration_id === integrationId && safeEqual(settingsOf(svc, c).webhookSecret, own.webhookSecret)) return c;
  }
  return null;
}

export async function handleWebhook(svc: Services, connection: ConnectionRow, req: WebhookRequest): Promise<WebhookResponse> {
  const s = settingsOf(svc, connection);
  if (!s.webhookSecret || !hmacMatches(s.webhookSecret, req.raw, req.headers.get('x-kombo-signature'), [s.signatureEncoding])) {
    return err(401, 'invalid_signature', 'The X-Kombo-Signature header is missing or does not match this body.');
  }
  let json: unknown;
  try {
    json = JSON.parse(req.text);
  } catch {
    return err(400, 'malformed_json', 'The webhook body is not valid JSON.');
  }
  const env = v.safeParse(EnvelopeSchema, json);
  if (!env.success) return err(400, 'invalid_body', 'A Kombo webhook has the shape { id, type, data }.');
  const { id: eventId, type, data } = env.output;

  if (type === 'assessment:order-received') {
    const parsed = v.safeParse(KomboOrderSchema, data);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
      return err(400, 'invalid_body', `The order is not in Kombo's shape${path ? ` at "${path}"` : ''}: ${issue.message}`);
    }
    if (parsed.output.status && parsed.output.status !== 'OPEN') {
      await recordEvent(svc, connection, eventId, 'ignored', { type, kombo_order_id: parsed.output.id, kombo_status: parsed.output.status });
      return { status: 200, body: { ok: true, ignored: `the order is ${parsed.output.status} in Kombo` } };
    }
    const target = await connectionFor(svc, connection, parsed.output.integration_id);
    // Not a 422: the order stays OPEN in Kombo and is taken in by reconciliation once the integration is bound.
    if (!target) return err(404, 'unknown_integration', 'No active connection for this Kombo integration; the order stays open in Kombo.');
    const r = await ingestOrder(svc, target, parsed.output, 'webhook', eventId);
    if (r.kind === 'refused') return { status: 422, body: refusalBody(r.refusal.code, r.refusal.message) };
    if (r.order.status === 'rejected') return { status: 422, body: refusalBody('order_refused', r.order.reason ?? 'This order was refused.') };
    return { status: 200, body: { ok: true, order_id: r.order.id, duplicate: r.kind === 'duplicate' } };
  }

  if (type === 'integration-created') {
    const parsed = v.safeParse(IntegrationCreatedSchema, data);
    if (!parsed.success) return err(400, 'invalid_body', `integration-created: ${parsed.issues[0].message}`);
    const d = parsed.output;
    const r = await bindIntegration(svc, { originId: d.end_user?.origin_id, integrationId: d.id, tool: d.tool ?? null, via: 'integration-created', sameEnvironmentAs: connection });
    await recordEvent(svc, connection, eventId, r.kind === 'bound' ? 'processed' : 'ignored', { type, result: r.kind, ...(r.kind === 'ignored' ? { reason: r.reason } : { connection_id: r.connection.id }) });
    if (r.kind === 'ignored') {
      svc.log.info('kombo integration-created ignored', { connection: connection.id, reason: r.reason });
      return { status: 200, body: { ok: true, ignored: r.reason } };
    }
    return { status: 200, body: { ok: true, connection_id: r.connection.id, bound: r.kind === 'bound' } };
  }

  // Other Kombo events (e.g. sync or integration lifecycle) are acknowledged and recorded only.
  await recordEvent(svc, connection, eventId, 'ignored', { type });
  return { status: 200, body: { ok: true, ignored: `event type ${type} is not used` } };
}

async function recordEvent(svc: Services, connection: ConnectionRow, eventId: string, status: 'processed' | 'ignored', result: Record<string, unknown>) {
  await svc.store.transaction(async (tx) => {
    const rec = await tx.inbox.record({ provider: PROVIDER, connection_id: connection.id, delivery_id: `evt:${eventId}`.slice(0, 300) });
    if (!rec.duplicate) await tx.inbox.finish(rec.row.id, status, result);
  });
}
