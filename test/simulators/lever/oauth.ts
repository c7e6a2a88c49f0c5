/**
 * Lever's OAuth (an Auth0 tenant in real life): authorize → code → token, refresh with ROTATING
 * refresh tokens, one-hour JWT access tokens, and revocation of every token of a client.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';

export interface OAuthClient { clientId: string; clientSecret: string; redirectUris: string[] }

export type AuthorizeMode = 'approve' | 'deny' | 'manual';

export interface OAuthSettings {
  accessTokenTtlSeconds: number;
  /** Lever: refresh tokens expire after 90 days without use. */
  refreshTokenIdleSeconds: number;
  authorizeMode: AuthorizeMode;
}

interface CodeGrant { clientId: string; redirectUri: string; scope: string; audience: string; expiresAt: number; used: boolean }
interface AccessToken { clientId: string; scope: string[]; expiresAt: number; revoked: boolean }
interface RefreshToken { clientId: string; scope: string; audience: string; state: 'active' | 'used' | 'revoked'; lastUsedAt: number }
export interface PendingAuthorization { id: string; client_id: string; redirect_uri: string; state: string; scope: string; audience: string; created_at: string }

export interface TokenResponse { access_token: string; refresh_token?: string; token_type: 'Bearer'; scope: string; expires_in: number }

export type AccessCheck = { ok: true; clientId: string; scope: string[] } | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' };

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export class OAuthStore {
  readonly clients = new Map<string, OAuthClient>();
  private codes = new Map<string, CodeGrant>();
  private access = new Map<string, AccessToken>();
  private refresh = new Map<string, RefreshToken>();
  readonly pending = new Map<string, PendingAuthorization>();
  private readonly jwtKey = randomBytes(32);

  constructor(public settings: OAuthSettings, private readonly issuer: () => string) {}

  addClient(c: OAuthClient): void {
    this.clients.set(c.clientId, c);
  }

  redirectAllowed(client: OAuthClient, uri: string): boolean {
    // an empty list accepts any http(s) URL so ad-hoc local setups work; Lever itself matches exactly
    if (client.redirectUris.length === 0) return /^https?:\/\//.test(uri);
    return client.redirectUris.includes(uri);
  }

  newCode(g: Omit<CodeGrant, 'expiresAt' | 'used'>): string {
    const code = randomBytes(16).toString('base64url');
    // UNCONFIRMED: authorization code lifetime (Auth0 default is minutes; not in Lever's docs)
    this.codes.set(code, { ...g, expiresAt: Date.now() + 10 * 60_000, used: false });
    return code;
  }

  /** Mints tokens; a refresh token only when `offline_access` is in scope. */
  issue(clientId: string, scope: string, audience: string): TokenResponse {
    const now = Date.now();
    const ttl = this.settings.accessTokenTtlSeconds;
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({ iss: `${this.issuer()}/`, sub: `${clientId}@clients`, aud: [audience], azp: clientId, iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + ttl, scope, jti: randomUUID() }));
    const sig = createHmac('sha256', this.jwtKey).update(`${header}.${payload}`).digest('base64url');
    const accessToken = `${header}.${payload}.${sig}`;
    const scopes = scope.split(/\s+/).filter(Boolean);
    this.access.set(accessToken, { clientId, scope: scopes, expiresAt: now + ttl * 1000, revoked: false });
    const res: TokenResponse = { access_token: accessToken, token_type: 'Bearer', scope, expires_in: ttl };
    if (scopes.includes('offline_access')) {
      const rt = randomBytes(24).toString('base64url');
      this.refresh.set(rt, { clientId, scope, audience, state: 'active', lastUsedAt: now });
      res.refresh_token = rt;
    }
    return res;
  }

  checkAccess(token: string | null): AccessCheck {
    if (!token) return { ok: false, reason: 'missing' };
    const t = this.access.get(token);
    if (!t) return { ok: false, reason: 'unknown' };
    if (t.revoked) return { ok: false, reason: 'revoked' };
    if (Date.now() >= t.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, clientId: t.clientId, scope: t.scope };
  }

  revokeClient(clientId: string): { access: number; refresh: number } {
    let access = 0;
    let refresh = 0;
    for (const t of this.access.values()) if (t.clientId === clientId && !t.revoked) { t.revoked = true; access++; }
    for (const t of this.refresh.values()) if (t.clientId === clientId && t.state === 'active') { t.state = 'revoked'; refresh++; }
    return { access, refresh };
  }

  expireAccess(clientId?: string): number {
    let n = 0;
    for (const t of this.access.values()) if (!clientId || t.clientId === clientId) { t.expiresAt = 0; n++; }
    return n;
  }

  stats(): { active_access_tokens: number; active_refresh_tokens: number } {
    const now = Date.now();
    return {
      active_access_tokens: [...this.access.values()].filter((t) => !t.revoked && t.expiresAt > now).length,
      active_refresh_tokens: [...this.refresh.values()].filter((t) => t.state === 'active').length,
    };
  }

  /** Token endpoint logic; returns [status, body]. */
  token(form: Record<string, string>): [number, unknown] {
    const client = this.clients.get(form.client_id ?? '');
    // UNCONFIRMED: Auth0-style error bodies and statuses ({ error, error_description }; 401 invalid_client, 403 invalid_grant)
    if (!client || client.clientSecret !== form.client_secret) return [401, { error: 'invalid_client', error_description: 'Client authentication failed.' }];
    if (form.grant_type === 'authorization_code') {
      const g = this.codes.get(form.code ?? '');
      if (!g || g.used || g.clientId !== client.clientId || g.expiresAt < Date.now()) return [403, { error: 'invalid_grant', error_description: 'Invalid authorization code' }];
      if (form.redirect_uri !== g.redirectUri) return [403, { error: 'invalid_grant', error_description: 'The redirect_uri does not match the one used at authorization.' }];
      g.used = true;
      return [200, this.issue(client.clientId, g.scope, g.audience)];
    }
    if (form.grant_type === 'refresh_token') {
      const rt = this.refresh.get(form.refresh_token ?? '');
      const idleLimit = this.settings.refreshTokenIdleSeconds * 1000;
      if (!rt || rt.clientId !== client.clientId || rt.state !== 'active' || Date.now() - rt.lastUsedAt > idleLimit) {
        return [403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }];
      }
      // UNCONFIRMED: Lever returns a new refresh token on refresh [V]; that the old one stops working at once is our reading (rotation)
      rt.state = 'used';
      return [200, this.issue(client.clientId, rt.scope, rt.audience)];
    }
    return [400, { error: 'unsupported_grant_type', error_description: `grant_type ${form.grant_type ?? '(missing)'} is not supported` }];
  }
}

