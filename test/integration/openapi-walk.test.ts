// Issue 18, "the OpenAPI document and the server disagree": a property-based walk of /openapi.json against the
// real server over HTTP. For every operation, fast-check (fixed seed, bounded runs) builds valid and invalid
// requests from the document itself — path parameters, query, headers, bodies from their schemas; valid auth for
// the operation's scheme (widget session, invitation token, dashboard cookie), none, or garbage — and each answer
// must be one the document lists: a documented status, a body that matches that status's schema, an error code
// from that response's `x-error-codes`, Retry-After on 429, and never a 5xx the operation does not document.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inviteToken, mails, until } from '../helpers/candidate.ts';
import { arbitrary, check, garbage, type Root, type Schema } from '../helpers/json-schema.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

type Param = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema };
type Res = { content?: Record<string, { schema?: Schema }>; headers?: Record<string, unknown>; 'x-error-codes'?: string[] };
type Op = { parameters?: Param[]; requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> }; responses: Record<string, Res>; security?: Record<string, unknown>[] };
type Doc = Root & { paths: Record<string, Record<string, Op>> };

const SEED = 18_2026;
const RUNS_PER_OPERATION = 12;

let srv: RunningServer;
let doc: Doc;
const auth: Record<string, Record<string, string>> = {};
const known: { orderId?: string; packageId?: string } = {};

