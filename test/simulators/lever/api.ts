/**
 * Lever's REST API subset under /v1: Bearer (OAuth) auth, scopes, a token bucket per client,
 * `{ data, hasNext, next }` lists with opaque offsets, and `{ code, message }` errors.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import { parseBearer } from '../shared/signing.ts';
import { BadInput, leverError, NotFound, type LeverSim } from './sim.ts';
import { POSTING_STATES, type Feedback, type FeedbackTemplate, type Note, type Opportunity, type Posting, type TemplateField } from './state.ts';

type Env = { Variables: { clientId: string; scopes: string[] } };

/** write scopes imply read; `offline_access` grants nothing on the API. */
function requireScope(sim: LeverSim, resource: string, mode: 'read' | 'write'): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (!sim.config.enforce_scopes) return next();
    const scopes = c.get('scopes');
    const ok = scopes.includes(`${resource}:write:admin`) || (mode === 'read' && scopes.includes(`${resource}:read:admin`));
    // UNCONFIRMED: status and body Lever uses for a token that lacks a scope
    if (!ok) return leverError(c, 403, `This token lacks the scope ${resource}:${mode}:admin`);
    return next();
  };
}

function paginate<T>(c: Context, items: T[]) {
  const limitRaw = c.req.query('limit');
  const limit = limitRaw === undefined ? 100 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new BadInput('limit must be an integer from 1 to 100');
  let start = 0;
  const offset = c.req.query('offset');
  if (offset !== undefined) {
    const m = /^o:(\d+)$/.exec(Buffer.from(offset, 'base64url').toString('utf8'));
    if (!m) throw new BadInput('offset must be a token from a previous response');
    start = Number(m[1]);
  }
  const data = items.slice(start, start + limit);
  const hasNext = start + limit < items.length;
  return hasNext ? { data, hasNext, next: Buffer.from(`o:${start + limit}`).toString('base64url') } : { data, hasNext };
}

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const body = await c.req.json().catch(() => undefined);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadInput('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function isTagList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((t) => typeof t === 'string' && t.length > 0);
}

