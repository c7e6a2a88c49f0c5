/**
 * Harvest v1 subset: Basic auth (key as user, blank password), a request window per key answering
 * 429 + Retry-After, RFC-5988 `Link` pagination (per_page, page), and `{ message }` errors.
 * Also the take-home-test PATCH endpoint the partner calls on the `url` from send_test.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { parseBasicAuth } from '../shared/signing.ts';
import { BadInput, NotFound, type GreenhouseSim } from './sim.ts';
import { findStage, harvestApplication, harvestCandidate, harvestJob, harvestStage, harvestUser } from './state.ts';

class Invalid extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

function paginate<T>(c: Context, items: T[]): T[] {
  const q = c.req.query();
  const perPage = q.per_page === undefined ? 100 : Number(q.per_page);
  const page = q.page === undefined ? 1 : Number(q.page);
  // UNCONFIRMED: Greenhouse's answer to an out-of-range per_page (we refuse with 422)
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 500) throw new Invalid('per_page', 'per_page must be an integer from 1 to 500');
  if (!Number.isInteger(page) || page < 1) throw new Invalid('page', 'page must be a positive integer');
  const last = Math.max(1, Math.ceil(items.length / perPage));
  if (last > 1 || page > 1) {
    const link = (p: number, rel: string) => {
      const u = new URL(c.req.url);
      u.searchParams.set('page', String(p));
      u.searchParams.set('per_page', String(perPage));
      return `<${u.toString()}>; rel="${rel}"`;
    };
    const parts: string[] = [];
    if (page < last) parts.push(link(page + 1, 'next'));
    if (page > 1) parts.push(link(Math.min(page - 1, last), 'prev'));
    if (q.skip_count !== 'true') parts.push(link(last, 'last'));
    if (parts.length) c.header('Link', parts.join(','));
  }
  return items.slice((page - 1) * perPage, page * perPage);
}

export function harvestRoutes(sim: GreenhouseSim): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof Invalid) return c.json({ message: 'Validation error', errors: [{ message: err.message, field: err.field }] }, 422);
    if (err instanceof NotFound) return c.json({ message: err.message }, 404);
    if (err instanceof BadInput) return c.json({ message: 'Validation error', errors: [{ message: err.message, field: 'body' }] }, 422);
    return c.json({ message: err instanceof Error ? err.message : String(err) }, 500);
  });

  app.use('*', async (c, next) => {
    const auth = parseBasicAuth(c.req.header('authorization'));
    // UNCONFIRMED: the exact 401 message
    if (!auth || auth.user !== sim.config.harvest_api_key) return c.json({ message: 'Invalid Basic Auth credentials' }, 401);
    const rl = sim.rateWindow(auth.user);
    for (const [k, v] of Object.entries(rl.headers)) c.header(k, v);
    // UNCONFIRMED: 429 body text
    if (!rl.ok) return c.json({ message: 'Rate limit exceeded' }, 429);
    return next();
  });

  const st = () => sim.state;
  const num = (c: Context, name: string) => {
    const v = Number(c.req.param(name));
    if (!Number.isInteger(v)) throw new NotFound(`Resource not found`);
    return v;
  };
  const onBehalfOf = (c: Context) => {
    const v = c.req.header('on-behalf-of');
    // UNCONFIRMED: how Greenhouse refuses a write without On-Behalf-Of
    if (!v || !st().users.has(Number(v))) throw new Invalid('On-Behalf-Of', 'On-Behalf-Of must be the id of a Greenhouse user');
    return Number(v);
  };

  app.get('/users', (c) => {
    const email = c.req.query('email')?.toLowerCase();
    return c.json(paginate(c, [...st().users.values()].filter((u) => !email || u.email.toLowerCase() === email).map(harvestUser)));
  });
  app.get('/users/:id', (c) => {
    const u = st().users.get(num(c, 'id'));
    if (!u) throw new NotFound('Resource not found');
    return c.json(harvestUser(u));
  });
  app.get('/jobs', (c) => {
    const status = c.req.query('status');
    return c.json(paginate(c, [...st().jobs.values()].filter((j) => !status || j.status === status).map(harvestJob)));
  });
  app.get('/jobs/:id', (c) => {
    const j = st().jobs.get(num(c, 'id'));
    if (!j) throw new NotFound('Resource not found');
    return c.json(harvestJob(j));
  });
  app.get('/jobs/:id/stages', (c) => {
    const j = st().jobs.get(num(c, 'id'));
    if (!j) throw new NotFound('Resource not found');
    return c.json(paginate(c, j.stages.map((s) => harvestStage(j, s))));
  });
  app.get('/job_stages/:id', (c) => {
    const id = num(c, 'id');
    for (const j of st().jobs.values()) {
      const s = j.stages.find((x) => x.id === id);
      if (s) return c.json(harvestStage(j, s));
    }
    throw new NotFound('Resource not found');
  });
  app.get('/applications', (c) => {
    const jobId = c.req.query('job_id');
    const status = c.req.query('status');
    const list = [...st().applications.values()].filter((a) => (!jobId || a.job_id === Number(jobId)) && (!status || a.status === status));
    return c.json(paginate(c, list.map((a) => harvestApplication(st(), a))));
  });
  app.get('/applications/:id', (c) => {
    const a = st().applications.get(num(c, 'id'));
    if (!a) throw new NotFound('Resource not found');
    return c.json(harvestApplication(st(), a));
  });
  app.get('/candidates', (c) => {
    const email = c.req.query('email')?.toLowerCase();
    const jobId = c.req.query('job_id');
    const ids = c.req.query('candidate_ids')?.split(',').map(Number);
    const list = [...st().candidates.values()].filter(
      (x) =>
        (!email || x.emails.some((e) => e.value.toLowerCase() === email)) &&
        (!ids || ids.includes(x.id)) &&
        (!jobId || [...st().applications.values()].some((a) => a.candidate_id === x.id && a.job_id === Number(jobId))),
    );
    return c.json(paginate(c, list.map((x) => harvestCandidate(st(), x))));
  });
  app.get('/candidates/:id', (c) => {
    const x = st().candidates.get(num(c, 'id'));
    if (!x) throw new NotFound('Resource not found');
    return c.json(harvestCandidate(st(), x));
  });

  app.post('/candidates/:id/activity_feed/notes', async (c) => {
    const cand = st().candidates.get(num(c, 'id'));
    if (!cand) throw new NotFound('Resource not found');
    const by = onBehalfOf(c);
    const b = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    if (!b || typeof b !== 'object') throw new Invalid('body', 'The body must be a JSON object');
    if (!Number.isInteger(b.user_id) || !st().users.has(b.user_id as number)) throw new Invalid('user_id', 'user_id must be the id of a Greenhouse user');
    if (typeof b.body !== 'string' || !b.body) throw new Invalid('body', 'body is required');
    if (!['admin_only', 'private', 'public'].includes(b.visibility as string)) throw new Invalid('visibility', 'visibility must be admin_only, private or public');
    const note = { id: 1_000_000 + st().notes.length, candidate_id: cand.id, user_id: b.user_id as number, body: b.body, visibility: b.visibility as string, on_behalf_of: String(by), created_at: new Date().toISOString() };
    st().notes.push(note);
    const u = st().users.get(note.user_id)!;
    // the misspelled `visiblity` key is what Greenhouse answers (kept alongside the right one)
    return c.json({ id: note.id, created_at: note.created_at, body: note.body, user: { id: u.id, first_name: u.first_name, last_name: u.last_name, name: `${u.first_name} ${u.last_name}`, employee_id: u.employee_id }, private: note.visibility !== 'public', visiblity: note.visibility, visibility: note.visibility }, 201);
  });

  app.post('/applications/:id/move', async (c) => {
    const a = st().applications.get(num(c, 'id'));
    if (!a) throw new NotFound('Resource not found');
    onBehalfOf(c);
    const b = ((await c.req.json().catch(() => null)) ?? {}) as { from_stage_id?: unknown; to_stage_id?: unknown };
    if (a.status !== 'active') throw new Invalid('application', 'Only active applications can be moved');
    if (b.from_stage_id !== a.stage_id) throw new Invalid('from_stage_id', 'from_stage_id is not the current stage of this application');
    const job = st().jobs.get(a.job_id)!;
    if (typeof b.to_stage_id !== 'number' || !findStage(job, b.to_stage_id)) throw new Invalid('to_stage_id', 'to_stage_id must be a stage of the same job');
    sim.moveApplication(a.id, b.to_stage_id);
    return c.json(harvestApplication(st(), a));
  });
  app.post('/applications/:id/advance', async (c) => {
    const a = st().applications.get(num(c, 'id'));
    if (!a) throw new NotFound('Resource not found');
    onBehalfOf(c);
    const b = ((await c.req.json().catch(() => null)) ?? {}) as { from_stage_id?: unknown };
    if (a.status !== 'active') throw new Invalid('application', 'Only active applications can be advanced');
    if (b.from_stage_id !== a.stage_id) throw new Invalid('from_stage_id', 'from_stage_id is not the current stage of this application');
    const job = st().jobs.get(a.job_id)!;
    const i = job.stages.findIndex((s) => s.id === a.stage_id);
    const next = job.stages[i + 1];
    if (!next) throw new Invalid('from_stage_id', 'The application is in the last stage');
    sim.moveApplication(a.id, next.id);
    return c.json(harvestApplication(st(), a));
  });
  return app;
}

/** PATCH {url from send_test}: no body; Greenhouse answers a bare status, then GETs test_status. */
export function takeHomeTestRoutes(sim: GreenhouseSim): Hono {
  const app = new Hono();
  app.patch('/:id', (c) => {
    const id = c.req.param('id');
    const at = new Date().toISOString();
    const auth = parseBasicAuth(c.req.header('authorization'));
    // UNCONFIRMED: the PATCH is authenticated with the same customer key (the docs example carries it)
    const authorized = !!auth && auth.user === sim.config.partner_api_key;
    const record = (status: number, reason?: string) => {
      sim.patches.push({ test_id: id, at, status, authorized, ...(reason ? { reason } : {}) });
      return c.body(null, status as 200);
    };
    if (!authorized) return record(401, 'bad or missing Basic auth');
    const test = sim.tests.get(Number(id));
    if (!test) return record(404, 'unknown take-home test');
    const a = sim.state.applications.get(test.application_id);
    // UNCONFIRMED: the status Greenhouse gives when the candidate is hired or not active (only "active, unhired" may be updated)
    if (!a || a.status !== 'active') return record(422, 'candidate is not active or already hired');
    const res = record(200);
    sim.track(sim.testStatus(test.id, 'patch').catch(() => undefined));
    return res;
  });
  return app;
}
