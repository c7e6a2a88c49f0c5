import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { ApiError } from '../errors.ts';
import { refuseOversized } from '../http/middleware.ts';
import { errorResponses } from '../http/openapi.ts';
import type { Connector } from '../connectors/types.ts';
import type { Services } from '../services.ts';

const MAX_WEBHOOK_BYTES = 256 * 1024;

/**
 * POST /webhooks/<provider>/<connection-id>: the connection id picks the secret before the body is
 * parsed; the connector verifies the raw bytes, records the delivery and answers as its vendor expects.
 */
export function webhooks(svc: Services) {
  const app = new Hono();
  app.post(
    '/:provider/:connectionId',
    describeRoute({
      summary: 'Inbound webhook of an ATS or unified-API vendor (kombo, stackone, lever, greenhouse, recruitee)',
      description: "The connection id picks the secret before the body is parsed; the signature is checked on the raw bytes as the vendor signs them. Answers follow the vendor's contract (e.g. Kombo: 422 with a message to refuse an order; Greenhouse and Recruitee: exactly 200 once stored).",
      tags: ['webhooks'],
      parameters: [
        { name: 'provider', in: 'path', required: true, schema: { type: 'string', enum: ['kombo', 'stackone', 'lever', 'greenhouse', 'recruitee'] } },
        { name: 'connectionId', in: 'path', required: true, schema: { type: 'string', pattern: '^con_[0-9a-z]{8,40}$' } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
      responses: {
        200: { description: 'Stored (or a duplicate, acknowledged)' },
        ...errorResponses({ 401: ['invalid_signature'], 404: ['unknown_provider', 'unknown_connection'], 410: ['connection_revoked'], 413: ['body_too_large'] }),
        422: { description: 'Refused, in the vendor’s shape', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    }),
    async (c) => {
    const { provider, connectionId } = c.req.param();
    const connector = svc.connectors[provider];
    if (!connector?.webhook) throw new ApiError(404, 'unknown_provider', `No webhook receiver for "${provider}".`);
    if (!/^con_[0-9a-z]{8,40}$/.test(connectionId)) throw new ApiError(404, 'unknown_connection', 'No such connection.');
    await refuseOversized(c, MAX_WEBHOOK_BYTES);
    const connection = await svc.store.connections.getById(connectionId);
    if (!connection || connection.provider !== provider) throw new ApiError(404, 'unknown_connection', 'No such connection.');
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (raw.byteLength > MAX_WEBHOOK_BYTES) throw new ApiError(413, 'body_too_large', `Webhook bodies may be at most ${MAX_WEBHOOK_BYTES} bytes.`);
    // One policy for a revoked connection, whatever the vendor: 410 Gone, nothing read or stored. No ATS here
    // documents a status that stops its retries (Greenhouse and Recruitee retry anything but 200 for hours,
    // Lever five times, Kombo keeps a refused order open to be pulled later), so: not 200, which would tell
    // the vendor (and the recruiter reading its delivery log) that we took the event; not 404, which reads as a
    // wrong URL; 410, which webhook senders that define a "stop" status treat as "disable this endpoint"
    // (Standard Webhooks / Svix, contracts/security-reliability.md) and which shows as a plain failure to the rest.
    if (connection.status === 'revoked') {
      throw new ApiError(410, 'connection_revoked', `This ${provider} connection was revoked in Assay; remove this webhook from ${provider}.`);
    }
    const res = await connector.webhook(svc, connection, { raw, text: new TextDecoder().decode(raw), headers: c.req.raw.headers });
    svc.outbox.wake();
    for (const [k, v] of Object.entries(res.headers ?? {})) c.header(k, v);
    return c.json(res.body as object, res.status as 200);
  },
  );
  return app;
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
