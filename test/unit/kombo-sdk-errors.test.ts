// The Kombo client goes through @kombo-api/sdk with a fetch built on callVendor: what Kombo answers (real HTTP
// from a loopback server, Kombo's error envelope, §1.3) decides retry vs permanent for the outbox, the SDK's own
// retries are off (one request per call) and redirects are not followed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KomboClient } from '../../server/connectors/kombo/client.ts';
import { PermanentError, RetryableError } from '../../server/http/client.ts';

let server: Server;
let base: string;
let answer: { status: number; headers?: Record<string, string>; body?: string } = { status: 200 };
let hits = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(answer.body ?? JSON.stringify({ status: 'error', error: { code: 'PLATFORM.INPUT_INVALID', message: 'nope' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = () => new KomboClient({ baseUrl: base, apiKey: 'k', integrationId: 'recruitee:abcd1234' });
const push = () => client().putPackages([{ id: 'p', type: 'SKILLS_TEST', name: 'P', description: 'd' }]);

it('answers 4xx other than 408/429 are permanent; 408, 429 (with Retry-After) and 5xx retry; one request each', async () => {
  for (const [status, kind] of [[400, PermanentError], [401, PermanentError], [404, PermanentError], [408, RetryableError], [429, RetryableError], [500, RetryableError], [503, RetryableError]] as const) {
    answer = { status, headers: status === 429 ? { 'retry-after': '7' } : {} };
    hits = 0;
    const err = await push().then(() => null, (e: unknown) => e);
    expect(err, String(status)).toBeInstanceOf(kind);
    expect((err as Error).message, String(status)).toContain(`HTTP ${status}`);
    expect(hits, `requests for ${status}`).toBe(1);
    if (status === 429) expect((err as RetryableError).retryAfterMs).toBe(7000);
  }
});

it('a redirect is not followed and is permanent', async () => {
  answer = { status: 302, headers: { location: 'http://169.254.169.254/' }, body: '' };
  hits = 0;
  await expect(push()).rejects.toBeInstanceOf(PermanentError);
  expect(hits).toBe(1);
});

it('a 2xx answer of the wrong shape is permanent, and a 4xx result write is returned for the caller to read', async () => {
  answer = { status: 200, body: '{"unexpected":true}' };
  await expect(client().listOrders({ statuses: 'OPEN' })).rejects.toBeInstanceOf(PermanentError);
  answer = { status: 400 };
  const res = await client().putResult('o1', { status: 'COMPLETED', result_url: 'https://x.example/r', completed_at: new Date().toISOString(), attributes: [] });
  expect(res.status).toBe(400);
  expect(res.json()).toMatchObject({ error: { code: 'PLATFORM.INPUT_INVALID' } });
});

it('an order id of . or .. is refused before the SDK builds a path with it: nothing is sent', async () => {
  // Kombo's SDK resolves dot segments before its fetch sees the URL: PUT /assessment/orders/../result would
  // reach another resource (PUT /assessment/result).
  answer = { status: 200, body: '{}' };
  hits = 0;
  for (const id of ['..', '.']) {
    const err = await client().putResult(id, { status: 'COMPLETED', result_url: 'https://x.example/r', completed_at: new Date().toISOString(), attributes: [] }).then(() => null, (e: unknown) => e);
    expect(err, id).toBeInstanceOf(PermanentError);
  }
  expect(hits).toBe(0);
});
