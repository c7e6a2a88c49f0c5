/** The Lever simulator's control API under /_sim (JSON in, JSON out). */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { parseFaults } from '../shared/faults.ts';
import { decideAuthorization } from './oauth.ts';
import { BadInput, NotFound, type LeverConfig, type LeverSim } from './sim.ts';
import { SeedError, type LeverSeed } from './state.ts';

export const ALL_SCOPES = [
  'offline_access', 'opportunities:write:admin', 'notes:write:admin', 'stages:read:admin', 'tags:read:admin', 'webhooks:write:admin',
  'feedback:write:admin', 'feedback_templates:write:admin', 'postings:write:admin', 'users:read:admin',
].join(' ');

const isStrMap = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/** Checks a config patch; throws BadInput naming the first bad key. */
export function parseConfigPatch(input: unknown): Partial<LeverConfig> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new BadInput('config must be a JSON object');
  const x = input as Record<string, unknown>;
  const out: Partial<LeverConfig> = {};
  const strOrNull = (k: 'webhook_url' | 'signature_token') => {
    if (!(k in x)) return;
    if (x[k] !== null && typeof x[k] !== 'string') throw new BadInput(`${k} must be a string or null`);
    out[k] = (x[k] as string | null) || null;
  };
  strOrNull('webhook_url');
  strOrNull('signature_token');
  for (const k of ['webhook_urls', 'signature_tokens'] as const) {
    if (k in x) {
      if (!isStrMap(x[k])) throw new BadInput(`${k} must map event names to strings`);
      out[k] = { ...(x[k] as Record<string, string>) };
    }
  }
  if ('authorize_mode' in x) {
    if (!['approve', 'deny', 'manual'].includes(x.authorize_mode as string)) throw new BadInput('authorize_mode must be approve, deny or manual');
    out.authorize_mode = x.authorize_mode as LeverConfig['authorize_mode'];
  }
  for (const k of ['access_token_ttl_seconds', 'refresh_token_idle_seconds', 'webhook_timeout_ms'] as const) {
    if (k in x) {
      if (typeof x[k] !== 'number' || !((x[k] as number) > 0)) throw new BadInput(`${k} must be a positive number`);
      out[k] = x[k] as number;
    }
  }
  if ('rate_limit' in x) {
    const r = x.rate_limit as { rate_per_second?: unknown; burst?: unknown } | null;
    if (r !== null && (typeof r !== 'object' || typeof r.rate_per_second !== 'number' || typeof r.burst !== 'number' || r.rate_per_second <= 0 || r.burst < 1)) {
      throw new BadInput('rate_limit must be null or { rate_per_second > 0, burst >= 1 }');
    }
    out.rate_limit = r === null ? null : { rate_per_second: r.rate_per_second as number, burst: r.burst as number };
  }
  if ('retry_delays_ms' in x) {
    const d = x.retry_delays_ms;
    if (!Array.isArray(d) || !d.every((n) => typeof n === 'number' && n >= 0)) throw new BadInput('retry_delays_ms must be an array of non-negative numbers');
    out.retry_delays_ms = d as number[];
  }
  if ('enforce_scopes' in x) {
    if (typeof x.enforce_scopes !== 'boolean') throw new BadInput('enforce_scopes must be a boolean');
    out.enforce_scopes = x.enforce_scopes;
  }
  if ('redirect_uris' in x) {
    if (!Array.isArray(x.redirect_uris) || !x.redirect_uris.every((u) => typeof u === 'string')) throw new BadInput('redirect_uris must be an array of strings');
    out.redirect_uris = x.redirect_uris as string[];
  }
  return out;
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

