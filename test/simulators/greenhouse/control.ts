/** The Greenhouse simulator's control API under /_sim (JSON in, JSON out). */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { parseFaults } from '../shared/faults.ts';
import { BadInput, NotFound, type GreenhouseConfig, type GreenhouseSim } from './sim.ts';
import { DEFAULT_IDS, generate, SeedError, type GhSeed } from './state.ts';

const APIS = ['list_tests', 'send_test', 'test_status', 'response_error'];

export function parseConfigPatch(input: unknown): Partial<GreenhouseConfig> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new BadInput('config must be a JSON object');
  const x = input as Record<string, unknown>;
  const out: Partial<GreenhouseConfig> = {};
  for (const k of ['partner_base_url', 'webhook_url'] as const) {
    if (k in x) {
      if (x[k] !== null && typeof x[k] !== 'string') throw new BadInput(`${k} must be a string or null`);
      out[k] = (x[k] as string | null) || null;
    }
  }
  for (const k of ['partner_api_key', 'harvest_api_key', 'webhook_secret', 'on_behalf_of'] as const) {
    if (k in x) {
      if (typeof x[k] !== 'string' || !x[k]) throw new BadInput(`${k} must be a non-empty string`);
      out[k] = x[k] as string;
    }
  }
  if (out.partner_api_key !== undefined && out.partner_api_key.length >= 171) throw new BadInput('partner_api_key must be fewer than 171 characters');
  if ('partner_urls' in x) {
    const u = x.partner_urls as Record<string, unknown>;
    if (!u || typeof u !== 'object' || !Object.entries(u).every(([k, v]) => APIS.includes(k) && typeof v === 'string')) throw new BadInput(`partner_urls may map ${APIS.join(', ')} to URLs`);
    out.partner_urls = { ...(u as Record<string, string>) };
  }
  if ('webhook_enabled' in x) {
    if (typeof x.webhook_enabled !== 'boolean') throw new BadInput('webhook_enabled must be a boolean');
    out.webhook_enabled = x.webhook_enabled;
  }
  if ('webhook_basic_auth' in x) {
    const b = x.webhook_basic_auth as { user?: unknown; password?: unknown } | null;
    if (b !== null && (typeof b !== 'object' || typeof b.user !== 'string')) throw new BadInput('webhook_basic_auth must be null or { user, password }');
    out.webhook_basic_auth = b === null ? null : { user: b.user as string, password: typeof b.password === 'string' ? b.password : '' };
  }
  if ('webhook_headers' in x) {
    const h = x.webhook_headers as Record<string, unknown>;
    if (!h || typeof h !== 'object' || !Object.values(h).every((v) => typeof v === 'string')) throw new BadInput('webhook_headers must map names to strings');
    out.webhook_headers = { ...(h as Record<string, string>) };
  }
  if ('rate_limit' in x) {
    const r = x.rate_limit as { limit?: unknown; window_ms?: unknown } | null;
    if (r !== null && (typeof r !== 'object' || !Number.isInteger(r.limit) || (r.limit as number) < 1 || typeof r.window_ms !== 'number' || r.window_ms <= 0)) {
      throw new BadInput('rate_limit must be null or { limit >= 1, window_ms > 0 }');
    }
    out.rate_limit = r === null ? null : { limit: r.limit as number, window_ms: r.window_ms as number };
  }
  if ('retry_delays_ms' in x) {
    const d = x.retry_delays_ms;
    if (d !== null && (!Array.isArray(d) || !d.every((n) => typeof n === 'number' && n >= 0))) throw new BadInput('retry_delays_ms must be null or an array of non-negative numbers');
    out.retry_delays_ms = d as number[] | null;
  }
  for (const k of ['webhook_timeout_ms', 'partner_timeout_ms'] as const) {
    if (k in x) {
      if (typeof x[k] !== 'number' || (x[k] as number) <= 0) throw new BadInput(`${k} must be a positive number`);
      out[k] = x[k] as number;
    }
  }
  return out;
}

/** Applies a patch; (re)pings when the webhook URL or secret changed, as Greenhouse does on save. */
export async function applyConfig(sim: GreenhouseSim, patch: Partial<GreenhouseConfig>) {
  const repings = (patch.webhook_url !== undefined && patch.webhook_url !== sim.config.webhook_url) || (patch.webhook_secret !== undefined && patch.webhook_secret !== sim.config.webhook_secret);
  Object.assign(sim.config, patch);
  if (patch.rate_limit !== undefined) sim.resetRateLimit();
  const ping = repings && sim.config.webhook_url ? await sim.ping() : null;
  return { config: sim.config, ping: ping ? { status: ping.attempts[0]?.status ?? null, error: ping.attempts[0]?.error ?? null, webhook_enabled: sim.config.webhook_enabled } : null };
}

async function body(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object') throw new Error();
    return v as Record<string, unknown>;
  } catch {
    throw new BadInput('The body must be a JSON object');
  }
}

const optNum = (v: unknown, name: string) => {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new BadInput(`${name} must be an integer`);
  return v;
};

