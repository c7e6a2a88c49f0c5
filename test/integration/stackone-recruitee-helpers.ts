// Shared arrangements of the StackOne, Recruitee and connections:check tests: a real server whose PUBLIC_URL is its
// own address (so `connections:check` can call it as the vendor would), the CLI, the mail folder, the widget's view
// of an application, and a candidate who takes the test through the candidate API.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/net.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { inviteToken, mails, takeTest, until } from '../helpers/candidate.ts';

export { inviteToken, mails, takeTest, until };

/** The real server on a known port, with PUBLIC_URL set to where it listens. */
export async function startPublicServer(): Promise<RunningServer> {
  const port = await freePort();
  return startServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
}

/**
 * `assay <args> --json` as an operator would run it, asynchronously (the simulators in this process must keep
 * answering while the CLI calls them).
 */
export function assayAsync(server: RunningServer, args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/assay.mjs'), ...args, '--json'],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...server.storeEnv, PUBLIC_URL: server.url }, timeout: 60_000 },
      (err, stdout, stderr) => {
        let json: any = null;
        try {
          json = JSON.parse(stdout);
        } catch {
          /* human output */
        }
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        resolve({ code, stdout, stderr, json });
      },
    );
  });
}

export async function addConnection(server: RunningServer, provider: string, settings: Record<string, string | undefined>, account?: string): Promise<string> {
  const sets = Object.entries(settings).flatMap(([k, v]) => (v === undefined ? [] : ['--set', `${k}=${v}`]));
  const r = await assayAsync(server, ['connections:add', '--account', account ?? server.demo.account_id, '--provider', provider, ...sets]);
  if (r.code !== 0) throw new Error(`connections:add failed: ${r.stderr}`);
  return r.json.connection_id as string;
}



/** What the recruiter widget shows for one ATS application: GET /api/orders with a context for it. */
export async function widgetOrders(server: RunningServer, applicationId: string): Promise<any[]> {
  const token = await sessionToken(server.url, server.demo, { claims: { application: { id: applicationId } } });
  const r = await api(server.url, token).call('GET', '/api/orders');
  if (r.status !== 200) throw new Error(`GET /api/orders → ${r.status}`);
  return r.body.orders as any[];
}



/** Waits for the one invitation of an order and completes it as the candidate. */
export async function completeAsCandidate(server: RunningServer, orderId: string, packageId: string) {
  const [mail] = await until(() => mails(server.dataDir, orderId), (m) => m.length === 1, 15_000, `invitation e-mail for ${orderId}`);
  const token = inviteToken(mail!);
  if (!token) throw new Error('no invitation link in the e-mail');
  await takeTest(server.url, token, packageId);
}
