import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { Context } from 'hono';
import { WebhookRefusal } from '../connectors/shared.ts';
import type { Connector, WebhookHandled, WebhookResponse } from '../connectors/types.ts';
import { PROVIDERS } from '../../shared/providers.ts';
import { ApiError, errorBody } from '../errors.ts';
import { refuseOversized } from '../http/middleware.ts';
import { errorResponses } from '../http/openapi.ts';
import type { Services } from '../services.ts';
import type { InboxRow } from '../store/types.ts';

const MAX_WEBHOOK_BYTES = 256 * 1024;
const utf8 = new TextDecoder();

/**
 * POST /webhooks/<provider>/<connection-id>: the connection id picks the secret before the body is
 * parsed; the connector verifies the raw bytes, records the delivery and answers as its vendor expects.
 */
export function webhooks(svc: Services) {
  const app = new Hono();
  app.post(
    '/:provider/:connectionId',
    describeRoute({
      summary: `Inbound webhook of an ATS or unified-API vendor (${PROVIDERS.join(', ')})`,
      description: "The connection id picks the secret before the body is parsed; the signature is checked on the raw bytes as the vendor signs them. Answers follow the vendor's contract (e.g. Kombo: 422 with a message to refuse an order; Greenhouse and Recruitee: exactly 200 once stored).",
      tags: ['webhooks'],
      parameters: [
        { name: 'provider', in: 'path', required: true, schema: { type: 'string', enum: [...PROVIDERS] } },
        { name: 'connectionId', in: 'path', required: true, schema: { type: 'string', pattern: '^con_[0-9a-z]{8,40}$' } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
      responses: {
        200: { description: 'Stored and handled; a re-delivery gets the first answer again, marked duplicate: true' },
        ...errorResponses({
          400: ['malformed_json', 'invalid_body', 'invalid_payload'],
          401: ['invalid_signature', 'stale_webhook'],
          403: ['connection_inactive'],
          404: ['unknown_provider', 'unknown_connection', 'unknown_integration'],
          410: ['connection_revoked'],
          413: ['body_too_large'],
        }),
        422: { description: 'Refused, in the vendor’s shape', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    }),
    async (c) => {
    const { provider, connectionId } = c.req.param();
    const connector = svc.connectors[provider];
    if (!connector?.webhook) throw new ApiError(404, 'unknown_provider', `No webhook receiver for "${provider}".`);
    if (!/^con_[0-9a-z]{8,40}$/.test(connectionId)) throw new ApiError(404, 'unknown_connection', 'No such connection.');
    const raw = await refuseOversized(c, MAX_WEBHOOK_BYTES); // the bytes as they arrived, which the signature covers
    const req = { raw, text: utf8.decode(raw), headers: c.req.raw.headers };
    const receiver = connector.webhook;
    let outcome: { answer: WebhookResponse } | { duplicate: InboxRow } | { handled: WebhookHandled };
    try {
      // The connection is looked up, the signature checked, the delivery recorded and acted on in one unit of
      // work: a crash or a failing handler leaves nothing, so the vendor's retry is handled as a first delivery.
      // (Looked up outside it, the connection cost SQLite a savepoint and a turn of the store's lock of its own,
      // and waited for the COMMIT of the batch it joined: two commits per webhook. Issue 19's ingest profile.)
      // A request refused here (unknown connection, revoked, bad signature) writes nothing.
      outcome = await svc.store.transaction(async (tx) => {
        const connection = await tx.connections.getById(connectionId);
        if (!connection || connection.provider !== provider) throw new ApiError(404, 'unknown_connection', 'No such connection.');
        // One policy for a revoked connection, whatever the vendor: 410 Gone, nothing read or stored. No ATS here
        // documents a status that stops its retries (Greenhouse and Recruitee retry anything but 200 for hours,
        // Lever five times, Kombo keeps a refused order open to be pulled later), so: not 200, which would tell
        // the vendor (and the recruiter reading its delivery log) that we took the event; not 404, which reads as a
        // wrong URL; 410, which webhook senders that define a "stop" status treat as "disable this endpoint"
        // (Standard Webhooks / Svix, contracts/security-reliability.md) and which shows as a plain failure to the rest.
        if (connection.status === 'revoked') {
          throw new ApiError(410, 'connection_revoked', `This ${provider} connection was revoked in Assay; remove this webhook from ${provider}.`);
        }
        const verdict = receiver.verify(svc, connection, req);
        if ('ping' in verdict) return { answer: verdict.ping };
        // One refusal for every vendor: 401 `invalid_signature` in the one error shape (a vendor whose signature
        // covers a timestamp may say `stale_webhook`, or 400 when its signed fields cannot be read). Vendor shapes
        // are kept only where a vendor shows our text: Kombo's 422 order refusal (kombo/webhook.ts refusalBody,
        // ../shared/contracts/unified-apis.md §1.5). Recruitee's `{"error": "<string>"}` is for its partner API
        // calls (recruitee/routes.ts, ../shared/contracts/ats-native.md "Recruitee partner errors"), not
        // for webhooks: Recruitee shows no webhook answer and treats anything but 200 as a failure to retry.
        if ('refused' in verdict) return { answer: { status: verdict.status ?? 401, body: errorBody(verdict.code ?? 'invalid_signature', verdict.refused) } };
        const rec = await tx.inbox.record({ provider, connection_id: connection.id, delivery_id: verdict.key.slice(0, 300) });
        if (rec.duplicate) return { duplicate: rec.row };
        const handled = await receiver.handle(svc, tx, connection, req, rec.row.id);
        const { status, body, headers } = handled.response;
        await tx.inbox.finish(rec.row.id, handled.status, handled.result, { status, body, ...(headers ? { headers } : {}) });
        return { handled };
      });
    } catch (e) {
      if (e instanceof WebhookRefusal) return answer(c, e.response);
      throw e;
    }
    if ('answer' in outcome) return answer(c, outcome.answer);
    if ('duplicate' in outcome) return answer(c, duplicateAnswer(outcome.duplicate));
    outcome.handled.afterCommit?.();
    svc.outbox.wake();
    return answer(c, outcome.handled.response);
  },
  );
  return app;
}

function answer(c: Context, res: WebhookResponse): Response {
  for (const [k, v] of Object.entries(res.headers ?? {})) c.header(k, v);
  return c.json(res.body as object, res.status as 200);
}

/** A re-delivery is answered as the first delivery was (its stored answer), marked `duplicate`, and does nothing. */
function duplicateAnswer(row: InboxRow): WebhookResponse {
  const first = row.answer ?? { status: 200, body: { ok: true } };
  const body = first.body && typeof first.body === 'object' && !Array.isArray(first.body) ? { ...first.body, duplicate: true } : first.body;
  return { status: first.status, body, ...(first.headers ? { headers: first.headers } : {}) };
}

/** One Hono holding one kind of routes of every connector, each mounted at `at(provider)`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each connector types its own env
function eachConnector(svc: Services, routesOf: (c: Connector) => Hono<any, any, any> | undefined, at: (provider: string) => string) {
  const app = new Hono();
  for (const c of Object.values(svc.connectors)) {
    const routes = routesOf(c);
    if (routes) app.route(at(c.provider), routes);
  }
  return app;
}

/** Every connector's partner routes at /<provider>/* (mounted at /partner). */
export const partner = (svc: Services) => eachConnector(svc, (c) => c.partnerRoutes?.(svc), (p) => `/${p}`);
/** Every connector's admin API at /<provider>/* (mounted at /api: /api/lever/…). */
export const connectorAdmin = (svc: Services) => eachConnector(svc, (c) => c.adminRoutes?.(svc), (p) => `/${p}`);
/** Every connector's connect-flow pages at the site root (Kombo's /connect). */
export const connectorPages = (svc: Services) => eachConnector(svc, (c) => c.pageRoutes?.(svc), () => '/');
