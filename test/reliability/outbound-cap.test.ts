// Outbound bodies are capped while they stream (issue 18: "400 MB read for a 1,000-byte limit"): a vendor
// on loopback answers with an endless body; callVendor returns at most maxBytes, stops reading, and the
// vendor sees the connection dropped after a bounded number of bytes. Vendor ids used as path segments
// cannot be "." or "..".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callVendor } from '../../server/http/client.ts';

const BODY = 64 * 1024 * 1024;
let server: Server;
let url = '';
let written = 0;
let closedEarly: Promise<boolean>;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    closedEarly = new Promise((resolve) => {
      res.on('close', () => resolve(written < BODY));
      const pump = () => {
        while (written < BODY && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/huge`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it('reads at most maxBytes of a 64 MiB vendor answer and drops the connection', async () => {
  const res = await callVendor(url, { maxBytes: 1000, timeoutMs: 60_000 });
  expect(res.status).toBe(500);
  expect(res.text).toBe('a'.repeat(1000));
  expect(await closedEarly).toBe(true);
  // Socket buffers on both sides hold a few MiB at most; the old code read all 64 MiB.
  expect(written).toBeLessThan(16 * 1024 * 1024);
}, 90_000);

it('refuses to call a vendor path built from an id of "..", plain or percent-encoded; the vendor sees no request', async () => {
  const seen: string[] = [];
  const vendor = createServer((req, res) => {
    seen.push(req.url!);
    res.end('{}');
  });
  await new Promise<void>((r) => vendor.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}`;
  try {
    // As the Recruitee and StackOne write-backs build them: encodeURIComponent('..') is still '..'.
    for (const id of ['..', '.', '%2e%2E', '.%2e']) {
      await expect(callVendor(`${base}/p/acme/reports/${id === '..' || id === '.' ? encodeURIComponent(id) : id}`, { method: 'PATCH' })).rejects.toThrow(/path segment/);
    }
    expect(seen).toEqual([]);
    // An ordinary id still goes through, dots inside it included.
    expect((await callVendor(`${base}/p/acme/reports/rep..1.2`)).status).toBe(200);
    expect(seen).toEqual(['/p/acme/reports/rep..1.2']);
  } finally {
    await new Promise<void>((r) => vendor.close(() => r()));
  }
});
