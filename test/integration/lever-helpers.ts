// Shared arrangements of the Lever integration tests: the Lever simulator, a real server on a known port
// (the OAuth redirect URI must match), a connection added with the CLI and authorized through the
// simulator's authorize step, and completions written exactly the way candidate submission writes them.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from '../../server/crypto/secrets.ts';
import { enqueueWriteBack, placeOrder } from '../../server/orders/place-order.ts';
import { loadConfig } from '../../server/config.ts';
import type { OrderRow, Store } from '../../server/store/types.ts';
import { freePort } from '../helpers/net.ts';
import { openServerStore } from '../helpers/test-store.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { startSimulator, type LeverSimHandle, type LeverStartOptions } from '../simulators/lever/index.ts';

export { until } from '../helpers/candidate.ts';

/**
 * `assay <args> --json` in a child process, without blocking this process: the simulator lives here and
 * must answer the CLI's calls to Lever.
 */
export function assay(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/assay.mjs'), ...args, '--json'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => {
      let json: any = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        try {
          json = JSON.parse(stderr);
        } catch {
          /* neither */
        }
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
}

export interface LeverWorld {
  sim: LeverSimHandle;
  server: RunningServer;
  connectionId: string;
  webhookUrl: string;
  /** The CLI against this server's data folder and public URL. */
  cli(args: string[]): ReturnType<typeof assay>;
  stop(): Promise<void>;
}

export function cliEnv(server: RunningServer): Record<string, string> {
  return { ...server.storeEnv, PUBLIC_URL: server.env.PUBLIC_URL! };
}

/** Adds a Lever connection with the CLI (pending) and returns what it printed. */
export async function addConnection(server: RunningServer, sim: LeverSimHandle, extra: string[] = []) {
  const c = sim.credentials;
  const r = await assay(
    ['connections:add', '--account', server.demo.account_id, '--provider', 'lever',
      '--set', `client_id=${c.client_id}`, '--set', `client_secret=${c.client_secret}`, '--set', `signature_token=${c.signature_token}`,
      '--set', `perform_as=${c.perform_as}`, '--set', `base_url=${c.base_url}`, '--set', `auth_url=${c.auth_url}`, ...extra],
    cliEnv(server),
  );
  if (r.code !== 0) throw new Error(`connections:add failed: ${r.stderr}`);
  return r.json as { connection_id: string; status: string; authorize_url: string; redirect_uri: string; webhook_url: string };
}

/** Plays the Lever super admin: opens the authorize URL, follows Lever's redirect to our callback. */
export async function consent(authorizeUrl: string): Promise<Response> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  return fetch(res.headers.get('location')!, { redirect: 'manual' });
}

export async function startLever(opts: { sim?: LeverStartOptions; env?: Record<string, string> } = {}): Promise<LeverWorld> {
  const sim = await startSimulator({ retryDelaysMs: [50, 50, 50, 50, 50], signatureToken: 'lever-signing-token-1', ...opts.sim });
  const port = await freePort();
  const server = await startServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, ASSAY_LEVER_BACKOFF_MS: '50', ...opts.env } });
  let added: Awaited<ReturnType<typeof addConnection>>;
  try {
    added = await addConnection(server, sim);
    const cb = await consent(added.authorize_url);
    if (cb.status !== 200) throw new Error(`callback answered ${cb.status}: ${await cb.text()}`);
  } catch (err) {
    await server.stop();
    await sim.close();
    throw err;
  }
  const webhookUrl = `${server.url}/webhooks/lever/${added.connection_id}`;
  sim.config({ webhook_url: webhookUrl });
  const world: LeverWorld = {
    sim,
    server,
    connectionId: added.connection_id,
    webhookUrl,
    cli: (args) => assay(args, cliEnv(world.server)),
    async stop() {
      // The server a test restarted (`w.server = await w.server.restart()`), not the one started here.
      await world.server.stop();
      await sim.close();
    },
  };
  return world;
}

/** E-mails the server wrote (no SMTP_URL: .eml files), optionally only those about one order. */
export function mails(dataDir: string, orderId?: string): string[] {
  const dir = join(dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml') && (!orderId || f.includes(`-${orderId}.eml`)))
    .map((f) => readFileSync(join(dir, f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '='));
}

export const inviteToken = (mail: string) => /\/t\/([A-Za-z0-9_-]{20,})/.exec(mail)?.[1] ?? null;

/** The server's own store and secret box, opened beside it (either store), for the test-only completion path. */
export async function openStore(server: RunningServer): Promise<{ store: Store; box: SecretBox }> {
  return { store: await openServerStore(server.storeEnv), box: new SecretBox(loadConfig(server.storeEnv).masterKey) };
}

/** A Lever order as the stage trigger places it (same source, source order id shape and application id). */
export async function placeLeverOrder(store: Store, box: SecretBox, o: { accountId: string; connectionId: string; opportunityId: string; packageId: string; email: string }): Promise<OrderRow> {
  return store.transaction(async (tx) => {
    const account = (await tx.accounts.get(o.accountId))!;
    const placed = await placeOrder(tx, box, {
      account,
      source: 'lever',
      sourceOrderId: `${o.opportunityId}:test`,
      connectionId: o.connectionId,
      packageId: o.packageId,
      candidate: { externalId: `contact-${o.opportunityId}`, email: o.email, firstName: 'Test', lastName: 'Candidate', locale: null },
      applicationId: o.opportunityId,
      job: { id: null, name: null },
      createdBy: 'test',
    });
    if (placed.kind !== 'created') throw new Error(`order not created: ${JSON.stringify(placed)}`);
    return placed.order;
  });
}

/**
 * Completion exactly as server/candidate/attempt.ts submit() writes it (result, status, write-back queued in
 * one transaction) but with a chosen score, so the rating bands can be checked at their edges.
 */
export async function completeWithScore(store: Store, orders: OrderRow[], score: (o: OrderRow, i: number) => number): Promise<void> {
  await store.transaction(async (tx) => {
    for (const [i, order] of orders.entries()) {
      const completedAt = new Date().toISOString();
      const s = score(order, i);
      await tx.results.insert({ order_id: order.id, account_id: order.account_id, score: s, max_score: 100, details: { score: s, max_score: 100, tests: [{ test_id: 't1', name: 'Numerical', score: s, max_score: 100 }] }, completed_at: completedAt });
      const patch = { status: 'completed' as const, completed_at: completedAt, started_at: order.started_at ?? completedAt, reason: null };
      await tx.orders.update(order.account_id, order.id, patch);
      await enqueueWriteBack(tx, { ...order, ...patch }, 'completed');
    }
  });
}
