// The StackOne client goes through @stackone/stackone-client-ts with a fetch built on callVendor: what StackOne
// answers (real HTTP from a loopback server, StackOne's error body `{ statusCode, message, timestamp }`,
// unified-apis.md §2.2) decides retry vs permanent for the outbox, the SDK's own retries are off (one request per
// call; by default it would retry 408/429 for up to an hour, §0) and redirects are not followed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { probePackages, updateResult, type UpdateResultBody } from '../../server/connectors/stackone/client.ts';
import type { StackOneSettings } from '../../server/connectors/stackone/settings.ts';
import { PermanentError, RetryableError } from '../../server/http/client.ts';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let server: Server;
let base: string;
let answer: { status: number; headers?: Record<string, string>; body?: string } = { status: 200 };
let seen: Seen[] = [];
const errorBody = (status: number, message: string) => JSON.stringify({ statusCode: status, message, timestamp: '2026-12-07T04:00:00.000Z' });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(answer.body ?? errorBody(answer.status, 'Invalid payload format'));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const settings = (over: Partial<StackOneSettings> = {}): StackOneSettings => ({
  apiKey: 'v1.eu1.test-key',
  webhookSecret: 'w',
  partnerApiKey: '',
  accountId: '45355976281015164504',
  baseUrl: base,
  staticPackageId: null,
  ...over,
});
const body: UpdateResultBody = {
  result_url: 'https://assay.example/report/ord_1',
  score: { label: 'Percentage', value: '80', min: '0', max: '100' },
  result: { value: 'completed', source_value: 'completed' },
  summary: 'Numerical Reasoning: 80%',
  start_date: '2026-12-07T03:50:00.000Z',
  submission_date: '2026-12-07T04:10:00.000Z',
};
const write = (recordId = 'rec_1') => updateResult(settings(), recordId, body);
const failureOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

it("sends StackOne's documented PATCH through the SDK, and a 2xx is a written result", async () => {
  answer = { status: 200, body: JSON.stringify({ statusCode: 200, message: 'Record updated successfully.', timestamp: '2021-01-01T01:01:01.000Z' }) };
  seen = [];
  await write('rec 1/x');
  expect(seen).toHaveLength(1);
  const [req] = seen;
  expect(req!.method).toBe('PATCH');
  // §2.2: the id is one path segment, percent-encoded.
  expect(req!.url).toBe('/unified/ats/assessments/orders/rec%201%2Fx/result');
  // §2.1: Basic base64(key:) and the linked account header.
  expect(req!.headers.authorization).toBe(`Basic ${Buffer.from('v1.eu1.test-key:').toString('base64')}`);
  expect(req!.headers['x-account-id']).toBe('45355976281015164504');
  expect(req!.headers['user-agent']).toContain('@stackone/stackone-client-ts');
  // §2.3: snake_case wire names, every score field a string, ISO dates.
  expect(JSON.parse(req!.body)).toEqual(body);
});

it('a 2xx whose body is not the documented { statusCode, message, timestamp } still counts as written', async () => {
  answer = { status: 200, body: '{"unexpected":true}' };
  seen = [];
  await expect(write()).resolves.toBeUndefined();
  expect(seen).toHaveLength(1);
});

it('4xx other than 408/429 are permanent; 408, 429 (with Retry-After) and 5xx retry; one request each', async () => {
  const cases = [[400, PermanentError], [401, PermanentError], [403, PermanentError], [404, PermanentError], [409, PermanentError], [422, PermanentError], [408, RetryableError], [429, RetryableError], [500, RetryableError], [502, RetryableError], [503, RetryableError]] as const;
  for (const [status, kind] of cases) {
    answer = { status, headers: status === 429 ? { 'retry-after': '7' } : {} };
    seen = [];
    const err = await failureOf(write());
    expect(err, String(status)).toBeInstanceOf(kind);
    // The reason the outbox stores names the call, the status and StackOne's message.
    expect((err as Error).message, String(status)).toMatch(new RegExp(`^StackOne update result: HTTP ${status} .*Invalid payload format`));
    expect(seen, `requests for ${status}`).toHaveLength(1);
    if (status === 429) expect((err as RetryableError).retryAfterMs).toBe(7000);
  }
});

it('an error answer that is not JSON is judged by its status', async () => {
  answer = { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' };
  seen = [];
  expect(await failureOf(write())).toBeInstanceOf(RetryableError);
  answer = { status: 400, headers: { 'content-type': 'application/json' }, body: '' };
  expect(await failureOf(write())).toBeInstanceOf(PermanentError);
  expect(seen).toHaveLength(2);
});

it('a redirect is not followed and is permanent', async () => {
  answer = { status: 302, headers: { location: 'http://169.254.169.254/' }, body: '' };
  seen = [];
  expect(await failureOf(write())).toBeInstanceOf(PermanentError);
  expect(seen).toHaveLength(1);
});

it('nothing answering is a retry; an id of "." or ".." and missing credentials are permanent and send nothing', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  expect(await failureOf(updateResult(settings({ baseUrl: `http://127.0.0.1:${port}` }), 'rec_1', body))).toBeInstanceOf(RetryableError);

  seen = [];
  answer = { status: 200, body: errorBody(200, 'ok') };
  for (const id of ['..', '.', '%2e%2e']) {
    const err = await failureOf(write(id));
    if (id === '%2e%2e') expect(err).toBeNull(); // percent-encoded again by the SDK: a literal id, not a dot segment
    else expect(err, id).toBeInstanceOf(PermanentError);
  }
  expect(seen.map((r) => r.url)).toEqual(['/unified/ats/assessments/orders/%252e%252e/result']);
  seen = [];
  expect(await failureOf(updateResult(settings({ apiKey: '' }), 'rec_1', body))).toBeInstanceOf(PermanentError);
  expect(seen).toHaveLength(0);
});

it("the connections:check probe lists one package through the SDK and reports StackOne's status", async () => {
  answer = { status: 200, body: JSON.stringify({ data: [{ id: 'p1', remote_id: 'p1', name: 'P', description: null }], next: null }) };
  seen = [];
  expect(await probePackages(settings())).toEqual({ status: 200, ok: true, message: '' });
  expect(seen[0]!.url).toBe('/unified/ats/assessments/packages?page_size=1');
  expect(seen[0]!.headers['x-account-id']).toBe('45355976281015164504');
  answer = { status: 401, body: errorBody(401, 'Unauthorized') };
  expect(await probePackages(settings())).toMatchObject({ status: 401, ok: false, message: expect.stringContaining('Unauthorized') });
  answer = { status: 200, body: '{"not":"a page"}' };
  expect(await probePackages(settings())).toMatchObject({ status: 200, ok: false });
  expect(seen).toHaveLength(3);
});
