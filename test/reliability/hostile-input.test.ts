// Property-based hostile input over every route of /openapi.json: at least 1,000 generated bad requests
// per route (malformed JSON, wrong types, huge strings, unicode edge cases, missing and extra fields,
// oversized bodies, hostile path parameters). No answer may be a 5xx, and a refused request changes no row.
import fc from 'fast-check';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { sessionToken } from '../helpers/tokens.ts';
import { writeFigures } from './figures.ts';

const PER_ROUTE = Number(process.env.HOSTILE_PER_ROUTE ?? 1000);
/** Requests in flight at once, over a keep-alive pool (a fresh connection per request was most of the cost). */
const CONCURRENCY = Number(process.env.HOSTILE_CONCURRENCY ?? 32);
const TABLES = ['orders', 'candidates', 'outbox', 'idempotency_keys', 'results', 'answers', 'test_sessions', 'inbox', 'connections', 'users', 'web_sessions', 'packages'];

let srv: RunningServer;
let token: string;
let doc: any;
export const figures: Record<string, { sent: number; status: Record<number, number> }> = {};
const timing = { generateMs: 0, sendMs: 0, wallMs: 0 };
let passed = false;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

beforeAll(async () => {
  srv = await startServer({ env: { ASSAY_SESSION_RATE_PER_MIN: '1000000' } });
  token = await sessionToken(srv.url, srv.demo);
  doc = await (await fetch(`${srv.url}/openapi.json`)).json();
});
afterAll(async () => {
  agent.destroy();
  await srv?.stop();
  const total = Object.values(figures).reduce((n, f) => n + f.sent, 0);
  const fivexx = Object.values(figures).reduce((n, f) => n + Object.entries(f.status).filter(([s]) => Number(s) >= 500).reduce((m, [, c]) => m + c, 0), 0);
  const statuses: Record<number, number> = {};
  for (const f of Object.values(figures)) for (const [st, n] of Object.entries(f.status)) statuses[Number(st)] = (statuses[Number(st)] ?? 0) + n;
  process.stderr.write(`hostile input: ${Object.keys(figures).length} routes, ${total} requests, ${fivexx} answered 5xx, ${Math.round(timing.wallMs / 1000)} s\n`);
  writeFigures(
    'hostile-input',
    { routes: Object.keys(figures).length, per_route: PER_ROUTE, requests: total, answered_5xx: fivexx, refused_rows_changed: passed ? 0 : null, statuses, seconds: Math.round(timing.wallMs / 100) / 10, generate_seconds: Math.round(timing.generateMs / 100) / 10, concurrency: CONCURRENCY, per_route_statuses: figures },
    passed,
  );
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
    fc.integer({ min: 66_000, max: 140_000 }).map((n) => asJson({ blob: 'z'.repeat(n) })), // oversized: above every route's limit (64 KiB at most)
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
const PCT = Array.from({ length: 256 }, (_, b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).padStart(2, '0')));
const pct = (v: string) => {
  let out = '';
  for (const b of Buffer.from(v, 'utf8')) out += PCT[b];
  return out;
};

/** One request over the keep-alive pool; resolves to the status once the whole answer is read. */
function send(method: string, path: string, body: { raw: string; contentType: string } | null, auth: boolean): Promise<number> {
  const headers: Record<string, string | number> = {};
  if (auth) headers.authorization = `Bearer ${token}`;
  const payload = body ? Buffer.from(body.raw, 'utf8') : null;
  if (body) headers['content-type'] = body.contentType;
  if (payload) headers['content-length'] = payload.byteLength;
  const u = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers, agent }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', (err) => reject(new Error(`${method} ${path.slice(0, 80)}: ${err.message}`)));
    req.end(payload ?? undefined);
  });
}

type Case = { params: string[]; body: { raw: string; contentType: string } | null; auth: boolean; query: Record<string, string> | null };
/** Routes of the same shape get the same sample (same seed): generate each shape once. */
const samples = new Map<string, Case[]>();
function casesFor(params: number, mutating: boolean, schema: unknown): Case[] {
  const key = JSON.stringify([params, mutating, schema ?? null]);
  let cases = samples.get(key);
  if (!cases) {
    const t = performance.now();
    cases = fc.sample(
      fc.record({
        params: fc.array(nasty, { minLength: params, maxLength: params }),
        body: mutating ? badBody(schema) : fc.constant(null),
        auth: fc.boolean(),
        query: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), nasty, { maxKeys: 3 })),
      }),
      { numRuns: PER_ROUTE, seed: 42 },
    ) as Case[];
    timing.generateMs += performance.now() - t;
    samples.set(key, cases);
  }
  return cases;
}

/** Runs `fn` over `items` with at most `n` in flight (a pool, not batches: one slow answer holds up nobody). */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

describe('hostile input', () => {
  it('reads the routes from /openapi.json', () => {
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(6);
  });

  it('never answers 5xx and never writes a row for a refused request, on any route', { timeout: 600_000 }, async () => {
    const started = performance.now();
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const mutating = method !== 'get';
        const schema = op.requestBody?.content?.['application/json']?.schema;
        const params = (path.match(/\{[^}]+\}/g) ?? []).length;
        const cases = casesFor(params, mutating, schema);
        const key = `${method.toUpperCase()} ${path}`;
        const f = (figures[key] = { sent: 0, status: {} as Record<number, number> });
        const before = countRows(srv, TABLES);
        const offenders: string[] = [];
        const t = performance.now();
        await pool(cases, CONCURRENCY, async (cse) => {
          let p = path;
          for (const v of cse.params) p = p.replace(/\{[^}]+\}/, pct(v).slice(0, 6000));
          if (cse.query) p += '?' + Object.entries(cse.query).map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&').slice(0, 6000);
          const status = await send(method.toUpperCase(), p, cse.body, cse.auth);
          f.sent++;
          f.status[status] = (f.status[status] ?? 0) + 1;
          if (status >= 500 || (mutating && status < 300)) offenders.push(`${key} → ${status} (${p.slice(0, 80)} ${cse.body?.raw.slice(0, 80) ?? ''})`);
        });
        timing.sendMs += performance.now() - t;
        expect(offenders.slice(0, 5), key).toEqual([]);
        if (mutating) expect(countRows(srv, TABLES), key).toEqual(before);
        expect(f.sent).toBe(PER_ROUTE);
      }
    }
    timing.wallMs = performance.now() - started;
    passed = true;
  });
});
