/**
 * Kombo simulator HTTP surface:
 *   /v1/assessment/*          Kombo's assessment API (Bearer + X-Integration-Id)
 *   /v1/connect/*             Kombo Connect API (Bearer only)
 *   /connect, /connect/complete   the customer-facing setup page a connection link points to
 *   /_sim/*                   control API (see index.ts for the list)
 */
import { Hono, type Context } from 'hono';
import { FaultQueue, isEmail, isRecord, mountSimBasics, parseBearer, readJson, RequestLog, safeEqual, simError } from '../shared/index.ts';
import { KomboSim, SimError, komboId, type KomboOrder } from './sim.ts';
import { parseOrdersQuery, validatePutPackages, validatePutResult } from './validate.ts';

type Env = { Variables: { integrationId: string } };

/** Kombo's error envelope (§1.3). */
export function komboError(c: Context, status: number, code: string | null, message: string, title: string | null = null) {
  // UNCONFIRMED: log_url format is not documented; Kombo returns a dashboard link here.
  return c.json({ status: 'error', error: { code, title, message, log_url: `https://app.kombo.dev/logs/${komboId(16)}` } }, status as 400);
}

/** UNCONFIRMED: the code → HTTP status mapping is [NF]; this follows §1.3's suggestion. */
export function komboFaultBody(status: number) {
  const code = status === 429 ? 'PLATFORM.RATE_LIMIT_EXCEEDED' : status === 503 || status === 502 ? 'REMOTE.SERVICE_UNAVAILABLE' : status === 504 ? 'PLATFORM.TASK_TIMED_OUT' : 'PLATFORM.UNKNOWN_ERROR';
  const message = status === 429 ? 'You have exceeded the rate limit. Please try again later.' : `Simulated ${status} error.`;
  return { status: 'error', error: { code, title: null, message, log_url: null } };
}

function orderForList(o: KomboOrder) {
  return { id: o.id, package_id: o.package_id, status: o.status, candidate: o.candidate, application: o.application, job: o.job };
}

function orderForOpenList(o: KomboOrder) {
  // The deprecated endpoint's items had no `status`, and `job` had no job_code/description (§1.2.3).
  const { job_code: _c, description: _d, ...job } = o.job;
  return { id: o.id, package_id: o.package_id, candidate: o.candidate, application: o.application, job };
}

function encodeCursor(afterSeq: number): string {
  return Buffer.from(JSON.stringify({ v: 1, after: afterSeq })).toString('base64');
}
function decodeCursor(cursor: string): number | null {
  try {
    const j = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as unknown;
    return isRecord(j) && j.v === 1 && typeof j.after === 'number' ? j.after : null;
  } catch {
    return null;
  }
}

