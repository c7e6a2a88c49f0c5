import * as jose from 'jose';
import type { DemoFile } from './server.ts';

export interface ContextOverrides {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  iat?: number;
  exp?: number | null;
  secret?: string;
  issuer?: string;
  audience?: string;
}

/** Signs an ATS context token the way an ATS backend would (HS256 with the account's secret). */
export async function mintContext(acc: Pick<DemoFile, 'issuer' | 'audience' | 'context_secret'>, o: ContextOverrides = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const iat = o.iat ?? now;
  const payload: Record<string, unknown> = {
    iss: o.issuer ?? acc.issuer,
    aud: o.audience ?? acc.audience,
    sub: 'recruiter-1',
    iat,
    role: 'recruiter',
    candidate: { id: 'cand-1', email: 'cand@example.com', first_name: 'Casey', last_name: 'Candidate' },
    application: { id: 'app-1' },
    job: { id: 'job-1', name: 'Engineer' },
    ...o.claims,
  };
  if (o.exp !== null) payload.exp = o.exp ?? iat + 600;
  return new jose.SignJWT(payload as jose.JWTPayload).setProtectedHeader({ alg: 'HS256', ...o.header } as jose.JWTHeaderParameters).sign(new TextEncoder().encode(o.secret ?? acc.context_secret));
}

export async function openSession(url: string, context: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context }) });
  return { status: res.status, body: await res.json() };
}

/** A ready widget session token for the demo account (or another), with optional claim overrides. */
export async function sessionToken(url: string, acc: Pick<DemoFile, 'issuer' | 'audience' | 'context_secret'>, o: ContextOverrides = {}): Promise<string> {
  const s = await openSession(url, await mintContext(acc, o));
  if (s.status !== 200) throw new Error(`session failed: ${JSON.stringify(s.body)}`);
  return s.body.token as string;
}

export function api(url: string, token: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: json, headers: res.headers };
  };
  return {
    get: (p: string, h?: Record<string, string>) => call('GET', p, undefined, h),
    post: (p: string, b?: unknown, h?: Record<string, string>) => call('POST', p, b ?? {}, h),
    call,
  };
}
