// Chromium, a second-origin host page, context tokens and axe-core for the widget's browser tests.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import * as jose from 'jose';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { DemoFile } from '../helpers/server.ts';

const require = createRequire(import.meta.url);

/** The dashboard's navigation as an admin sees it, in order, as [link text, href]: the one list the tests compare the page with. */
export const ADMIN_NAV: [string, string][] = [
  ['Candidates', '/dashboard/candidates'],
  ['Jobs', '/dashboard/jobs'],
  ['Integrations', '/dashboard/integrations'],
  ['Team', '/dashboard/team'],
  ['Settings', '/dashboard/settings'],
  ['Insights', '/insights'],
  ['Connect your ATS', '/connect'],
];

/** One headless Chromium per test file; Playwright gives each launch a fresh, temporary user-data-dir. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface ContextClaims {
  role?: 'recruiter' | 'admin' | 'viewer';
  candidate?: { id: string; email?: string; first_name?: string; last_name?: string };
  application?: { id: string };
  job?: { id?: string; name?: string };
  locale?: string;
  /** Lifetime in seconds (API.md allows at most 15 minutes). */
  ttl?: number;
}

let seq = 0;

/** A unique candidate + application per call, so tests never see each other's orders. */
export function freshCandidate(prefix = 'cand'): Required<Pick<ContextClaims, 'candidate' | 'application'>> {
  const n = `${prefix}-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  return {
    candidate: { id: n, email: `${n}@example.test`, first_name: 'Ada', last_name: 'Lovelace' },
    application: { id: `app-${n}` },
  };
}

/** Signs a context token the way an ATS would: HS256 with the account's secret, claims per API.md. */
export async function mintContext(demo: DemoFile, claims: ContextClaims = {}): Promise<string> {
  const who = claims.candidate && claims.application ? { candidate: claims.candidate, application: claims.application } : freshCandidate();
  return new jose.SignJWT({
    role: claims.role ?? 'recruiter',
    candidate: who.candidate,
    application: who.application,
    job: claims.job ?? { id: 'job-1', name: 'Frontend Engineer' },
    ...(claims.locale ? { locale: claims.locale } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(demo.issuer)
    .setAudience(demo.audience)
    .setSubject('ats-user-1')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.ttl ?? 600))
    .sign(new TextEncoder().encode(demo.context_secret));
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

export interface HostServer {
  url: string;
  origin: string;
  /** Every request path the host server saw, in order. */
  requests: string[];
  route(path: string, handler: Handler): void;
  page(path: string, html: string, csp?: string): void;
  script(path: string, js: string): void;
  stop(): Promise<void>;
}

/**
 * A tiny static server playing the integrator's site on another loopback origin
 * (`localhost:<port>`, while Assay runs on `127.0.0.1:<port>`).
 */
export async function startHost(): Promise<HostServer> {
  const routes = new Map<string, Handler>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      requests.push(path);
      const handler = routes.get(path);
      if (!handler) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      void Promise.resolve(handler(req, res, body)).catch((err) => res.writeHead(500).end(String(err)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://localhost:${port}`;
  return {
    url: origin,
    origin,
    requests,
    route: (path, handler) => void routes.set(path, handler),
    page(path, html, csp) {
      routes.set(path, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...(csp ? { 'content-security-policy': csp } : {}) });
        res.end(html);
      });
    },
    script(path, js) {
      routes.set(path, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
        res.end(js);
      });
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The strict host-page CSP from the embed issue: no inline script or style at all. */
export const strictCsp = (assayOrigin: string) =>
  `default-src 'self'; script-src 'self' ${assayOrigin}; style-src 'self'; frame-src ${assayOrigin}; connect-src 'self'`;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

const axeSource = () => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core inside a page or frame (injected through the DevTools protocol, which the widget's
 * own CSP does not block) and returns the violations, WCAG 2.x A/AA plus best practices.
 */
export async function runAxe(target: Page | Frame): Promise<AxeViolation[]> {
  await target.evaluate(axeSource());
  return target.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

/** A readable line per violation, for assertion messages. */
export const describeViolations = (violations: AxeViolation[]) =>
  violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`).join('\n');

/** Fails, listing them, if axe finds any violation on the page (`where` names the state in the message). */
export async function expectAccessible(page: Page | Frame, where: string): Promise<void> {
  const violations = await runAxe(page);
  expect(violations, `${where}:\n${describeViolations(violations)}`).toEqual([]);
}

/** A widget session straight over HTTP (for arranging data without the UI). */
export async function apiSession(baseUrl: string, context: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context }) });
  if (!res.ok) throw new Error(`session: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function apiCall<T>(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