export function buildKomboApp(sim: KomboSim, log: RequestLog, faults: FaultQueue) {
  const app = new Hono<Env>();
  app.use('*', log.middleware());
  app.use('*', faults.middleware({ errorBody: komboFaultBody }));

  // ---------- auth ----------
  // UNCONFIRMED: Kombo documents no code → HTTP status mapping (§1.3 [NF]); 401/400/404 follow §1.3's suggestion [I].
  const bearer = async (c: Context<Env>, next: () => Promise<void>) => {
    const token = parseBearer(c.req.header('authorization'));
    if (!token || !safeEqual(token, sim.apiKey))
      return komboError(c, 401, 'PLATFORM.AUTHENTICATION_INVALID', 'The API key is missing or invalid. Pass it as "Authorization: Bearer <API key>".');
    await next();
  };
  const integration = async (c: Context<Env>, next: () => Promise<void>) => {
    const id = c.req.header('x-integration-id');
    // UNCONFIRMED: status/code for a missing header are not documented [I].
    if (!id) return komboError(c, 400, 'PLATFORM.INPUT_INVALID', 'The X-Integration-Id header is required for this endpoint.');
    if (!sim.integrations.has(id)) return komboError(c, 404, 'PLATFORM.INTEGRATION_NOT_FOUND', `No integration with the ID "${id}" exists in this environment.`);
    c.set('integrationId', id);
    await next();
  };
  app.use('/v1/*', bearer);
  app.use('/v1/assessment/*', integration);

  const v1 = new Hono<Env>();

  v1.put('/assessment/packages', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return komboError(c, 400, 'PLATFORM.INPUT_INVALID', 'The request body is not valid JSON.');
    const { problems, packages } = validatePutPackages(body.value);
    if (problems.length) return komboError(c, 400, 'PLATFORM.INPUT_INVALID', `Invalid request body: ${problems.join('; ')}`);
    sim.putPackages(c.get('integrationId'), packages);
    return c.json({ status: 'success', data: {}, warnings: [] as Array<{ message: string }> });
  });

  v1.get('/assessment/packages', (c) =>
    c.json({
      status: 'success',
      data: { packages: sim.activePackages(c.get('integrationId')).map((p) => ({ id: p.id, name: p.name, description: p.description, updated_at: p.updated_at, type: p.type })) },
    }),
  );

  const listOrders = (c: Context<Env>, mode: 'all' | 'open') => {
    const { problems, query } = parseOrdersQuery(c.req.query(), { allowFilters: mode === 'all' });
    if (problems.length) return komboError(c, 400, 'PLATFORM.INPUT_INVALID', `Invalid query: ${problems.join('; ')}`);
    let after = 0;
    if (query.cursor !== undefined) {
      const d = decodeCursor(query.cursor);
      if (d === null) return komboError(c, 400, 'PLATFORM.INPUT_INVALID', 'The cursor is invalid. Pass the `next` value of the previous page unchanged.');
      after = d;
    }
    const iid = c.get('integrationId');
    const createdAfter = query.created_after ? Date.parse(query.created_after) : null;
    const matching = sim.orders
      .filter((o) => o.integration_id === iid)
      .filter((o) => (mode === 'open' ? o.status === 'OPEN' : true))
      .filter((o) => !query.ids || query.ids.includes(o.id))
      .filter((o) => !query.statuses || query.statuses.includes(o.status))
      .filter((o) => createdAfter === null || Date.parse(o.created_at) >= createdAfter)
      .sort((a, b) => a.seq - b.seq)
      .filter((o) => o.seq > after);
    const page = matching.slice(0, query.page_size);
    const next = matching.length > page.length ? encodeCursor(page[page.length - 1]!.seq) : null;
    return c.json({ status: 'success', data: { next, results: page.map(mode === 'open' ? orderForOpenList : orderForList) } });
  };
  v1.get('/assessment/orders/open', (c) => {
    c.header('Deprecation', 'true'); // UNCONFIRMED: K-OAS marks it deprecated; whether a header is sent is unknown
    return listOrders(c, 'open');
  });
  v1.get('/assessment/orders', (c) => listOrders(c, 'all'));

  v1.put('/assessment/orders/:id/result', async (c) => {
    const order = sim.orders.find((o) => o.id === (c.req.param('id') ?? '') && o.integration_id === c.get('integrationId'));
    // UNCONFIRMED: not-found status/code are not documented.
    if (!order) return komboError(c, 404, 'PLATFORM.INPUT_INVALID', `No assessment order with the ID "${(c.req.param('id') ?? '')}" exists for this integration.`);
    const body = await readJson(c);
    if (!body.ok) return komboError(c, 400, 'PLATFORM.INPUT_INVALID', 'The request body is not valid JSON.');
    const { problems, warnings } = validatePutResult(body.value);
    if (problems.length) {
      order.result_history.push({ at: new Date().toISOString(), body: body.value, accepted: false, problems });
      return komboError(c, 400, 'PLATFORM.INPUT_INVALID', `Invalid request body: ${problems.join('; ')}`);
    }
    const refused = sim.checkResultAllowed(order);
    if (refused) {
      order.result_history.push({ at: new Date().toISOString(), body: body.value, accepted: false, problems: [refused[1]] });
      return komboError(c, refused[0], 'PLATFORM.INPUT_INVALID', refused[1]);
    }
    sim.recordResult(order, body.value as Record<string, unknown>);
    return c.json({ status: 'success', data: {}, warnings: warnings.map((message) => ({ message })) });
  });

  // ---------- Kombo Connect ----------
  v1.post('/connect/create-link', async (c) => {
    const body = await readJson(c);
    if (!body.ok || !isRecord(body.value)) return komboError(c, 400, 'PLATFORM.INPUT_INVALID', 'The request body must be a JSON object.');
    const b = body.value;
    const problems: string[] = [];
    if (!isEmail(b.end_user_email)) problems.push('end_user_email: required e-mail address');
    if (typeof b.end_user_organization_name !== 'string' || !b.end_user_organization_name) problems.push('end_user_organization_name: required string');
    if (b.end_user_origin_id !== undefined && b.end_user_origin_id !== null && typeof b.end_user_origin_id !== 'string') problems.push('end_user_origin_id: must be a string');
    if (b.integration_category !== undefined && !['HRIS', 'ATS', 'ASSESSMENT', 'LMS'].includes(b.integration_category as string))
      problems.push('integration_category: one of HRIS, ATS, ASSESSMENT, LMS');
    if (b.integration_tool !== undefined && b.integration_tool !== null && (typeof b.integration_tool !== 'string' || !/^[a-z0-9_]+$/.test(b.integration_tool)))
      problems.push('integration_tool: a tool slug like "recruitee"');
    if (b.link_type !== undefined && b.link_type !== 'EMBEDDED' && b.link_type !== 'MAGIC_LINK') problems.push('link_type: EMBEDDED or MAGIC_LINK');
    if (problems.length) return komboError(c, 400, 'PLATFORM.INPUT_INVALID', `Invalid request body: ${problems.join('; ')}`);
    const link = sim.createLink(b);
    return c.json({ status: 'success', data: { link: link.link } });
  });

  v1.get('/connect/integration-by-token/:token', (c) => {
    const integ = sim.integrationByToken((c.req.param('token') ?? ''));
    if (!integ) return komboError(c, 404, 'PLATFORM.INPUT_INVALID', 'The token is invalid or has expired.'); // UNCONFIRMED: error code
    return c.json({
      status: 'success',
      data: {
        tool: integ.tool,
        id: integ.id,
        end_user_origin_id: integ.end_user.origin_id,
        end_user_organization_name: integ.end_user.organization_name,
        end_user_email: integ.end_user.creator_email,
        setup_status: integ.setup_status,
      },
    });
  });

  app.route('/v1', v1);
  app.all('/v1/*', (c) => komboError(c, 404, null, `Cannot ${c.req.method} ${new URL(c.req.url).pathname}`));

  // ---------- the customer-facing setup page (what the link opens) ----------
  app.get('/connect', (c) => {
    const token = c.req.query('token') ?? '';
    const st = sim.linkState(token);
    if ('error' in st) return c.html(page('Kombo Connect', `<p role="alert">${esc(st.error)}</p>`), st.status as 404);
    const l = st.link;
    if (l.integration_id) return c.html(page('Kombo Connect', doneHtml(l.integration_id, l.activation_token ?? '')));
    const tool = l.integration_tool ?? 'your ATS';
    const toolName = tool.charAt(0).toUpperCase() + tool.slice(1);
    return c.html(
      page(
        `Connect your ${toolName}`,
        `<h1>Connect your ${esc(toolName)}</h1>
<p>${esc(l.end_user_organization_name)} — set up the integration for ${esc(l.end_user_email)}.</p>
<form method="post" action="/connect/complete">
  <input type="hidden" name="token" value="${esc(token)}">
  ${l.integration_tool ? '' : '<label>Tool <input name="tool" value="recruitee"></label>'}
  <label for="api_key">${esc(toolName)} API key</label>
  <input id="api_key" name="api_key" type="password" autocomplete="off" required>
  <button type="submit">Set up integration</button>
</form>`,
      ),
    );
  });
  app.post('/connect/complete', async (c) => {
    const form = await c.req.parseBody();
    try {
      const r = await sim.completeLink(String(form.token ?? ''), { api_key: form.api_key, tool: form.tool });
      return c.html(page('Integration set up', doneHtml(r.integration.id, r.activation_token)));
    } catch (e) {
      if (e instanceof SimError) return c.html(page('Kombo Connect', `<p role="alert">${esc(e.message)}</p>`), e.status as 400);
      throw e;
    }
  });

  return app;
}