export function apiRoutes(sim: LeverSim): Hono<Env> {
  const app = new Hono<Env>();

  app.onError((err, c) => {
    if (err instanceof NotFound) return leverError(c, 404, err.message);
    if (err instanceof BadInput) return leverError(c, 400, err.message);
    return leverError(c, 500, err instanceof Error ? err.message : String(err));
  });
  app.notFound((c) => leverError(c, 404, `No route ${c.req.method} ${new URL(c.req.url).pathname}`));

  app.use('*', async (c, next) => {
    const check = sim.oauth.checkAccess(parseBearer(c.req.header('authorization')));
    if (!check.ok) {
      const why = { missing: 'Missing Bearer token', unknown: 'Invalid access token', expired: 'Access token expired', revoked: 'Access token revoked' }[check.reason];
      return leverError(c, 401, why);
    }
    // UNCONFIRMED: one bucket per OAuth client (Lever says per API key); no rate-limit/Retry-After headers, as none are documented
    // UNCONFIRMED: the 429 body's code string (Lever documents the status only)
    if (!sim.takeRateToken(check.clientId)) return leverError(c, 429, 'Rate limit exceeded. Back off and retry.');
    c.set('clientId', check.clientId);
    c.set('scopes', check.scope);
    return next();
  });

  const st = () => sim.state;
  const user = (id: string | undefined) => (id ? st().users.get(id) : undefined);
  /** perform_as must name an existing user when given. */
  const performAs = (c: Context, required: boolean): string | null => {
    const id = c.req.query('perform_as');
    if (!id) {
      if (required) throw new BadInput('perform_as is required for this request');
      return null;
    }
    // UNCONFIRMED: the error Lever gives for an unknown perform_as user
    if (!user(id)) throw new BadInput(`perform_as user ${id} not found`);
    return id;
  };
  const opportunity = (id: string): Opportunity => {
    const o = st().opportunities.get(id);
    if (!o) throw new NotFound(`Opportunity ${id} not found`);
    return o;
  };
  const renderOpportunity = (o: Opportunity, expand: string[]) => ({
    ...o,
    stage: expand.includes('stage') ? (st().stages.find((s) => s.id === o.stage) ?? o.stage) : o.stage,
    owner: expand.includes('owner') && o.owner ? (user(o.owner) ?? o.owner) : o.owner,
    applications: expand.includes('applications') ? o.applications.map((a) => st().applications.get(a)).filter(Boolean) : o.applications,
  });
  const expandOf = (c: Context) => (c.req.queries('expand') ?? []).flatMap((e) => e.split(','));

  // ---- stages, users, tags
  app.get('/stages', requireScope(sim, 'stages', 'read'), (c) => c.json(paginate(c, st().stages)));
  app.get('/stages/:id', requireScope(sim, 'stages', 'read'), (c) => {
    const s = st().stages.find((x) => x.id === c.req.param('id'));
    if (!s) throw new NotFound(`Stage ${c.req.param('id')} not found`);
    return c.json({ data: s });
  });
  app.get('/users', requireScope(sim, 'users', 'read'), (c) => {
    const email = c.req.query('email')?.toLowerCase();
    const users = [...st().users.values()].filter((u) => !email || u.email.toLowerCase() === email);
    return c.json(paginate(c, users));
  });
  app.get('/users/:id', requireScope(sim, 'users', 'read'), (c) => {
    const u = user(c.req.param('id'));
    if (!u) throw new NotFound(`User ${c.req.param('id')} not found`);
    return c.json({ data: u });
  });
  app.get('/tags', requireScope(sim, 'tags', 'read'), (c) => {
    const counts = new Map<string, number>();
    for (const o of st().opportunities.values()) for (const t of o.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    return c.json(paginate(c, [...counts].map(([text, count]) => ({ text, count }))));
  });

  // ---- postings
  app.get('/postings', requireScope(sim, 'postings', 'read'), (c) => {
    const states = c.req.queries('state') ?? [];
    return c.json(paginate(c, [...st().postings.values()].filter((p) => states.length === 0 || states.includes(p.state))));
  });
  app.get('/postings/:id', requireScope(sim, 'postings', 'read'), (c) => {
    const p = st().postings.get(c.req.param('id'));
    if (!p) throw new NotFound(`Posting ${c.req.param('id')} not found`);
    return c.json({ data: p });
  });
  // partial update: only the attributes sent change; `tags` REPLACES the whole array
  app.post('/postings/:id', requireScope(sim, 'postings', 'write'), async (c) => {
    const p = st().postings.get(c.req.param('id'));
    if (!p) throw new NotFound(`Posting ${c.req.param('id')} not found`);
    performAs(c, true);
    const body = await jsonBody(c);
    const readOnly = new Set(['id', 'createdAt', 'updatedAt', 'urls', 'followers', 'user', 'content', 'country', 'reqCode', 'requisitionCodes', 'confidentiality']);
    const next: Partial<Posting> = {};
    for (const [k, v] of Object.entries(body)) {
      if (readOnly.has(k)) continue;
      if (k === 'tags') {
        if (!isTagList(v)) throw new BadInput('tags must be an array of non-empty strings');
        next.tags = [...v];
      } else if (k === 'text') {
        if (typeof v !== 'string' || !v) throw new BadInput('text must be a non-empty string');
        next.text = v;
      } else if (k === 'state') {
        if (!POSTING_STATES.includes(v as never)) throw new BadInput(`state must be one of ${POSTING_STATES.join(', ')}`);
        next.state = v as Posting['state'];
      } else if (k === 'owner' || k === 'hiringManager') {
        if (typeof v !== 'string' || !user(v)) throw new BadInput(`${k} must be a user id`);
        next[k] = v;
      } else if (k === 'distributionChannels') {
        if (!isTagList(v)) throw new BadInput('distributionChannels must be an array of strings');
        next.distributionChannels = v;
      } else if (k === 'categories') {
        if (!v || typeof v !== 'object') throw new BadInput('categories must be an object');
        next.categories = { ...p.categories, ...(v as object) };
      } else if (k === 'workplaceType') {
        if (!['onsite', 'remote', 'hybrid', 'unspecified'].includes(v as string)) throw new BadInput('workplaceType must be onsite, remote, hybrid or unspecified');
        next.workplaceType = v as Posting['workplaceType'];
      } else {
        // UNCONFIRMED: Lever's answer to an unknown attribute in a posting update
        throw new BadInput(`Unknown posting attribute ${k}`);
      }
    }
    Object.assign(p, next, { updatedAt: Date.now() });
    return c.json({ data: p });
  });

  // ---- opportunities
  app.get('/opportunities', requireScope(sim, 'opportunities', 'read'), (c) => {
    const email = c.req.query('email')?.toLowerCase();
    const tag = c.req.query('tag');
    const posting = c.req.query('posting_id');
    const stage = c.req.query('stage_id');
    const list = [...st().opportunities.values()].filter(
      (o) =>
        (!email || o.emails.some((e) => e.toLowerCase() === email)) &&
        (!tag || o.tags.includes(tag)) &&
        (!stage || o.stage === stage) &&
        (!posting || o.applications.some((a) => st().applications.get(a)?.posting === posting)),
    );
    const expand = expandOf(c);
    return c.json(paginate(c, list.map((o) => renderOpportunity(o, expand))));
  });
  app.get('/opportunities/:id', requireScope(sim, 'opportunities', 'read'), (c) => c.json({ data: renderOpportunity(opportunity(c.req.param('id')), expandOf(c)) }));
  app.put('/opportunities/:id/stage', requireScope(sim, 'opportunities', 'write'), async (c) => {
    const o = opportunity(c.req.param('id'));
    const by = performAs(c, false);
    const body = await jsonBody(c);
    if (typeof body.stage !== 'string') throw new BadInput('stage (a stage id) is required');
    if (!st().stages.some((s) => s.id === body.stage)) throw new BadInput(`Stage ${body.stage} not found`);
    // UNCONFIRMED: a stage change made through the API fires candidateStageChange like one made in the UI
    sim.moveToStage(o.id, body.stage, by);
    return c.json({ data: renderOpportunity(o, []) });
  });
  for (const op of ['addTags', 'removeTags'] as const) {
    app.post(`/opportunities/:id/${op}`, requireScope(sim, 'opportunities', 'write'), async (c) => {
      const o = opportunity(c.req.param('id'));
      performAs(c, false);
      const body = await jsonBody(c);
      if (!isTagList(body.tags)) throw new BadInput('tags must be an array of non-empty strings');
      const tags = body.tags;
      o.tags = op === 'addTags' ? [...new Set([...o.tags, ...tags])] : o.tags.filter((t) => !tags.includes(t));
      o.updatedAt = Date.now();
      return c.json({ data: renderOpportunity(o, []) });
    });
  }

  // ---- notes
  app.get('/opportunities/:id/notes', requireScope(sim, 'notes', 'read'), (c) => {
    const o = opportunity(c.req.param('id'));
    const notes = st().notes.filter((n) => n.opportunityId === o.id);
    return c.json(paginate(c, notes.map((n) => ({ id: n.id, text: n.value, fields: [{ type: 'note', text: 'note', value: n.value }], user: n.user, secret: n.secret, score: n.score, completedAt: n.createdAt, createdAt: n.createdAt, deletedAt: null }))));
  });
  app.post('/opportunities/:id/notes', requireScope(sim, 'notes', 'write'), async (c) => {
    const o = opportunity(c.req.param('id'));
    const by = performAs(c, false);
    const parent = c.req.query('note_id');
    if (parent && !st().notes.some((n) => n.id === parent && n.opportunityId === o.id)) throw new NotFound(`Note ${parent} not found`);
    const b = await jsonBody(c);
    if (typeof b.value !== 'string' || b.value.trim() === '') throw new BadInput('value is required and must be a non-empty string');
    if (b.secret !== undefined && typeof b.secret !== 'boolean') throw new BadInput('secret must be a boolean');
    if (b.notifyFollowers !== undefined && typeof b.notifyFollowers !== 'boolean') throw new BadInput('notifyFollowers must be a boolean');
    if (b.score !== undefined && b.score !== null && !(Number.isInteger(b.score) && (b.score as number) >= 1 && (b.score as number) <= 4)) throw new BadInput('score must be an integer from 1 to 4');
    if (b.createdAt !== undefined && (typeof b.createdAt !== 'number' || b.createdAt > Date.now() + 60_000)) throw new BadInput('createdAt must be a timestamp in milliseconds, not in the future');
    const note: Note = {
      id: randomUUID(), opportunityId: o.id, value: b.value, secret: (b.secret as boolean | undefined) ?? false, score: (b.score as number | undefined) ?? null,
      notifyFollowers: (b.notifyFollowers as boolean | undefined) ?? false, user: by, parentNoteId: parent ?? null, createdAt: (b.createdAt as number | undefined) ?? Date.now(),
    };
    st().notes.push(note);
    return c.json({ data: { noteId: note.id } }, 201);
  });

  // ---- feedback templates and feedback
  app.get('/feedback_templates', requireScope(sim, 'feedback_templates', 'read'), (c) => c.json(paginate(c, [...st().templates.values()])));
  app.get('/feedback_templates/:id', requireScope(sim, 'feedback_templates', 'read'), (c) => {
    const t = st().templates.get(c.req.param('id'));
    if (!t) throw new NotFound(`Feedback template ${c.req.param('id')} not found`);
    return c.json({ data: t });
  });
  app.get('/opportunities/:id/feedback', requireScope(sim, 'feedback', 'read'), (c) => {
    const o = opportunity(c.req.param('id'));
    return c.json(paginate(c, st().feedback.filter((f) => f.opportunityId === o.id).map(renderFeedback)));
  });
  app.post('/opportunities/:id/feedback', requireScope(sim, 'feedback', 'write'), async (c) => {
    const o = opportunity(c.req.param('id'));
    const by = performAs(c, true)!;
    const b = await jsonBody(c);
    if (typeof b.baseTemplateId !== 'string') throw new BadInput('baseTemplateId is required');
    const template = st().templates.get(b.baseTemplateId);
    if (!template) throw new BadInput(`Feedback template ${b.baseTemplateId} not found`);
    if ((b.panel === undefined) !== (b.interview === undefined)) throw new BadInput('panel and interview must be supplied together or not at all');
    const values = checkFieldValues(template, b.fieldValues, true);
    for (const k of ['createdAt', 'completedAt'] as const) if (b[k] !== undefined && typeof b[k] !== 'number') throw new BadInput(`${k} must be a timestamp in milliseconds`);
    const now = Date.now();
    const fb: Feedback = {
      id: randomUUID(), opportunityId: o.id, type: 'interview', text: template.text, instructions: template.instructions, baseTemplateId: template.id,
      user: by, panel: (b.panel as string | undefined) ?? null, interview: (b.interview as string | undefined) ?? null,
      fields: template.fields.map((f) => ({ ...f, value: values.get(f.id) ?? null })), fieldValues: [...values].map(([id, value]) => ({ id, value })),
      createdAt: (b.createdAt as number | undefined) ?? now, completedAt: (b.completedAt as number | undefined) ?? now, updatedAt: now, deletedAt: null,
    };
    st().feedback.push(fb);
    // UNCONFIRMED: the docs example answers the bare feedback object (no `data` wrapper); status 201 is our guess
    return c.json(renderFeedback(fb), 201);
  });
  app.put('/opportunities/:id/feedback/:fid', requireScope(sim, 'feedback', 'write'), async (c) => {
    const o = opportunity(c.req.param('id'));
    performAs(c, true);
    const fb = st().feedback.find((f) => f.id === c.req.param('fid') && f.opportunityId === o.id);
    if (!fb) throw new NotFound(`Feedback ${c.req.param('fid')} not found`);
    const b = await jsonBody(c);
    const template = st().templates.get(fb.baseTemplateId)!;
    if (b.fieldValues !== undefined) {
      const values = checkFieldValues(template, b.fieldValues, false);
      for (const [id, value] of values) {
        const fv = fb.fieldValues.find((x) => x.id === id);
        if (fv) fv.value = value;
        else fb.fieldValues.push({ id, value });
        const f = fb.fields.find((x) => x.id === id);
        if (f) f.value = value;
      }
    }
    if (b.completedAt !== undefined) {
      if (typeof b.completedAt !== 'number') throw new BadInput('completedAt must be a timestamp in milliseconds');
      fb.completedAt = b.completedAt;
    }
    fb.updatedAt = Date.now();
    return c.json({ data: renderFeedback(fb) });
  });

  return app;
}

function renderFeedback(f: Feedback) {
  const { opportunityId: _o, fieldValues: _v, ...rest } = f;
  return rest;
}

/** Validates fieldValues against the template; `full` also demands every required field. */
export function checkFieldValues(template: FeedbackTemplate, raw: unknown, full: boolean): Map<string, unknown> {
  if (!Array.isArray(raw)) throw new BadInput('fieldValues must be an array of { id, value }');
  const values = new Map<string, unknown>();
  for (const [i, fv] of raw.entries()) {
    if (!fv || typeof fv !== 'object' || typeof (fv as { id?: unknown }).id !== 'string') throw new BadInput(`fieldValues[${i}].id is required`);
    const { id, value } = fv as { id: string; value: unknown };
    const field = template.fields.find((f) => f.id === id);
    if (!field) throw new BadInput(`fieldValues[${i}].id ${id} is not a field of template ${template.id}`);
    if (values.has(id)) throw new BadInput(`fieldValues[${i}].id ${id} appears twice`);
    checkValue(field, value, i);
    values.set(id, value);
  }
  if (full) {
    for (const f of template.fields) {
      const v = values.get(f.id);
      if (f.required && (v === undefined || v === null || v === '')) throw new BadInput(`Field "${f.text}" (${f.id}) is required`);
    }
  }
  return values;
}

function checkValue(field: TemplateField, value: unknown, i: number): void {
  if (value === null || value === undefined) return;
  const options = (field.options ?? []).map((o) => o.text);
  const bad = (what: string) => new BadInput(`fieldValues[${i}] (${field.text}): ${what}`);
  switch (field.type) {
    case 'score':
    case 'score-system':
    case 'dropdown':
    case 'multiple-choice':
      // the rating's value is the exact option text, e.g. "3 - Hire"
      if (typeof value !== 'string' || (options.length > 0 && !options.includes(value))) throw bad(`value must be one of ${JSON.stringify(options)}`);
      return;
    case 'multiple-select':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && options.includes(v))) throw bad(`value must be an array of ${JSON.stringify(options)}`);
      return;
    case 'yes-no':
      if (value !== 'yes' && value !== 'no') throw bad('value must be "yes" or "no"');
      return;
    case 'text':
    case 'textarea':
    case 'url':
      if (typeof value !== 'string') throw bad('value must be a string');
      return;
    case 'date':
    case 'number':
      if (typeof value !== 'number') throw bad('value must be a number');
      return;
    case 'scorecard':
      if (!Array.isArray(value) || !value.every((s) => s && typeof s === 'object' && Number.isInteger((s as { score?: unknown }).score) && (s as { score: number }).score >= 1 && (s as { score: number }).score <= 4)) {
        throw bad('value must be an array of { score: 1..4, comment }');
      }
      return;
    default:
      return;
  }
}
