/**
 * StackOne simulator HTTP surface:
 *   /unified/ats/assessments/*   StackOne's unified API (Basic auth with the API key, x-account-id)
 *   /_sim/*                      control API (list in index.ts)
 */
import { Hono, type Context } from 'hono';
import { FaultQueue, mountSimBasics, parseBasicAuth, readJson, RequestLog, safeEqual, simError } from '../shared/index.ts';
import { SimError, StackOneSim } from './sim.ts';
import { validateUpdateResult } from './validate.ts';

/** StackOne's error body (§2.2 [V]): { statusCode, message, timestamp, data?, provider_errors? }. */
export function stackOneError(c: Context, status: number, message: string, extra: Record<string, unknown> = {}) {
  return c.json({ statusCode: status, message, timestamp: new Date().toISOString(), ...extra }, status as 400);
}

export function stackOneFaultBody(status: number) {
  const message = status === 429 ? 'Too Many Requests' : status === 408 ? 'Request Timeout' : status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : status >= 500 ? 'Internal Server Error' : 'Error';
  return { statusCode: status, message, timestamp: new Date().toISOString() };
}

export function buildStackOneApp(sim: StackOneSim, log: RequestLog, faults: FaultQueue) {
  const app = new Hono();
  app.use('*', log.middleware());
  app.use('*', faults.middleware({ errorBody: stackOneFaultBody }));

  app.use('/unified/*', async (c, next) => {
    // Basic auth, API key as username, empty password. UNCONFIRMED: the docs disagree, so both base64(key) and
    // base64(key:) are accepted (§2.1 [I]).
    const creds = parseBasicAuth(c.req.header('authorization'));
    if (!creds || creds.password !== '' || !safeEqual(creds.user, sim.apiKey))
      return stackOneError(c, 401, 'Unauthorized: use HTTP Basic auth with your API key as the username and an empty password.');
    const account = c.req.header('x-account-id');
    // UNCONFIRMED: status codes for a missing/unknown account id are not documented.
    if (!account) return stackOneError(c, 400, 'The x-account-id header is required.');
    if (account !== sim.accountId) return stackOneError(c, 404, `Account ${account} not found.`);
    await next();
  });

  app.get('/unified/ats/assessments/packages', (c) => {
    const ps = c.req.query('page_size') ?? '25';
    if (!/^\d+$/.test(ps) || Number(ps) < 1) return stackOneError(c, 400, 'page_size must be a positive integer string');
    const size = Number(ps);
    let offset = 0;
    const next = c.req.query('next');
    if (next) {
      const m = /^o:(\d+)$/.exec(Buffer.from(next, 'base64url').toString('utf8'));
      if (!m) return stackOneError(c, 400, 'Invalid next cursor');
      offset = Number(m[1]);
    }
    const all = sim.listedPackages();
    const page = all.slice(offset, offset + size);
    const nextCursor = offset + size < all.length ? Buffer.from(`o:${offset + size}`).toString('base64url') : null;
    return c.json({ data: page.map((p) => ({ id: p.id, remote_id: p.remote_id ?? p.id, name: p.name, description: p.description ?? null })), next: nextCursor });
  });

  app.get('/unified/ats/assessments/packages/:id', (c) => {
    const p = sim.listedPackages().find((x) => x.id === (c.req.param('id') ?? ''));
    if (!p) return stackOneError(c, 404, 'Record not found');
    return c.json({ data: { id: p.id, remote_id: p.remote_id ?? p.id, name: p.name, description: p.description ?? null } });
  });

  app.patch('/unified/ats/assessments/orders/:id/result', async (c) => {
    const order = sim.orders.get((c.req.param('id') ?? ''));
    if (!order) return stackOneError(c, 404, `Assessment order ${(c.req.param('id') ?? '')} not found`);
    const body = await readJson(c);
    if (!body.ok) return stackOneError(c, 400, 'Request body is not valid JSON');
    const problems = validateUpdateResult(body.value);
    if (problems.length) {
      order.result_history.push({ at: new Date().toISOString(), body: body.value, accepted: false, problems });
      return stackOneError(c, 400, problems.join('; '));
    }
    sim.recordResult(order, body.value as Record<string, unknown>);
    return c.json({ statusCode: 200, message: 'Record updated successfully.', timestamp: new Date().toISOString() });
  });

  // Doc-page endpoint (§2.2): read the result back.
  app.get('/unified/ats/assessments/orders/:id/results', (c) => {
    const order = sim.orders.get((c.req.param('id') ?? ''));
    if (!order) return stackOneError(c, 404, 'Record not found');
    const r = order.result ?? {};
    const cand = order.event_data.candidate as Record<string, unknown>;
    return c.json({
      data: {
        id: order.id,
        remote_id: order.remote_id,
        candidate: { id: cand.id, remote_id: cand.remote_id, profile_url: cand.profile_url },
        score: r.score ?? null,
        start_date: r.start_date ?? null,
        submission_date: r.submission_date ?? null,
        summary: r.summary ?? null,
        result: r.result ?? null,
        result_url: r.result_url ?? null,
        attachments: r.attachments ?? [],
      },
    });
  });

  app.all('/unified/*', (c) => stackOneError(c, 404, `Cannot ${c.req.method} ${new URL(c.req.url).pathname}`));
  return app;
}

export function mountStackOneControl(app: Hono, sim: StackOneSim, log: RequestLog, faults: FaultQueue, info: () => unknown) {
  mountSimBasics(app, { provider: 'stackone', log, faults, deliveries: sim.deliveries, reset: () => sim.reset(), info });
  const wrap = (fn: (c: Context) => Promise<Response> | Response) => async (c: Context) => {
    try {
      return await fn(c);
    } catch (e) {
      if (e instanceof SimError) return simError(c, e.status, e.message);
      throw e;
    }
  };
  const json = async (c: Context) => {
    const b = await readJson(c);
    if (!b.ok) throw new SimError(400, 'body must be JSON');
    return b.value;
  };
  app.get('/_sim/config', (c) => c.json(sim.config));
  app.on(['PUT', 'PATCH', 'POST'], '/_sim/config', wrap(async (c) => c.json(sim.setConfig(await json(c)))));
  app.get('/_sim/state', (c) => c.json(stateOf(sim)));
  app.post('/_sim/picker', wrap(async (c) => c.json(await sim.openPicker())));
  app.get('/_sim/picker', (c) => c.json({ history: sim.pickerHistory }));
  app.post('/_sim/orders', wrap(async (c) => c.json(await sim.orderPackage((await json(c)) as never), 201)));
  app.get('/_sim/orders', (c) => c.json({ orders: [...sim.orders.values()] }));
  app.get('/_sim/orders/:id', wrap((c) => c.json(sim.order((c.req.param('id') ?? '')))));
  app.post('/_sim/orders/:id/redeliver', wrap(async (c) => c.json(await sim.redeliver((c.req.param('id') ?? '')))));
  app.get('/_sim/results', (c) =>
    c.json({ results: [...sim.orders.values()].filter((o) => o.result_history.length).map((o) => ({ order_id: o.id, result: o.result, ats_view: o.ats_view, history: o.result_history })) }),
  );
}

export function stateOf(sim: StackOneSim) {
  return { account_id: sim.accountId, config: sim.config, picker: sim.pickerHistory, orders: [...sim.orders.values()] };
}