function withQuery(uri: string, params: Record<string, string>): string {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

function errorPage(c: Context, status: 400, message: string) {
  return c.html(`<!doctype html><title>Lever authorization error</title><h1>Authorization error</h1><p>${message.replace(/[<>&]/g, '')}</p>`, status);
}

/** Routes for the auth host: /authorize (Lever's path), /oauth/authorize (alias), /oauth/token. */
export function oauthRoutes(store: OAuthStore, audiences: () => string[]): Hono {
  const app = new Hono();

  const authorize = (c: Context) => {
    const q = c.req.query();
    const client = store.clients.get(q.client_id ?? '');
    if (!client) return errorPage(c, 400, 'Unknown client_id.');
    if (!q.redirect_uri || !store.redirectAllowed(client, q.redirect_uri)) return errorPage(c, 400, 'redirect_uri is not registered for this client (exact match required).');
    const state = q.state ?? '';
    const fail = (error: string, description: string) => c.redirect(withQuery(q.redirect_uri!, { state, error, error_description: description }), 302);
    if (q.response_type !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    if (!state) return fail('invalid_request', 'state is required');
    // UNCONFIRMED: Lever needs audience=https://api.lever.co/v1/; we refuse a missing/unknown one instead of minting an unusable token
    const audience = q.audience ?? '';
    if (!audiences().includes(audience)) return fail('invalid_request', `audience must be one of ${audiences().join(', ')}`);
    const scope = q.scope ?? '';
    if (store.settings.authorizeMode === 'deny') return fail('access_denied', 'The user denied access');
    if (store.settings.authorizeMode === 'approve') {
      const code = store.newCode({ clientId: client.clientId, redirectUri: q.redirect_uri, scope, audience });
      return c.redirect(withQuery(q.redirect_uri, { state, code }), 302);
    }
    const p: PendingAuthorization = { id: randomUUID(), client_id: client.clientId, redirect_uri: q.redirect_uri, state, scope, audience, created_at: new Date().toISOString() };
    store.pending.set(p.id, p);
    return c.html(
      `<!doctype html><title>Authorize app</title><h1>Allow ${client.clientId} to access Lever?</h1><p>Scopes: ${scope.replace(/[<>&]/g, '')}</p>` +
        `<form method="post" action="/oauth/authorize/decide"><input type="hidden" name="id" value="${p.id}">` +
        `<button name="approve" value="true">Accept</button> <button name="approve" value="false">Decline</button></form>`,
    );
  };
  app.get('/authorize', authorize);
  app.get('/oauth/authorize', authorize);

  app.post('/oauth/authorize/decide', async (c) => {
    const form = (await c.req.parseBody()) as Record<string, string>;
    const r = decideAuthorization(store, form.id ?? '', form.approve === 'true');
    if (!r) return errorPage(c, 400, 'Unknown or already decided authorization request.');
    return c.redirect(r.location, 302);
  });

  app.post('/oauth/token', async (c) => {
    const type = c.req.header('content-type') ?? '';
    let form: Record<string, string> = {};
    if (type.includes('application/json')) form = ((await c.req.json().catch(() => ({}))) ?? {}) as Record<string, string>;
    else form = Object.fromEntries(new URLSearchParams(await c.req.text()));
    const [status, body] = store.token(form);
    return c.json(body as object, status as 200, { 'Cache-Control': 'no-store' });
  });

  return app;
}

/** Approves or declines a pending (manual-mode) authorization; returns where the browser goes next. */
export function decideAuthorization(store: OAuthStore, id: string, approve: boolean): { location: string } | null {
  const p = store.pending.get(id);
  if (!p) return null;
  store.pending.delete(id);
  if (!approve) return { location: withQuery(p.redirect_uri, { state: p.state, error: 'access_denied', error_description: 'The user denied access' }) };
  const code = store.newCode({ clientId: p.client_id, redirectUri: p.redirect_uri, scope: p.scope, audience: p.audience });
  return { location: withQuery(p.redirect_uri, { state: p.state, code }) };
}
