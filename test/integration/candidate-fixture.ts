// An in-process BFF with a clock the test moves: the real store, routes and demo data, no port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { seedDemo } from '../../server/accounts/create-account.ts';
import { createAccount } from '../../server/accounts/create-account.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { importPackage } from '../../server/accounts/import-package.ts';
import { loadBundledPackages } from '../../server/content/load-package-file.ts';
import { loadConfig } from '../../server/config.ts';
import { storeEnvFor } from '../helpers/test-store.ts';
import { baselineHeaders, onError } from '../../server/http/middleware.ts';
import { newId } from '../../server/ids.ts';
import { createLogger } from '../../server/log.ts';
import { placeOrder } from '../../server/orders/place-order.ts';
import { candidateApi } from '../../server/routes/candidate-api.ts';
import { candidatePages } from '../../server/routes/candidate-pages.ts';
import { LoginThrottle, reportPages } from '../../server/routes/report.ts';
import { widgetApi } from '../../server/routes/widget-api.ts';
import { createServices, type Services } from '../../server/services.ts';
import type { OrderSource } from '../../shared/api.ts';
import type { OrderRow } from '../../server/store/types.ts';
import type { DemoFile } from '../helpers/server.ts';

export const PUBLIC_URL = 'http://assay.test';

export interface Fixture {
  svc: Services;
  app: Hono;
  demo: DemoFile;
  clock: { now: Date };
  /** Moves the server's clock forward. */
  advance(ms: number): void;
  /** Places an order as a recruiter would and returns it with the raw invitation token from the e-mail job. */
  invite(o?: { packageId?: string; locale?: string | null; source?: OrderSource; accountId?: string; firstName?: string }): Promise<{ order: OrderRow; token: string }>;
  /** The token the newest invitation job for an order carries. */
  tokenOf(orderId: string): Promise<string>;
  /** A second account with its own provider user. */
  otherAccount(): Promise<{ accountId: string; email: string; password: string }>;
  close(): Promise<void>;
}

let seq = 0;

export async function candidateFixture(opts: { loginThrottle?: (svc: Services) => LoginThrottle } = {}): Promise<Fixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-cand-'));
  const config = { ...loadConfig({ ...(await storeEnvFor(dataDir)), PUBLIC_URL, ASSAY_WORKERS: 'off' }), logLevel: 'silent' as const };
  const svc = await createServices(config, { log: createLogger('silent') });
  const demoSeed = await seedDemo(svc);
  const demo = demoSeed as unknown as DemoFile;
  const clock = { now: new Date() };
  const now = () => new Date(clock.now.getTime());

  // The same composition as server/app.ts, with the test's clock handed to the candidate routes.
  const app = new Hono();
  app.use('*', requestId());
  app.use('*', baselineHeaders({ https: false }));
  app.onError(onError(svc.log));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'nothing here' } }, 404));
  app.route('/api', widgetApi(svc));
  app.route('/api/candidate', candidateApi(svc, { now }));
  app.route('/', candidatePages(svc, { now }));
  app.route('/', reportPages(svc, { throttle: opts.loginThrottle?.(svc) }));

  const tokenOf = async (orderId: string) => {
    const jobs = await svc.store.outbox.list({ kind: 'email.invitation', limit: 1000 });
    const job = jobs.filter((j) => j.order_id === orderId).sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
    if (!job) throw new Error(`no invitation job for ${orderId}`);
    return svc.box.open(String(job.payload.token_sealed));
  };

  return {
    svc,
    app,
    demo,
    clock,
    advance(ms) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
    async invite(o = {}) {
      const n = ++seq;
      const account = (await svc.store.accounts.get(o.accountId ?? 'demo'))!;
      const placed = await svc.store.transaction((tx) =>
        placeOrder(tx, svc.box, {
          account,
          source: o.source ?? 'widget',
          sourceOrderId: o.source && o.source !== 'widget' ? `ext-${n}-${Date.now()}` : undefined,
          packageId: o.packageId ?? 'logical-reasoning',
          candidate: { externalId: `cand-${n}`, email: `cand-${n}@example.test`, firstName: o.firstName ?? 'Casey', lastName: 'Candidate', locale: o.locale ?? null },
          applicationId: `app-${n}`,
          job: { id: 'job-1', name: 'Engineer' },
          createdBy: 'recruiter-1',
        }, { now: now() }),
      );
      if (placed.kind !== 'created') throw new Error(`order not placed: ${JSON.stringify(placed)}`);
      return { order: placed.order, token: await tokenOf(placed.order.id) };
    },
    tokenOf,
    async otherAccount() {
      const { account } = await createAccount(svc, { name: 'Other Co', issuer: `https://other-${Date.now()}.example` });
      const pkgs = await loadBundledPackages();
      const email = `other-${Date.now()}@example.test`;
      const password = 'other-password-123';
      const hash = await hashPassword(password);
      await svc.store.transaction(async (tx) => {
        for (const p of pkgs) await importPackage(tx, account.id, p);
        await tx.users.create({ id: newId('usr'), account_id: account.id, email, name: 'Other User', password_hash: hash });
      });
      return { accountId: account.id, email, password };
    },
    async close() {
      await svc.outbox.stop();
      await svc.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Calls the candidate API with the invitation token as a Bearer header; returns status, body and headers. */
export function candidateClient(app: Hono, token: string | null, seen?: unknown[]) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.request(`/api/candidate${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    seen?.push(json);
    return { status: res.status, body: json, headers: res.headers };
  };
  return {
    attempt: () => call('GET', '/attempt'),
    start: () => call('POST', '/start', {}),
    startTest: (id: string) => call('POST', `/tests/${id}/start`, {}),
    finishTest: (id: string) => call('POST', `/tests/${id}/finish`, {}),
    save: (qid: string, value: unknown) => call('PUT', `/answers/${qid}`, { value }),
    submit: () => call('POST', '/submit', {}),
    call,
  };
}

/** Every object key anywhere in a JSON value, with its path. */
export function keysDeep(value: unknown, path = '$', out: { key: string; path: string }[] = []): { key: string; path: string }[] {
  if (Array.isArray(value)) value.forEach((v, i) => keysDeep(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push({ key: k, path: `${path}.${k}` });
      keysDeep(v, `${path}.${k}`, out);
    }
  }
  return out;
}
