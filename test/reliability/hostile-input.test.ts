// Property-based hostile input over every route of /openapi.json: at least 1,000 generated bad requests
// per route (malformed JSON, wrong types, huge strings, unicode edge cases, missing and extra fields,
// oversized bodies, hostile path parameters). No answer may be a 5xx, and a refused request changes no row.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { sessionToken } from '../helpers/tokens.ts';

const PER_ROUTE = Number(process.env.HOSTILE_PER_ROUTE ?? 1000);
const TABLES = ['orders', 'candidates', 'outbox', 'idempotency_keys', 'results', 'answers', 'test_sessions', 'inbox', 'connections', 'users', 'web_sessions', 'packages'];

let srv: RunningServer;
let token: string;
let doc: any;
export const figures: Record<string, { sent: number; status: Record<number, number> }> = {};

beforeAll(async () => {
  srv = await startServer({ env: { ASSAY_SESSION_RATE_PER_MIN: '1000000' } });
  token = await sessionToken(srv.url, srv.demo);
  doc = await (await fetch(`${srv.url}/openapi.json`)).json();
});
afterAll(async () => {
  await srv?.stop();
  const total = Object.values(figures).reduce((n, f) => n + f.sent, 0);
  const fivexx = Object.values(figures).reduce((n, f) => n + Object.entries(f.status).filter(([s]) => Number(s) >= 500).reduce((m, [, c]) => m + c, 0), 0);
  process.stderr.write(`hostile input: ${Object.keys(figures).length} routes, ${total} requests, ${fivexx} answered 5xx\n`);
});

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uFEFF', '\uD800', 'é'.normalize('NFD'), '👩‍👩‍👧', '../../etc/passwd', '%00', '<script>alert(1)</script>', "' OR 1=1 --", '{{7*7}}', 'ord_' + 'a'.repeat(500), '\u202Eevil'),
  fc.integer({ min: 2000, max: 9000 }).map((n) => 'x'.repeat(n)),
);
const wrongType = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }), nasty);

/** A body that is invalid for `schema` in at least one way. */
function badBody(schema: any): fc.Arbitrary<{ raw: string; contentType: string }> {
  const props: Record<string, unknown> = schema?.properties ?? {};
  const keys = Object.keys(props);
  const required: string[] = schema?.required ?? [];
  const asJson = (v: unknown) => ({ raw: JSON.stringify(v), contentType: 'application/json' });
  const variants: fc.Arbitrary<{ raw: string; contentType: string }>[] = [
    fc.string({ maxLength: 200 }).map((s) => ({ raw: `{"${s}`, contentType: 'application/json' })), // malformed JSON
    fc.constantFrom('', '[]', 'null', '"str"', '42', '{', '{"a":1,}', '\uFEFF{}').map((raw) => ({ raw, contentType: 'application/json' })),
    wrongType.map((v) => asJson(v)),
    fc.integer({ min: 20_000, max: 300_000 }).map((n) => asJson({ blob: 'z'.repeat(n) })), // oversized
    fc.record({ k: fc.string({ minLength: 1, maxLength: 20 }), v: wrongType }).map(({ k, v }) => ({ raw: JSON.stringify({ [k]: v }), contentType: 'text/plain' })),
  ];
  if (keys.length) {
    variants.push(
      // every declared field with a wrong type
      fc.record(Object.fromEntries(keys.map((k) => [k, wrongType]))).map((o) => asJson(o)),
      // required fields missing
      fc.constant(asJson(Object.fromEntries(keys.filter((k) => !required.includes(k)).map((k) => [k, 'x'])))),
      // valid-looking plus an unknown field
      fc.record({ extra: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !keys.includes(s)), v: wrongType }).map(({ extra, v }) => asJson({ ...Object.fromEntries(keys.map((k) => [k, 'x'.repeat(2000)])), [extra]: v })),
    );
  }
  return fc.oneof(...variants);
}

/** Percent-encodes the UTF-8 bytes (lone surrogates become U+FFFD, as a browser would send them). */
const pct = (v: string) => [...Buffer.from(v, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).padStart(2, '0'))).join('');

async function send(method: string, path: string, body: { raw: string; contentType: string } | null, auth: boolean) {
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = body.contentType;
  const res = await fetch(`${srv.url}${path}`, { method, headers, body: body?.raw ?? undefined });
  await res.arrayBuffer();
  return res.status;
}

describe('hostile input', () => {
  it('reads the routes from /openapi.json', () => {
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(6);
  });

  it('never answers 5xx and never writes a row for a refused request, on any route', { timeout: 600_000 }, async () => {
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const mutating = method !== 'get';
        const schema = op.requestBody?.content?.['application/json']?.schema;
        const params = (path.match(/\{[^}]+\}/g) ?? []).length;
        const cases = fc.sample(
          fc.record({
            params: fc.array(nasty, { minLength: params, maxLength: params }),
            body: mutating ? badBody(schema) : fc.constant(null),
            auth: fc.boolean(),
            query: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), nasty, { maxKeys: 3 })),
          }),
          { numRuns: PER_ROUTE, seed: 42 },
        );
        const key = `${method.toUpperCase()} ${path}`;
        const f = (figures[key] = { sent: 0, status: {} as Record<number, number> });
        const before = countRows(srv.dataDir, TABLES);
        const offenders: string[] = [];
        for (let i = 0; i < cases.length; i += 32) {
          await Promise.all(
            cases.slice(i, i + 32).map(async (cse) => {
              let p = path;
              for (const v of cse.params) p = p.replace(/\{[^}]+\}/, pct(v).slice(0, 6000));
              if (cse.query) p += '?' + Object.entries(cse.query as Record<string, string>).map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&').slice(0, 6000);
              const status = await send(method.toUpperCase(), p, cse.body, cse.auth);
              f.sent++;
              f.status[status] = (f.status[status] ?? 0) + 1;
              if (status >= 500 || (mutating && status < 300)) offenders.push(`${key} → ${status} (${p.slice(0, 80)} ${cse.body?.raw.slice(0, 80) ?? ''})`);
            }),
          );
        }
        expect(offenders.slice(0, 5), key).toEqual([]);
        if (mutating) expect(countRows(srv.dataDir, TABLES), key).toEqual(before);
        expect(f.sent).toBe(PER_ROUTE);
      }
    }
  });
});