beforeAll(async () => {
  srv = await startServer();
  doc = await (await fetch(`${srv.url}/openapi.json`)).json();
  const recruiter = await sessionToken(srv.url, srv.demo);
  const admin = await sessionToken(srv.url, srv.demo, { claims: { role: 'admin', sub: 'admin-1' } });
  const w = api(srv.url, recruiter);
  known.packageId = (await w.get('/api/packages')).body.packages[0].id;
  const placed = await w.post('/api/orders', { package_id: known.packageId });
  expect(placed.status).toBe(201);
  known.orderId = placed.body.order.id;
  const mail = await until(() => mails(srv.dataDir).find((m) => inviteToken(m)), Boolean, 20_000, 'the invitation e-mail');
  // The provider's login (POST /login, a form) and the dashboard's own cookie it leads to.
  const login = await fetch(`${srv.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(srv.demo.user).toString() });
  expect(login.status).toBe(303);
  const session = /assay_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
  const page = await fetch(`${srv.url}/dashboard/candidates`, { headers: { cookie: `assay_session=${session}` } });
  const dash = /assay_dash=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
  auth.widget = { authorization: `Bearer ${recruiter}` };
  auth.lever = { authorization: `Bearer ${admin}` };
  auth.candidate = { authorization: `Bearer ${inviteToken(mail!)}` };
  auth.dashboard = { cookie: `assay_dash=${dash}`, 'sec-fetch-site': 'same-origin' };
  auth.provider = { cookie: `assay_session=${session}`, origin: new URL(srv.url).origin };
}, 120_000);
afterAll(async () => srv?.stop());

/** The credential a real caller of this operation holds, by its security scheme and where it lives. */
function validAuth(path: string, op: Op): Record<string, string> {
  if (op.security?.some((s) => 'dashboardCookie' in s)) return auth.dashboard!;
  if (op.security?.some((s) => 'bearerAuth' in s)) return path.startsWith('/api/candidate') ? auth.candidate! : path.startsWith('/api/lever') ? auth.lever! : auth.widget!;
  if (path.startsWith('/partner/kombo')) return auth.provider!;
  return {};
}

const headerText = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
const garbageAuth: fc.Arbitrary<Record<string, string>> = fc.oneof<fc.Arbitrary<Record<string, string>>[]>(
  headerText.map((t) => ({ authorization: t })),
  fc.constantFrom<Record<string, string>>({ authorization: 'Bearer ' + 'x'.repeat(40) }, { authorization: 'Basic Zm9vOg==' }, { cookie: 'assay_dash=' + 'A'.repeat(43) }, { cookie: 'assay_session=nope' }),
);

/** A value for one parameter: valid by its schema, a real id the server knows, or garbage. */
function paramValue(p: Param): fc.Arbitrary<string | undefined> {
  const valid = p.schema ? arbitrary(p.schema, doc).map((v) => String(v)) : fc.string();
  const real = /order|^id$/.test(p.name) && known.orderId ? [fc.constant(known.orderId)] : /package/.test(p.name) && known.packageId ? [fc.constant(known.packageId)] : [];
  const bad = p.in === 'header' ? headerText : garbage().map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const options: fc.Arbitrary<string | undefined>[] = [valid, valid, bad, ...real];
  if (!p.required) options.push(fc.constant(undefined));
  return fc.oneof(...options);
}

type Req = { auth: Record<string, string>; params: (string | undefined)[]; body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; type: string } };

function requests(path: string, op: Op): fc.Arbitrary<Req> {
  const params = op.parameters ?? [];
  const bodySchema = op.requestBody?.content['application/json']?.schema;
  const bodies: fc.Arbitrary<Req['body']>[] = [
    fc.constant({ kind: 'none' as const }),
    garbage().map((value) => ({ kind: 'json' as const, value })),
    fc.constantFrom({ kind: 'raw' as const, text: '{"broken', type: 'application/json' }, { kind: 'raw' as const, text: 'a=1', type: 'application/x-www-form-urlencoded' }),
  ];
  if (bodySchema) bodies.push(...[1, 2, 3].map(() => arbitrary(bodySchema, doc).map((value) => ({ kind: 'json' as const, value }))));
  return fc.record({
    auth: fc.oneof(fc.constant(validAuth(path, op)), fc.constant(validAuth(path, op)), fc.constant<Record<string, string>>({}), garbageAuth),
    params: fc.tuple(...params.map(paramValue)),
    body: fc.oneof(...bodies),
  });
}

async function send(method: string, template: string, op: Op, r: Req) {
  const params = op.parameters ?? [];
  let path = template;
  const query = new URLSearchParams();
  const headers: Record<string, string> = { ...r.auth };
  params.forEach((p, i) => {
    const v = r.params[i];
    if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(v ?? ''));
    else if (v !== undefined && p.in === 'query') query.set(p.name, v);
    else if (v !== undefined && p.in === 'header') headers[p.name] = v;
  });
  let body: string | undefined;
  if (r.body.kind === 'json') [body, headers['content-type']] = [JSON.stringify(r.body.value), 'application/json'];
  if (r.body.kind === 'raw') [body, headers['content-type']] = [r.body.text, r.body.type];
  if (method === 'get') body = undefined;
  const url = `${srv.url}${path}${query.size ? `?${query}` : ''}`;
  const res = await fetch(url, { method: method.toUpperCase(), headers, body, redirect: 'manual' });
  const text = await res.text();
  return { url, status: res.status, type: res.headers.get('content-type') ?? '', retryAfter: res.headers.get('retry-after'), text };
}

/** What about this answer the document does not say; empty when it agrees. */
function disagreements(op: Op, a: Awaited<ReturnType<typeof send>>): string[] {
  const documented = op.responses[String(a.status)];
  if (!documented) return [`status ${a.status} is not documented (documented: ${Object.keys(op.responses).join(', ')}): ${a.text.slice(0, 160)}`];
  const out: string[] = [];
  const json = documented.content?.['application/json'];
  if (json) {
    if (!/^application\/json/.test(a.type)) return [`${a.status} is documented as JSON but came as ${a.type}`];
    const body = JSON.parse(a.text);
    if (json.schema) out.push(...check(json.schema, body, doc).map((e) => `${a.status} body: ${e}`));
    const codes = documented['x-error-codes'];
    const code = typeof body?.error === 'object' ? body.error?.code : undefined;
    if (a.status >= 400 && typeof body?.error === 'object' && !codes?.includes(code)) out.push(`${a.status} code "${code}" is not in x-error-codes ${JSON.stringify(codes)}`);
  } else if (documented.content) {
    const types = Object.keys(documented.content);
    if (!types.some((t) => a.type.startsWith(t))) out.push(`${a.status} came as ${a.type}, documented ${types.join(', ')}`);
  }
  if (a.status === 429 && !(documented.headers && 'Retry-After' in documented.headers && Number(a.retryAfter) >= 1)) out.push('429 without a documented Retry-After');
  return out;
}

it('answers every generated request to every operation as /openapi.json documents it', async () => {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  expect(ops.length).toBeGreaterThan(35);
  const wrong = new Map<string, string>();
  const seen = new Map<string, Set<number>>();
  for (const { path, method, op } of ops) {
    const name = `${method.toUpperCase()} ${path}`;
    const statuses = new Set<number>();
    seen.set(name, statuses);
    await fc.assert(
      fc.asyncProperty(requests(path, op), async (r) => {
        const answer = await send(method, path, op, r);
        statuses.add(answer.status);
        const problems = disagreements(op, answer);
        for (const p of problems) if (!wrong.has(`${name}: ${p.replace(/"[^"]*"/g, '…')}`)) wrong.set(`${name}: ${p.replace(/"[^"]*"/g, '…')}`, `${p} — ${answer.url}`);
      }),
      { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
    );
  }
  expect([...wrong.values()]).toEqual([]);
  // The walk reached past the login on most operations (a 2xx or an error after authentication).
  const reachedPastAuth = [...seen.values()].filter((s) => [...s].some((x) => x !== 401 && x !== 404 && x !== 429)).length;
  expect(reachedPastAuth).toBeGreaterThan(ops.length / 2);
}, 120_000);

it('documents every error status of every operation with the one Error schema and the codes it can carry', () => {
  expect(doc.components?.schemas?.Error).toBeDefined();
  const missing: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      for (const [status, res] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const codes = res['x-error-codes'];
        if (!codes?.length && !(path.startsWith('/webhooks') && status === '422')) missing.push(`${method} ${path} ${status}: no error codes`);
        if (status === '429' && !res.headers?.['Retry-After']) missing.push(`${method} ${path} 429: no Retry-After`);
      }
    }
  }
  expect(missing).toEqual([]);
});
