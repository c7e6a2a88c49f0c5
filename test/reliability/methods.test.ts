// Unsupported methods (issue 18, "the OpenAPI document and the server disagree": "an unsupported method gets 401
// or 404 instead of 405"). For every path of /openapi.json, each of GET/POST/PUT/PATCH/DELETE that the document
// does not list is answered 405 in the one error shape, with an Allow header naming the documented methods —
// before any login check or rate limit.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
let srv: RunningServer;
let doc: { paths: Record<string, Record<string, unknown>> };

beforeAll(async () => {
  srv = await startServer({ env: { ASSAY_SESSION_RATE_PER_MIN: '1' } });
  doc = await (await fetch(`${srv.url}/openapi.json`)).json();
}, 120_000);
afterAll(async () => srv?.stop());

/** A concrete path for a documented template: ids shaped as the server's own (con_…, ord_…). */
const concrete = (template: string) =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => (/connection/i.test(name) ? 'con_abcdefgh12' : /provider/i.test(name) ? 'kombo' : /order|^id$/i.test(name) ? 'ord_abcdefghjkmnpqrstvwx' : /chart/i.test(name) ? 'scores.csv' : 'x1'));

it('answers 405 with Allow for every method an operation does not document', async () => {
  const paths = Object.entries(doc.paths);
  expect(paths.length).toBeGreaterThan(10);
  let checked = 0;
  const wrong: string[] = [];
  for (const [template, ops] of paths) {
    const documented = METHODS.filter((m) => m in ops);
    for (const m of METHODS.filter((x) => !documented.includes(x))) {
      const res = await fetch(`${srv.url}${concrete(template)}`, { method: m.toUpperCase(), headers: m === 'get' || m === 'delete' ? {} : { 'content-type': 'application/json' }, body: m === 'get' || m === 'delete' ? undefined : '{}' });
      const body = await res.text();
      checked++;
      const allow = (res.headers.get('allow') ?? '').toLowerCase().split(/,\s*/);
      if (res.status !== 405 || !documented.every((d) => allow.includes(d)) || JSON.parse(body)?.error?.code !== 'method_not_allowed') wrong.push(`${m.toUpperCase()} ${template}: ${res.status} allow=${res.headers.get('allow')} ${body.slice(0, 120)}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(checked).toBeGreaterThan(20);
  // The session limit (1 a minute here) was not spent by the wrong methods: the first real session works.
  const ok = await fetch(`${srv.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context: 'x' }) });
  expect(ok.status).not.toBe(429);
});

it('documents 413 on every operation that takes a body, and answers it in the documented Error shape', async () => {
  expect(doc).toHaveProperty('components.schemas.Error');
  const big = '{"x":"' + 'a'.repeat(300 * 1024) + '"}';
  let checked = 0;
  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const m of ['post', 'put', 'patch'].filter((x) => x in ops)) {
      const op = ops[m] as { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };
      expect(op.responses['413'], `${m} ${template} documents 413`).toBeDefined();
      const res = await fetch(`${srv.url}${concrete(template)}`, { method: m.toUpperCase(), headers: { 'content-type': 'application/json' }, body: big });
      const body = await res.json();
      expect(res.status, `${m} ${template}`).toBe(413);
      // The Error schema: { error: { code: string, message: string } } and nothing else at the top.
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error).toEqual({ code: 'body_too_large', message: expect.any(String) });
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(10);
});
