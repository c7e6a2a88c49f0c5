/**
 * Recruitee simulator HTTP surface:
 *   /api/p/:codename/reports/:report_id                         PATCH (RT-PARTNER-SECRET) — partner report updates
 *   /api/p/:codename/c/:company_id/candidates/:candidate_id/reports   GET — read reports
 *   /api/p/:codename/partner/regenerate-secret                  POST — rotate the partner secret
 *   /_sim/*                                                     control API (list in index.ts)
 */
import { Hono, type Context } from 'hono';
import { FaultQueue, isRecord, mountSimBasics, readJson, RequestLog, safeEqual, simError } from '../shared/index.ts';
import { RecruiteeSim, SimError, type Report } from './sim.ts';

// UNCONFIRMED: Recruitee's error body shapes are not in the contract; Phoenix-style { error } / { errors } here.
export function recruiteeError(c: Context, status: number, error: string, errors?: Record<string, string[]>) {
  return c.json({ error, ...(errors ? { errors } : {}) }, status as 400);
}

export function reportView(r: Report) {
  return {
    id: r.id,
    status: r.status,
    score: r.score,
    completed_at: r.completed_at,
    subtitle: r.subtitle,
    properties: r.properties,
    urls: r.urls,
    candidate_id: r.candidate_id,
    company_id: r.company_id,
    test_id: r.test_id,
    test_name: r.test_name,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export function buildRecruiteeApp(sim: RecruiteeSim, log: RequestLog, faults: FaultQueue) {
  const app = new Hono();
  app.use('*', log.middleware());
  app.use('*', faults.middleware({ errorBody: (s) => ({ error: s === 429 ? 'Too many requests' : `Simulated ${s}` }) }));

  app.use('/api/p/:codename/*', async (c, next) => {
    const secret = c.req.header('rt-partner-secret');
    if (!secret || !safeEqual(secret, sim.partnerSecret)) return recruiteeError(c, 401, 'Invalid or missing RT-PARTNER-SECRET header');
    if (c.req.param('codename') !== sim.codename) return recruiteeError(c, 404, `Unknown partner ${c.req.param('codename')}`);
    await next();
  });

  app.patch('/api/p/:codename/reports/:report_id', async (c) => {
    const r = sim.reports.get(c.req.param('report_id'));
    if (!r) return recruiteeError(c, 404, 'Report not found');
    const body = await readJson(c);
    if (!body.ok) return recruiteeError(c, 400, 'Malformed JSON body');
    const { problems, ignored } = sim.applyReportPatch(r, body.value);
    if (problems.length) {
      const errors: Record<string, string[]> = {};
      for (const p of problems) {
        const i = p.indexOf(': ');
        const k = i > 0 ? p.slice(0, i) : 'base';
        (errors[k] ??= []).push(i > 0 ? p.slice(i + 2) : p);
      }
      return recruiteeError(c, 422, 'Unprocessable entity', errors);
    }
    // UNCONFIRMED: the PATCH answer body is not documented; the updated report is returned.
    return c.json({ report: reportView(r), ...(ignored.length ? { ignored_fields: ignored } : {}) });
  });

  app.get('/api/p/:codename/c/:company_id/candidates/:candidate_id/reports', (c) => {
    const company = Number(c.req.param('company_id'));
    const cand = Number(c.req.param('candidate_id'));
    const list = [...sim.reports.values()].filter((r) => r.company_id === company && r.candidate_id === cand);
    return c.json({ reports: list.map(reportView) });
  });

  app.post('/api/p/:codename/partner/regenerate-secret', (c) => c.json({ secret: sim.regenerateSecret() }));

  app.all('/api/*', (c) => recruiteeError(c, 404, 'Not found'));
  return app;
}

export function mountRecruiteeControl(app: Hono, sim: RecruiteeSim, log: RequestLog, faults: FaultQueue, info: () => unknown) {
  mountSimBasics(app, { provider: 'recruitee', log, faults, deliveries: sim.deliveries, reset: () => sim.reset(), info });
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
  app.post('/_sim/tests/fetch', wrap(async (c) => c.json(await sim.fetchTests())));
  app.post('/_sim/send', wrap(async (c) => c.json(await sim.sendCandidate((await json(c)) as never), 201)));
  app.get('/_sim/reports', (c) => c.json({ reports: [...sim.reports.values()] }));
  app.get('/_sim/reports/:id', wrap((c) => c.json(sim.report((c.req.param('id') ?? '')))));
  app.post('/_sim/reports/:id/cancel', wrap(async (c) => {
    const o = await sim.clickCancel((c.req.param('id') ?? ''));
    return c.json({ status: o.status, body: o.bodyText, ...(o.error ? { error: o.error } : {}) });
  }));
  app.post('/_sim/webhooks', wrap(async (c) => c.json(await sim.fireWebhook((await json(c)) as never), 201)));
  app.post('/_sim/webhooks/ping', wrap(async (c) => {
    const b = await json(c);
    return c.json(await sim.ping(isRecord(b) && typeof b.sign === 'boolean' ? { sign: b.sign } : {}));
  }));
  app.get('/_sim/webhooks', (c) => c.json({ webhooks: [...sim.webhooks.values()] }));
  app.post('/_sim/webhooks/:id/retry', wrap(async (c) => c.json(await sim.retryNow((c.req.param('id') ?? '')))));
  app.post('/_sim/webhooks/:id/cancel', wrap((c) => c.json(sim.cancelRetry((c.req.param('id') ?? '')))));
}

export function stateOf(sim: RecruiteeSim) {
  return { codename: sim.codename, company_id: sim.companyId, config: sim.config, reports: [...sim.reports.values()], webhooks: [...sim.webhooks.values()], tests_fetches: sim.testsFetches };
}
