// Starts the real BFF (compiled, or server/main.ts through tsx: serverEntry) as a child process on a free port with its own data folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildState, SERVER_SOURCES } from '../../scripts/build-freshness.mjs';
import { track } from './processes.ts';
import { forgetStore, storeEnvFor, testStore } from './test-store.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface DemoFile {
  account_id: string;
  issuer: string;
  audience: string;
  context_secret: string;
  user: { email: string; password: string };
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  demo: DemoFile;
  env: Record<string, string>;
  /** What a CLI or an in-process config needs to open this server's store: DATA_DIR, and on PostgreSQL DATABASE_URL and ASSAY_MASTER_KEY. */
  storeEnv: Record<string, string>;
  child: ChildProcess;
  logs: string[];
  stop(): Promise<void>;
  /** SIGKILL, as a crash would; the data folder is kept for a restart. */
  kill(): Promise<void>;
  restart(extraEnv?: Record<string, string>): Promise<RunningServer>;
}

export interface StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
  port?: number;
  keepData?: boolean;
  /** Run this compiled entry (e.g. dist/server/main.js) under plain node instead of server/main.ts under tsx. */
  script?: string;
  /** Node options before the script (e.g. --import of a probe). */
  nodeArgs?: string[];
}

/** Servers of this test process still running: killed if the process exits without stopping them. */
const LIVE = Symbol.for('assay.test.liveServers');
const g = globalThis as { [LIVE]?: Set<ChildProcess> };
const live = g[LIVE] ?? (g[LIVE] = new Set<ChildProcess>());
if (live.size === 0) {
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

/**
 * The server as `npm start` runs it (dist/server/main.js under plain node) when that build is newer than every
 * server source — `npm test` builds before it runs — else the TypeScript through tsx, so a test run right after
 * an edit never runs stale code. The compiled server starts faster and smaller, which keeps a loaded machine's
 * tests from waiting on esbuild.
 */
export function serverEntry(): string[] {
  return buildState(['dist/server/main.js'], SERVER_SOURCES) === 'fresh' ? [join(ROOT, 'dist/server/main.js')] : ['--import', 'tsx', join(ROOT, 'server/main.ts')];
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'assay-test-'));
  const port = opts.port ?? 0;
  // On the PostgreSQL run, a database per data folder (unless the test chose its own DATABASE_URL).
  const pgEnv = testStore() === 'postgres' && opts.env?.DATABASE_URL === undefined ? await storeEnvFor(dataDir) : {};
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ASSAY_SWEEP_MS: '500',
    ...pgEnv,
    ...opts.env,
  };
  const storeEnv: Record<string, string> = { DATA_DIR: dataDir };
  for (const k of ['DATABASE_URL', 'ASSAY_MASTER_KEY'] as const) if (env[k]) storeEnv[k] = env[k];
  const forget = async () => {
    if (opts.keepData || opts.dataDir) return;
    rmSync(dataDir, { recursive: true, force: true });
    await forgetStore(dataDir);
  };
  const entry = opts.script ? [opts.script] : serverEntry();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  track(child.pid, `assay server (${dataDir})`);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const logs: string[] = [];
  child.stderr!.on('data', (d) => logs.push(String(d)));
  const listening = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${logs.join('')}`)), 30_000);
    child.stdout!.on('data', (d) => {
      buf += String(d);
      const line = buf.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        const info = JSON.parse(line) as { url: string; port: number };
        resolve(info);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join('')}`));
    });
  }).catch(async (err: Error) => {
    // A server that is slow to start would otherwise come up later with nobody left to stop it.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await forget();
    throw err;
  });
  let demo: DemoFile;
  try {
    demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as DemoFile;
  } catch {
    demo = undefined as unknown as DemoFile;
  }
  const server: RunningServer = {
    url: listening.url,
    port: listening.port,
    dataDir,
    demo,
    env,
    storeEnv,
    child,
    logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await forget();
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async restart(extraEnv = {}) {
      await server.kill();
      return startServer({ ...opts, dataDir, port: listening.port, env: { ...opts.env, ...extraEnv } });
    },
  };
  return server;
}

/** Logs in as the demo admin the way a browser does and opens /dashboard for the strict API cookie (both cookies, for `cookie:`). */
export async function dashboardCookie(srv: Pick<RunningServer, 'url' | 'demo'>): Promise<string> {
  const login = await fetch(`${srv.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, // as Chromium sends a form of our own page
    body: new URLSearchParams({ email: srv.demo.user.email, password: srv.demo.user.password }).toString(),
  });
  const session = /assay_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (!session) throw new Error(`login failed: ${login.status}`);
  const page = await fetch(`${srv.url}/dashboard/settings`, { headers: { cookie: `assay_session=${session}` } });
  const dash = /assay_dash=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
  return `assay_session=${session}; assay_dash=${dash}`;
}
