/**
 * The /_sim/ basics every simulator serves, plus small Hono helpers.
 *
 * API (stable):
 *   mountSimBasics(app, { provider, log, faults, deliveries?, reset?, info? })  adds:
 *     GET    /_sim/health              -> { ok: true, provider }
 *     GET    /_sim/info                -> info() (e.g. { provider, base_url, credentials })
 *     GET    /_sim/requests[?method=&path=]  -> { requests: LoggedRequest[] }   (inbound log)
 *     DELETE /_sim/requests            -> clears it
 *     GET    /_sim/faults              -> { faults: Fault[] }  (pending)
 *     POST   /_sim/faults              body Fault | Fault[] | { faults } -> 201 { faults } ; 400 { error } if invalid
 *     DELETE /_sim/faults              -> clears the queue
 *     GET    /_sim/deliveries[?kind=]  -> { deliveries: Delivery[] }  (outbound log, if given)
 *     DELETE /_sim/deliveries
 *     POST   /_sim/reset               -> clears logs + faults and calls reset()
 *   readJson(c) -> Promise<{ ok: true, value } | { ok: false }>   parse a JSON body without throwing
 *   simError(c, status, message)      the /_sim/ error shape: { error: message }
 * Order relative to app.use(log/faults middleware) does not matter: those middlewares skip /_sim/*.
 */
import type { Context, Hono } from 'hono';
import type { DeliveryLog } from './outbound.ts';
import type { FaultQueue } from './faults.ts';
import { parseFaults } from './faults.ts';
import type { RequestLog } from './request-log.ts';

export async function readJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    const text = await c.req.text();
    return { ok: true, value: text.trim() === '' ? {} : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function simError(c: Context, status: number, message: string) {
  return c.json({ error: message }, status as 400);
}

export function mountSimBasics(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  app: Hono<any, any, any>,
  opts: {
    provider: string;
    log: RequestLog;
    faults: FaultQueue;
    deliveries?: DeliveryLog;
    reset?: () => void;
    info?: () => unknown;
  },
): void {
  app.get('/_sim/health', (c) => c.json({ ok: true, provider: opts.provider }));
  app.get('/_sim/info', (c) => c.json((opts.info?.() ?? { provider: opts.provider }) as object));
  app.get('/_sim/requests', (c) =>
    c.json({ requests: opts.log.entries({ method: c.req.query('method'), path: c.req.query('path') }) }),
  );
  app.delete('/_sim/requests', (c) => {
    opts.log.clear();
    return c.json({ ok: true });
  });
  app.get('/_sim/faults', (c) => c.json({ faults: opts.faults.list() }));
  app.post('/_sim/faults', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return simError(c, 400, 'body must be JSON');
    try {
      opts.faults.push(parseFaults(body.value));
    } catch (e) {
      return simError(c, 400, (e as Error).message);
    }
    return c.json({ faults: opts.faults.list() }, 201);
  });
  app.delete('/_sim/faults', (c) => {
    opts.faults.clear();
    return c.json({ ok: true });
  });
  app.get('/_sim/deliveries', (c) => c.json({ deliveries: opts.deliveries?.entries({ kind: c.req.query('kind') }) ?? [] }));
  app.delete('/_sim/deliveries', (c) => {
    opts.deliveries?.clear();
    return c.json({ ok: true });
  });
  app.post('/_sim/reset', (c) => {
    opts.log.clear();
    opts.faults.clear();
    opts.deliveries?.clear();
    opts.reset?.();
    return c.json({ ok: true });
  });
}
