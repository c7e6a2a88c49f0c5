// The durable outbox against a real HTTP endpoint: retries with backoff, Retry-After honoured,
// dead letters with the reason, replay, crash recovery through leases, and jobs that wait for a connector.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { forgetStore, openServerStore, storeEnvFor } from '../helpers/test-store.ts';
import { callVendor, failureFor } from '../../server/http/client.ts';
import { createLogger } from '../../server/log.ts';
import { nextDelayMs } from '../../server/outbox/backoff.ts';
import { OutboxWorker } from '../../server/outbox/worker.ts';
import { createServices, type Services } from '../../server/services.ts';

type Answer = { status: number; headers?: Record<string, string> };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A real HTTP endpoint that answers from a script and records when each request came. */
async function scriptedEndpoint(script: Answer[]) {
  const hits: number[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(Date.now());
    const a = script.shift() ?? { status: 200 };
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(JSON.stringify({ ok: a.status < 300 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/result`, hits };
}

async function services(dataDir = mkdtempSync(join(tmpdir(), 'assay-outbox-'))): Promise<Services> {
  const env = await storeEnvFor(dataDir);
  const config = { ...loadConfig(env), logLevel: 'silent' as const };
  const log = createLogger('silent');
  const store = await openServerStore(env);
  const svc = await createServices(config, { store, log, outbox: new OutboxWorker(store, log, { pollMs: 20, baseDelayMs: 40, capDelayMs: 400 }) });
  cleanups.push(async () => {
    await svc.outbox.stop();
    await svc.store.close();
    rmSync(dataDir, { recursive: true, force: true });
    await forgetStore(dataDir);
  });
  return svc;
}

function deliverTo(svc: Services) {
  svc.outbox.register('test.deliver', async (job) => {
    const res = await callVendor(String(job.payload.url), { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } });
    if (res.status >= 300) throw failureFor(res, 'test delivery');
  });
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('outbox', () => {
  it('retries 503, waits as long as 429 Retry-After asks, then delivers exactly once', async () => {
    const ep = await scriptedEndpoint([{ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const svc = await services();
    deliverTo(svc);
    const job = await svc.store.transaction((tx) => tx.outbox.enqueue({ account_id: null, kind: 'test.deliver', payload: { url: ep.url } }));
    svc.outbox.start();
    const done = await until(() => svc.store.outbox.get(job.id), (j) => j?.status === 'done');
    expect(done?.status).toBe('done');
    expect(done?.attempts).toBe(3);
    expect(ep.hits).toHaveLength(3);
    expect(ep.hits[2]! - ep.hits[1]!).toBeGreaterThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, 200));
    expect(ep.hits).toHaveLength(3); // nothing after success
  });

  it('dead-letters a job after its last attempt with the reason, and replay delivers it', async () => {
    const ep = await scriptedEndpoint([{ status: 500 }, { status: 500 }, { status: 500 }]);
    const svc = await services();
    deliverTo(svc);
    const job = await svc.store.transaction((tx) => tx.outbox.enqueue({ account_id: null, kind: 'test.deliver', payload: { url: ep.url }, max_attempts: 3 }));
    svc.outbox.start();
    const dead = await until(() => svc.store.outbox.get(job.id), (j) => j?.status === 'dead');
    expect(dead?.status).toBe('dead');
    expect(dead?.last_error).toMatch(/HTTP 500/);
    expect((await svc.store.outbox.list({ status: 'dead' })).map((j) => j.id)).toContain(job.id);
    await svc.store.transaction((tx) => tx.outbox.replay(job.id, Date.now()));
    svc.outbox.wake();
    const done = await until(() => svc.store.outbox.get(job.id), (j) => j?.status === 'done');
    expect(done?.status).toBe('done');
    expect(ep.hits).toHaveLength(4);
  });

  it('treats a 4xx other than 408/425/429 as final at once', async () => {
    const ep = await scriptedEndpoint([{ status: 400 }]);
    const svc = await services();
    deliverTo(svc);
    const job = await svc.store.transaction((tx) => tx.outbox.enqueue({ account_id: null, kind: 'test.deliver', payload: { url: ep.url } }));
    svc.outbox.start();
    const dead = await until(() => svc.store.outbox.get(job.id), (j) => j?.status === 'dead');
    expect(dead?.attempts).toBe(1);
    expect(ep.hits).toHaveLength(1);
  });

  it('lets a job whose connector is missing wait without spending attempts', async () => {
    const svc = await services();
    const job = await svc.store.transaction((tx) => tx.outbox.enqueue({ account_id: null, kind: 'writeback.unknown-vendor', payload: {} }));
    await svc.outbox.tick();
    const j = await svc.store.outbox.get(job.id);
    expect(j?.status).toBe('pending');
    expect(j?.attempts).toBe(0);
    expect(j!.next_attempt_at).toBeGreaterThan(Date.now() + 60_000);
    expect(j?.last_error).toMatch(/no handler/);
  });

  it('picks up a job leased by a process that died', async () => {
    const ep = await scriptedEndpoint([]);
    const dataDir = mkdtempSync(join(tmpdir(), 'assay-outbox-'));
    const first = await openServerStore(await storeEnvFor(dataDir));
    const job = await first.transaction((tx) => tx.outbox.enqueue({ account_id: null, kind: 'test.deliver', payload: { url: ep.url } }));
    const claimed = await first.transaction((tx) => tx.outbox.claimDue(Date.now(), 10, 50)); // leased, then the process "dies"
    expect(claimed.map((j) => j.id)).toEqual([job.id]);
    await first.close();
    await new Promise((r) => setTimeout(r, 80));
    const svc = await services(dataDir);
    deliverTo(svc);
    svc.outbox.start();
    const done = await until(() => svc.store.outbox.get(job.id), (j) => j?.status === 'done');
    expect(done?.status).toBe('done');
    expect(ep.hits).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('grows with full jitter up to the cap and never undercuts Retry-After', () => {
    expect(nextDelayMs(1, null, { random: () => 0.999, baseMs: 1000, capMs: 60_000 })).toBe(1998);
    expect(nextDelayMs(10, null, { random: () => 0.999, baseMs: 1000, capMs: 60_000 })).toBe(59_940);
    expect(nextDelayMs(3, 30_000, { random: () => 0, baseMs: 1000 })).toBe(30_000);
    expect(nextDelayMs(0, null, { random: () => 0 })).toBe(250);
  });
});