export function controlRoutes(sim: GreenhouseSim, info: () => Record<string, unknown>): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof NotFound) return c.json({ error: err.message }, 404);
    if (err instanceof BadInput || err instanceof SeedError) return c.json({ error: err.message }, 400);
    return c.json({ error: err instanceof Error ? err.message : String(err) }, 500);
  });

  app.get('/', (c) => c.json({ provider: 'greenhouse', ...info(), docs: 'test/simulators/greenhouse/README.md' }));
  app.get('/config', (c) => c.json(sim.config));
  app.post('/config', async (c) => c.json(await applyConfig(sim, parseConfigPatch(await body(c)))));
  app.post('/reset', async (c) => {
    const b = await body(c);
    sim.reset(b.defaults !== false);
    return c.json({ ok: true });
  });
  app.post('/seed', async (c) => c.json(sim.seed((await body(c)) as GhSeed)));
  app.post('/seed/generate', async (c) => {
    const b = await body(c);
    const count = optNum(b.count, 'count') ?? 100;
    const jobId = optNum(b.job_id, 'job_id') ?? DEFAULT_IDS.job;
    if (!sim.state.jobs.has(jobId)) throw new BadInput(`job ${jobId} does not exist`);
    return c.json({ candidate_ids: generate(sim.state, count, jobId) });
  });
  app.get('/state', (c) =>
    c.json({ users: [...sim.state.users.values()], jobs: [...sim.state.jobs.values()], candidates: [...sim.state.candidates.values()], applications: [...sim.state.applications.values()] }),
  );

  app.post('/list_tests', async (c) => c.json(await sim.listTests()));
  app.post('/send_test', async (c) => {
    const b = await body(c);
    return c.json(
      await sim.sendTest({
        partner_test_id: b.partner_test_id as string,
        application_id: optNum(b.application_id, 'application_id'),
        candidate_id: optNum(b.candidate_id, 'candidate_id'),
        sent_by: b.sent_by as string | null | undefined,
      }),
    );
  });
  app.post('/test_status', async (c) => {
    const b = await body(c);
    let id = optNum(b.test_id, 'test_id');
    if (id === undefined && b.partner_interview_id !== undefined) id = [...sim.tests.values()].find((t) => t.partner_interview_id === String(b.partner_interview_id))?.id;
    if (id === undefined) throw new BadInput('test_id or a known partner_interview_id is required');
    return c.json(await sim.testStatus(id, 'control'));
  });
  app.get('/tests', (c) => c.json([...sim.tests.values()]));
  app.get('/list_tests_calls', (c) => c.json(sim.listTestsCalls));
  app.get('/send_tests', (c) => c.json(sim.sendTests));
  app.get('/test_status_answers', (c) => c.json(sim.testStatusAnswers));
  app.get('/response_errors', (c) => c.json(sim.responseErrors));
  app.get('/violations', (c) =>
    c.json([...sim.listTestsCalls, ...sim.sendTests, ...sim.testStatusAnswers].filter((o) => o.violations.length).map((o) => ({ api_call: o.api_call, at: o.at, violations: o.violations }))),
  );
  app.get('/patches', (c) => c.json(sim.patches));
  app.get('/notes', (c) => c.json(sim.state.notes));

  app.post('/applications/:id/stage', async (c) => {
    const b = await body(c);
    const stage = (b.stage ?? b.stage_id ?? b.stage_name) as number | string | undefined;
    if (stage === undefined) throw new BadInput('stage (id or name) is required');
    const r = sim.moveApplication(Number(c.req.param('id')), stage);
    return c.json({ application: r.application, delivery_id: r.delivery?.id ?? null });
  });
  app.post('/webhooks/fire', async (c) => {
    const b = await body(c);
    if (typeof b.action !== 'string') throw new BadInput('action is required');
    const d = sim.fireAction(b.action, {
      application_id: optNum(b.application_id, 'application_id'),
      candidate_id: optNum(b.candidate_id, 'candidate_id'),
      new_candidate_id: optNum(b.new_candidate_id, 'new_candidate_id'),
      job_id: optNum(b.job_id, 'job_id'),
      payload: b.payload,
    });
    return c.json({ delivery_id: d?.id ?? null, state: d?.state ?? null });
  });
  app.post('/webhooks/ping', async (c) => {
    const d = await sim.ping();
    if (!d) throw new BadInput('No webhook_url configured');
    return c.json({ status: d.attempts[0]?.status ?? null, webhook_enabled: sim.config.webhook_enabled });
  });
  app.get('/deliveries', (c) => {
    const action = c.req.query('action');
    return c.json(sim.sender.list().filter((d) => !action || d.event === action));
  });
  app.delete('/deliveries', (c) => {
    sim.sender.clear();
    return c.json({ ok: true });
  });
  app.post('/wait', async (c) => {
    const b = await body(c);
    await sim.idle(typeof b.timeout_ms === 'number' ? b.timeout_ms : 10_000);
    return c.json({ ok: true });
  });
  app.get('/requests', (c) => c.json(sim.log.entries({ method: c.req.query('method'), path: c.req.query('path') })));
  app.delete('/requests', (c) => {
    sim.log.clear();
    return c.json({ ok: true });
  });
  app.get('/rate-limit', (c) => c.json({ rejected_429: sim.rateLimited, rate_limit: sim.config.rate_limit }));
  app.post('/rate-limit/reset', (c) => {
    sim.resetRateLimit();
    return c.json({ ok: true });
  });
  app.get('/faults', (c) => c.json(sim.faults.list()));
  app.post('/faults', async (c) => {
    try {
      sim.faults.push(parseFaults(await c.req.json()));
    } catch (e) {
      throw new BadInput(e instanceof Error ? e.message : String(e));
    }
    return c.json(sim.faults.list());
  });
  app.delete('/faults', (c) => {
    sim.faults.clear();
    return c.json({ ok: true });
  });
  return app;
}
