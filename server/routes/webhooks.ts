import { Hono } from 'hono';
import { ApiError } from '../errors.ts';
import { refuseOversized } from '../http/middleware.ts';
import type { Services } from '../services.ts';

const MAX_WEBHOOK_BYTES = 256 * 1024;

/**
 * POST /webhooks/<provider>/<connection-id>: the connection id picks the secret before the body is
 * parsed; the connector verifies the raw bytes, records the delivery and answers as its vendor expects.
 */
export function webhooks(svc: Services) {
  const app = new Hono();
  app.post('/:provider/:connectionId', async (c) => {
    const { provider, connectionId } = c.req.param();
    const connector = svc.connectors[provider];
    if (!connector?.webhook) throw new ApiError(404, 'unknown_provider', `No webhook receiver for "${provider}".`);
    if (!/^con_[0-9a-z]{8,40}$/.test(connectionId)) throw new ApiError(404, 'unknown_connection', 'No such connection.');
    await refuseOversized(c, MAX_WEBHOOK_BYTES);
    const connection = await svc.store.connections.getById(connectionId);
    if (!connection || connection.provider !== provider) throw new ApiError(404, 'unknown_connection', 'No such connection.');
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (raw.byteLength > MAX_WEBHOOK_BYTES) throw new ApiError(413, 'body_too_large', `Webhook bodies may be at most ${MAX_WEBHOOK_BYTES} bytes.`);
    const res = await connector.webhook(svc, connection, { raw, text: new TextDecoder().decode(raw), headers: c.req.raw.headers });
    svc.outbox.wake();
    for (const [k, v] of Object.entries(res.headers ?? {})) c.header(k, v);
    return c.json(res.body as object, res.status as 200);
  });
  return app;
}

export function partner(svc: Services) {
  const app = new Hono();
  for (const c of Object.values(svc.connectors)) {
    const routes = c.partnerRoutes?.(svc);
    if (routes) app.route(`/${c.provider}`, routes);
  }
  return app;
}
