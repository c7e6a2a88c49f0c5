// The real BFF as a child process (as test/helpers/server.ts starts it), context tokens and widget sessions.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jose from 'jose';
import { ensureBuilt, ROOT, startListening, type Child } from './common.ts';

export interface Demo {
  account_id: string;
  issuer: string;
  audience: string;
  context_secret: string;
}

export interface Assay extends Child {
  dataDir: string;
  demo: Demo;
  /** Stops the server and removes its data folder. */
  close(): Promise<void>;
}

/** The node options `npm start` gives the compiled server (package.json's start script, their one place), so
 * the benchmarks run it as deployed (the V8 heap limits that keep its RSS down, issue 19). */
export function startNodeArgs(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /\bnode((?:\s+--\S+)*)\s+dist\/server\/main\.js\b/.exec(start);
  if (!m) throw new Error(`package.json's start script does not run dist/server/main.js with node: ${start}`);
  return m[1]!.trim().split(/\s+/).filter(Boolean);
}

/** A fresh data folder on the real disk (not tmpfs, where fsync would be free), demo account seeded. */
export async function startAssay(opts: { env?: Record<string, string>; nodeArgs?: string[]; dataDir?: string; /** Another compiled server (a main.js built by scripts/build-server.ts beside dist/server), to compare builds. */ script?: string } = {}): Promise<Assay> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'assay-bench-'));
  // The compiled server under plain node, as `npm start` runs it (built when missing; ASSAY_BENCH_TSX=1: the sources under tsx).
  const fromSources = process.env.ASSAY_BENCH_TSX === '1';
  if (!fromSources) await ensureBuilt();
  const script = opts.script ?? join(ROOT, fromSources ? 'server/main.ts' : 'dist/server/main.js');
  const nodeArgs = [...(fromSources ? [] : startNodeArgs()), ...(opts.nodeArgs ?? [])];
  const child = await startListening(script, { DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...opts.env }, nodeArgs);
  const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as Demo;
  return {
    ...child,
    dataDir,
    demo,
    async close() {
      await child.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Person {
  candidate: { id: string; email: string; first_name: string; last_name: string };
  application: { id: string };
}

let seq = 0;
export function person(prefix = 'bench'): Person {
  const n = `${prefix}-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  return { candidate: { id: n, email: `${n}@example.test`, first_name: 'Ada', last_name: 'Lovelace' }, application: { id: `app-${n}` } };
}

/** An ATS context token per API.md: HS256 with the account's secret. */
export function mintContext(demo: Demo, who: Person = person(), ttlS = 600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ role: 'recruiter', candidate: who.candidate, application: who.application, job: { id: 'job-1', name: 'Frontend Engineer' } })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(demo.issuer)
    .setAudience(demo.audience)
    .setSubject('ats-user-1')
    .setIssuedAt(now)
    .setExpirationTime(now + ttlS)
    .sign(new TextEncoder().encode(demo.context_secret));
}

export async function openSession(url: string, context: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context }) });
  if (!res.ok) throw new Error(`POST /api/session: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function call<T = any>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
