// Issue 18, "the OpenAPI document and the server disagree": one test per finding of the API fuzzer, over HTTP
// against the real server (405 is test/reliability/methods.test.ts; the full walk test/integration/openapi-walk).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { check, type Root, type Schema } from '../helpers/json-schema.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, mintContext, sessionToken } from '../helpers/tokens.ts';

type Res = { content?: Record<string, { schema?: Schema }>; headers?: Record<string, unknown>; 'x-error-codes'?: string[] };
type Op = { parameters?: { name: string; in: string; schema?: Schema }[]; responses: Record<string, Res> };
type Doc = Root & { paths: Record<string, Record<string, Op>> };

const SESSION_LIMIT = 3;
let srv: RunningServer;
let doc: Doc;
let w: ReturnType<typeof api>;
let orderId: string;
let token: string;

beforeAll(async () => {
  srv = await startServer({ env: { ASSAY_SESSION_RATE_PER_MIN: String(SESSION_LIMIT + 1) } });
  doc = await (await fetch(`${srv.url}/openapi.json`)).json();
  token = await sessionToken(srv.url, srv.demo); // one of the session limit
  w = api(srv.url, token);
  const pkg = (await w.get('/api/packages')).body.packages[0].id;
  orderId = (await w.post('/api/orders', { package_id: pkg })).body.order.id;
}, 120_000);
afterAll(async () => srv?.stop());

/** The answer must be one the document lists for this operation: status, body schema and error code. */
function expectDocumented(op: Op, status: number, body: { error?: { code?: string } }) {
  const res = op.responses[String(status)];
  expect(res, `status ${status} documented`).toBeDefined();
  expect(check(res!.content!['application/json']!.schema!, body, doc)).toEqual([]);
  expect(res!['x-error-codes']).toContain(body.error?.code);
}

it('a 400 is documented as the one Error schema the server sends, with its codes (not { success, error[], data })', async () => {
  const op = doc.paths['/api/orders/{id}']!.get!;
  const res = await w.get('/api/orders/not-an-order');
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: { code: 'invalid_param', message: expect.any(String) } });
  expectDocumented(op, 400, res.body);
  expect(JSON.stringify(op.responses['400'])).not.toMatch(/"success"/);
});

it('an exhausted limit answers 429 with Retry-After, documented on that operation; an invalid id is still a 400', async () => {
  const op = doc.paths['/api/orders/{id}/resend']!.post!;
  let last = await w.post(`/api/orders/${orderId}/resend`);
  for (let i = 0; i < 20 && last.status !== 429; i++) last = await w.post(`/api/orders/${orderId}/resend`);
  expect(last.status).toBe(429);
  expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expectDocumented(op, 429, last.body);
  expect(op.responses['429']!.headers).toHaveProperty('Retry-After');
  // Validation runs before the limit: a malformed id is a 400 (never a 429) even now.
  const bad = await w.post('/api/orders/ord_NOT-AN-ID/resend');
  expect(bad.status).toBe(400);
  expectDocumented(op, 400, bad.body);
});

it('the session exchange validates its body before its rate limit: a malformed body is a 400 even when the limit is spent', async () => {
  const op = doc.paths['/api/session']!.post!;
  const context = await mintContext(srv.demo);
  let last = 0;
  for (let i = 0; i < SESSION_LIMIT + 2 && last !== 429; i++) {
    last = (await fetch(`${srv.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context }) })).status;
  }
  expect(last).toBe(429);
  const res = await fetch(`${srv.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context: 42 }) });
  const body = await res.json();
  expect(res.status).toBe(400);
  expectDocumented(op, 400, body);
});

it('"Connect your ATS" validates its body before its rate limit: a malformed body is a 400 even when the limit is spent', async () => {
  const op = doc.paths['/partner/kombo/connect/embedded']!.post!;
  const send = (body: string) => fetch(`${srv.url}/partner/kombo/connect/embedded`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  let last = 0;
  for (let i = 0; i < 32 && last !== 429; i++) last = (await send('{}')).status;
  expect(last).toBe(429);
  const res = await send(JSON.stringify({ tool: 'NOT A SLUG' }));
  const body = await res.json();
  expect(res.status).toBe(400);
  expectDocumented(op, 400, body);
});

it('an empty Idempotency-Key is refused by the document and by the server alike (400 invalid_idempotency_key)', async () => {
  const op = doc.paths['/api/orders']!.post!;
  const param = op.parameters!.find((p) => p.name.toLowerCase() === 'idempotency-key')!;
  expect(check(param.schema!, '', doc)).not.toEqual([]); // the schema forbids it
  expect(check(param.schema!, 'key-1', doc)).toEqual([]);
  const res = await w.post('/api/orders', { package_id: 'whatever' }, { 'Idempotency-Key': '' });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_idempotency_key');
  expectDocumented(op, 400, res.body);
});

it('/api/insights/{chart} documents exactly the chart files the server serves, as an enum', async () => {
  const op = doc.paths['/api/insights/{chart}']!.get!;
  const names = op.parameters!.find((p) => p.name === 'chart')!.schema!.enum as string[];
  expect(names?.length).toBeGreaterThan(3);
  for (const name of names) {
    const res = await fetch(`${srv.url}/api/insights/${name}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, name).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  }
  for (const name of ['nope.csv', 'scores', 'SCORES.csv', 'scores.json']) {
    const res = await w.get(`/api/insights/${name}`);
    expect(res.status, name).toBe(404);
    expectDocumented(op, 404, res.body);
  }
});