function doneHtml(integrationId: string, activationToken: string) {
  // UNCONFIRMED: the real embedded flow hands the activation token to Kombo's frontend SDK; here it is shown on the page.
  return `<h1>Integration set up</h1><p>Your integration is ready. You can close this window.</p>
<p>Integration: <code id="integration-id">${esc(integrationId)}</code></p>
<p>Activation token: <code id="activation-token" data-activation-token="${esc(activationToken)}">${esc(activationToken)}</code></p>`;
}

function page(title: string, body: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:16px system-ui;max-width:32rem;margin:3rem auto}label,input,button{display:block;margin:.5rem 0}input{width:100%;padding:.4rem}</style>
</head><body>${body}</body></html>`;
}

function esc(s: string) {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** Control routes that are Kombo-specific (shared ones come from mountSimBasics). */
export function mountKomboControl(app: Hono<Env>, sim: KomboSim, log: RequestLog, faults: FaultQueue, info: () => unknown) {
  mountSimBasics(app, { provider: 'kombo', log, faults, deliveries: sim.deliveries, reset: () => sim.reset(), info });
  const wrap = (fn: (c: Context<Env>) => Promise<Response> | Response) => async (c: Context<Env>) => {
    try {
      return await fn(c);
    } catch (e) {
      if (e instanceof SimError) return simError(c, e.status, e.message);
      throw e;
    }
  };
  const json = async (c: Context<Env>) => {
    const b = await readJson(c);
    if (!b.ok) throw new SimError(400, 'body must be JSON');
    return b.value;
  };
  app.get('/_sim/config', (c) => c.json(sim.config));
  app.on(['PUT', 'PATCH', 'POST'], '/_sim/config', wrap(async (c) => c.json(sim.setConfig(await json(c)))));
  app.get('/_sim/state', (c) => c.json(stateOf(sim)));
  app.get('/_sim/orders', (c) => c.json({ orders: sim.orders }));
  app.post('/_sim/orders', wrap(async (c) => c.json(await sim.createOrder((await json(c)) as never), 201)));
  app.get('/_sim/orders/:id', wrap((c) => c.json(sim.order((c.req.param('id') ?? '')))));
  app.post('/_sim/orders/:id/redeliver', wrap(async (c) => c.json(await sim.redeliver((c.req.param('id') ?? '')))));
  app.post('/_sim/orders/:id/status', wrap(async (c) => {
    const b = await json(c);
    return c.json(sim.setOrderStatus((c.req.param('id') ?? ''), isRecord(b) ? b.status : undefined));
  }));
  app.get('/_sim/packages', (c) => c.json({ packages: sim.allPackages(c.req.query('integration_id')) }));
  app.get('/_sim/integrations', (c) => c.json({ integrations: [...sim.integrations.values()] }));
  app.get('/_sim/connect/links', (c) => c.json({ links: [...sim.links.values()] }));
  app.post('/_sim/connect/complete', wrap(async (c) => {
    const b = await json(c);
    if (!isRecord(b) || typeof b.token !== 'string') throw new SimError(400, 'body must be { token, api_key }');
    return c.json(await sim.completeLink(b.token, { api_key: b.api_key ?? 'sim-ats-api-key', tool: b.tool }), 201);
  }));
  app.post('/_sim/connect/links/:token/expire', wrap((c) => c.json(sim.expireLink((c.req.param('token') ?? '')))));
}

export function stateOf(sim: KomboSim) {
  return {
    config: sim.config,
    integrations: [...sim.integrations.values()],
    packages: sim.allPackages(),
    orders: sim.orders,
    links: [...sim.links.values()],
  };
}