export function controlRoutes(sim: LeverSim, info: () => { base_url: string; auth_url: string; credentials: Record<string, string> }): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof NotFound) return c.json({ error: err.message }, 404);
    if (err instanceof BadInput || err instanceof SeedError) return c.json({ error: err.message }, 400);
    return c.json({ error: err instanceof Error ? err.message : String(err) }, 500);
  });

  app.get('/', (c) => c.json({ provider: 'lever', ...info(), docs: 'test/simulators/lever/README.md' }));
  app.get('/config', (c) => c.json(sim.config));
  app.post('/config', async (c) => c.json(sim.updateConfig(parseConfigPatch(await body(c)))));

  app.post('/reset', async (c) => {
    const b = await body(c);
    sim.reset(b.defaults !== false);
    return c.json({ ok: true });
  });
  app.post('/seed', async (c) => c.json(sim.seed((await body(c)) as LeverSeed)));
  app.get('/state', (c) =>
    c.json({
      stages: sim.state.stages,
      users: [...sim.state.users.values()],
      postings: [...sim.state.postings.values()],
      opportunities: [...sim.state.opportunities.values()],
      applications: [...sim.state.applications.values()],
      feedback_templates: [...sim.state.templates.values()],
    }),
  );
  app.get('/opportunities/:id', (c) => {
    const o = sim.state.opportunities.get(c.req.param('id'));
    if (!o) throw new NotFound(`Opportunity ${c.req.param('id')} not found`);
    return c.json(o);
  });
  app.post('/opportunities/:id/stage', async (c) => {
    const b = await body(c);
    const stage = (b.stage ?? b.stage_id ?? b.stage_name) as unknown;
    if (typeof stage !== 'string') throw new BadInput('stage (id or name) is required');
    const r = sim.moveToStage(c.req.param('id'), stage, null);
    return c.json({ opportunity: r.opportunity, delivery_id: r.delivery?.id ?? null });
  });
  app.post('/opportunities/:id/hire', (c) => {
    const r = sim.hire(c.req.param('id'));
    return c.json({ opportunity: r.opportunity, delivery_id: r.delivery?.id ?? null });
  });
  app.get('/notes', (c) => {
    const id = c.req.query('opportunity_id');
    return c.json(sim.state.notes.filter((n) => !id || n.opportunityId === id));
  });
  app.get('/feedback', (c) => {
    const id = c.req.query('opportunity_id');
    return c.json(sim.state.feedback.filter((f) => !id || f.opportunityId === id));
  });
  app.get('/postings/:id', (c) => {
    const p = sim.state.postings.get(c.req.param('id'));
    if (!p) throw new NotFound(`Posting ${c.req.param('id')} not found`);
    return c.json(p);
  });
  app.get('/postings/:id/tags', (c) => {
    const p = sim.state.postings.get(c.req.param('id'));
    if (!p) throw new NotFound(`Posting ${c.req.param('id')} not found`);
    return c.json({ tags: p.tags });
  });

  app.get('/deliveries', (c) => {
    const event = c.req.query('event');
    return c.json(sim.sender.list().filter((d) => !event || d.event === event));
  });
  app.delete('/deliveries', (c) => {
    sim.sender.clear();
    return c.json({ ok: true });
  });
  app.post('/deliveries/wait', async (c) => {
    const b = await body(c);
    await sim.sender.idle(typeof b.timeout_ms === 'number' ? b.timeout_ms : 10_000);
    return c.json(sim.sender.list());
  });
  // Lever's settings "test" button: candidateHired with empty data
  app.post('/webhooks/test', (c) => {
    const d = sim.fire('candidateHired', {});
    if (!d) throw new BadInput('No webhook_url configured');
    return c.json({ delivery_id: d.id });
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

  app.post('/oauth/revoke', async (c) => {
    const b = await body(c);
    const clientId = typeof b.client_id === 'string' ? b.client_id : sim.opts.clientId;
    return c.json({ client_id: clientId, revoked: sim.oauth.revokeClient(clientId) });
  });
  app.post('/oauth/expire', async (c) => {
    const b = await body(c);
    return c.json({ expired: sim.oauth.expireAccess(typeof b.client_id === 'string' ? b.client_id : undefined) });
  });
  app.post('/oauth/tokens', async (c) => {
    const b = await body(c);
    const scope = typeof b.scope === 'string' ? b.scope : ALL_SCOPES;
    return c.json(sim.oauth.issue(sim.opts.clientId, scope, `${sim.origin}/v1/`));
  });
  app.get('/oauth/pending', (c) => c.json([...sim.oauth.pending.values()]));
  app.post('/oauth/pending/:id', async (c) => {
    const b = await body(c);
    const r = decideAuthorization(sim.oauth, c.req.param('id'), b.approve !== false);
    if (!r) throw new NotFound(`No pending authorization ${c.req.param('id')}`);
    return c.json(r);
  });
  app.get('/oauth/stats', (c) => c.json(sim.oauth.stats()));

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
