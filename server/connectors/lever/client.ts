// Every call Assay makes to Lever: the rate limiter, OAuth (authorize URL, code exchange, refresh), the
// API client, and the lookups (stages, the user we write as, the feedback template) the connector caches.
//
// Client-side limiter for Lever's budget: a token bucket per connection that makes callers wait, kept
// under Lever's documented default (10 requests/s steady, bursts of 20) so we rarely see a 429.
// In process memory: several BFF instances each apply it, so size it per instance.
import { randomBytes } from 'node:crypto';
import { connectorConfig } from '../../config.ts';
import { safeEqual, sha256Hex } from '../../crypto/secrets.ts';
import { ApiError } from '../../errors.ts';
import { callVendor, PermanentError, RetryableError, assertNoDotSegments, failureFor, parseRetryAfter, type VendorResponse } from '../../http/client.ts';
import { NotReadyError } from '../../outbox/worker.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, Repos } from '../../store/types.ts';
import { leverSettings, PROVIDER, SCOPES, type LeverSettings } from './settings.ts';

export interface LimiterOptions {
  ratePerSecond: number;
  burst: number;
}

/** Defaults under Lever's bucket; tests compress them with ASSAY_LEVER_RATE_PER_SECOND / ASSAY_LEVER_BURST. */
export function limiterOptions(): LimiterOptions {
  const c = connectorConfig();
  return { ratePerSecond: c.leverRatePerSecond, burst: c.leverBurst };
}

export class TokenBucket {
  #tokens: number;
  #last = Date.now();
  /** No token is handed out before this time (set after a 429 so every caller backs off, not only the one that was refused). */
  #pausedUntil = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(readonly opts: LimiterOptions) {
    this.#tokens = opts.burst;
  }

  #refill(now: number) {
    this.#tokens = Math.min(this.opts.burst, this.#tokens + ((now - this.#last) / 1000) * this.opts.ratePerSecond);
    this.#last = now;
  }

  /** Waits for a token; callers are served in arrival order. */
  take(): Promise<void> {
    const turn = this.#queue.then(async () => {
      for (;;) {
        const now = Date.now();
        if (now < this.#pausedUntil) {
          await sleep(this.#pausedUntil - now);
          continue;
        }
        this.#refill(now);
        if (this.#tokens >= 1) {
          this.#tokens -= 1;
          return;
        }
        await sleep(Math.ceil(((1 - this.#tokens) / this.opts.ratePerSecond) * 1000));
      }
    });
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** After a 429: empty the bucket and hold everyone for `ms`. */
  pause(ms: number): void {
    this.#tokens = 0;
    this.#last = Date.now();
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + ms);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const buckets = new Map<string, TokenBucket>();

export function bucketFor(connectionId: string): TokenBucket {
  let b = buckets.get(connectionId);
  if (!b) buckets.set(connectionId, (b = new TokenBucket(limiterOptions())));
  return b;
}

// Lever OAuth (authorization code + rotating refresh tokens, contracts/ats-native.md §2.1):
// the authorize URL with a single-use state, the callback that activates a connection, and the
// token store (sealed at rest) with refresh before expiry, single-flight across processes.

const STATE_KEY = 'oauth_state';
const TOKENS_KEY = 'oauth_tokens';
const LEASE_KEY = 'oauth_refresh_lease';
const STATE_TTL_MS = 30 * 60_000;
/** Refresh this long before the access token's expiry, so no call goes out with a token about to die. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
const LEASE_MS = 30_000;

interface StoredState {
  hash: string;
  expires_at: number;
  /** The exchange must repeat the redirect_uri of the authorize request exactly. */
  redirect_uri: string;
  /** Where the consenting admin's browser goes after the callback (a path of ours, e.g. the dashboard's mapping page). */
  return_to?: string;
}
interface StoredTokens {
  /** Sealed `{ access_token, refresh_token }`. */
  sealed: string;
  expires_at: number;
  scope: string;
  obtained_at: string;
}
export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

/** The one redirect URI registered with Lever for every customer; the state names the connection. */
export const redirectUri = (svc: Services) => `${svc.config.publicUrl}/partner/lever/oauth/callback`;

/** Lever's audience for the API the tokens are for; the API origin decides it (sandbox, production, simulator). */
function audienceFor(s: LeverSettings): string {
  if (s.baseUrl === 'https://api.lever.co/v1') return 'https://api.lever.co/v1/';
  if (s.baseUrl === 'https://api.sandbox.lever.co/v1') return 'https://api.sandbox.lever.co/v1/';
  return `${s.baseUrl}/`;
}

/** A fresh authorize URL; any earlier one for this connection stops working (one outstanding state). */
export async function startAuthorization(svc: Services, connection: ConnectionRow, opts: { returnTo?: '/dashboard/integrations/lever' } = {}): Promise<string> {
  const s = leverSettings(svc, connection);
  const secret = randomBytes(24).toString('base64url');
  const stored = { hash: sha256Hex(secret), expires_at: Date.now() + STATE_TTL_MS, redirect_uri: redirectUri(svc), ...(opts.returnTo ? { return_to: opts.returnTo } : {}) } satisfies StoredState;
  await svc.store.transaction((tx) => tx.connectorState.put(connection.id, STATE_KEY, stored));
  const url = new URL(`${s.authUrl}/authorize`);
  url.search = new URLSearchParams({
    client_id: s.clientId,
    redirect_uri: redirectUri(svc),
    response_type: 'code',
    state: `${connection.id}.${secret}`,
    audience: audienceFor(s),
    scope: SCOPES,
  }).toString();
  return url.toString();
}

type TokenAnswer = { access_token: string; refresh_token: string; expires_in: number; scope?: string };

class GrantRejected extends PermanentError {}

async function tokenRequest(s: LeverSettings, form: Record<string, string>): Promise<TokenAnswer> {
  const res = await callVendor(`${s.authUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ ...form, client_id: s.clientId, client_secret: s.clientSecret }).toString(),
  });
  const body = res.json<Partial<TokenAnswer> & { error?: string; error_description?: string }>();
  if (res.status === 429 || res.status >= 500) throw new RetryableError(`Lever's token endpoint answered HTTP ${res.status}`);
  if (res.status !== 200 || !body) {
    // UNCONFIRMED: Auth0-style { error, error_description }; invalid_grant for a used, revoked or idle refresh token
    const what = body?.error ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}` : `HTTP ${res.status}`;
    if (body?.error === 'invalid_grant') throw new GrantRejected(`Lever refused the grant (${what}).`);
    throw new PermanentError(`Lever's token endpoint refused the request (${what}).`);
  }
  if (typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') {
    throw new PermanentError('Lever answered without an access token and a refresh token (is offline_access granted?).');
  }
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
  return { access_token: body.access_token, refresh_token: body.refresh_token, expires_in: expiresIn, scope: body.scope };
}

function sealTokens(svc: Services, t: TokenAnswer): StoredTokens {
  return {
    sealed: svc.box.sealJson({ access_token: t.access_token, refresh_token: t.refresh_token }),
    expires_at: Date.now() + t.expires_in * 1000,
    scope: t.scope ?? '',
    obtained_at: new Date().toISOString(),
  };
}

async function loadTokens(svc: Services, connectionId: string): Promise<Tokens | null> {
  const st = await svc.store.connectorState.get<StoredTokens>(connectionId, TOKENS_KEY);
  if (!st) return null;
  const t = svc.box.openJson<{ access_token: string; refresh_token: string }>(st.sealed);
  return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: st.expires_at };
}

/** Deletes the tokens (revocation); the state of an unfinished authorization goes too. */
export async function forgetTokens(tx: Pick<Repos, 'connectorState'>, connectionId: string): Promise<void> {
  await tx.connectorState.delete(connectionId, TOKENS_KEY);
  await tx.connectorState.delete(connectionId, STATE_KEY);
  await tx.connectorState.delete(connectionId, LEASE_KEY);
}

/** Connector.onRevoked: a revoked connection's tokens, pending consent and refresh lease are deleted with it. */
export const onRevoked = (tx: Pick<Repos, 'connectorState'>, connection: ConnectionRow): Promise<void> => forgetTokens(tx, connection.id);

/** GET /partner/lever/oauth/callback: checks the single-use state, exchanges the code, activates the connection. */
export async function completeAuthorization(svc: Services, q: { state: string; code?: string; error?: string; error_description?: string }): Promise<ConnectionRow & { return_to?: string }> {
  const invalid = () => new ApiError(400, 'oauth_state_invalid', 'This authorization link is unknown, expired or already used; start again with `assay lever:authorize <connection>`.');
  const dot = q.state.indexOf('.');
  if (dot < 1) throw invalid();
  const connectionId = q.state.slice(0, dot);
  const secret = q.state.slice(dot + 1);
  const connection = await svc.store.connections.getById(connectionId);
  if (!connection || connection.provider !== PROVIDER) throw invalid();
  // Check and consume the state in one unit of work: a state can be used once, even by two racing requests.
  const st = await svc.store.transaction(async (tx) => {
    const found = await tx.connectorState.get<StoredState>(connection.id, STATE_KEY);
    if (!found || !safeEqual(found.hash, sha256Hex(secret))) throw invalid();
    await tx.connectorState.delete(connection.id, STATE_KEY);
    return found;
  });
  if (st.expires_at < Date.now()) throw invalid();
  if (connection.status === 'revoked') throw new ApiError(409, 'connection_revoked', 'This Lever connection was revoked; add a new connection instead.');
  if (q.error) {
    const error = q.error.slice(0, 100);
    await svc.store.transaction((tx) => tx.audit.add({ account_id: connection.account_id, actor: 'lever', action: 'connection.authorization_denied', target: connection.id, details: { error } }));
    throw new ApiError(400, 'lever_authorization_denied', `Lever did not grant access (${q.error}${q.error_description ? `: ${q.error_description.slice(0, 200)}` : ''}); nothing was connected.`);
  }
  if (!q.code) throw new ApiError(400, 'invalid_query', 'Lever sent neither a code nor an error.');
  const s = leverSettings(svc, connection);
  let answer: TokenAnswer;
  try {
    answer = await tokenRequest(s, { grant_type: 'authorization_code', code: q.code, redirect_uri: st.redirect_uri });
  } catch (err) {
    throw new ApiError(502, 'lever_token_exchange_failed', `Lever did not exchange the authorization code: ${(err as Error).message} Start again with \`assay lever:authorize ${connection.id}\`.`);
  }
  await svc.store.transaction(async (tx) => {
    const cur = await tx.connections.get(connection.account_id, connection.id);
    if (!cur || cur.status === 'revoked') throw new ApiError(409, 'connection_revoked', 'This Lever connection was revoked while it was being authorized.');
    await tx.connectorState.put(connection.id, TOKENS_KEY, sealTokens(svc, answer));
    if (cur.status !== 'active') await tx.connections.update(connection.account_id, connection.id, { status: 'active' });
    await tx.audit.add({ account_id: connection.account_id, actor: 'lever', action: 'connection.authorized', target: connection.id, details: { scope: answer.scope ?? '' } });
  });
  return { ...connection, status: 'active', ...(st.return_to ? { return_to: st.return_to } : {}) };
}

const inFlight = new Map<string, Promise<Tokens>>();

/**
 * A usable access token: refreshed when it expires within the margin, or when `rejected` (a token Lever
 * just answered 401 to) is still the stored one. Without tokens: a pending connection waits, a revoked one stops.
 */
export async function accessToken(svc: Services, connection: ConnectionRow, rejected?: string): Promise<string> {
  const t = await loadTokens(svc, connection.id);
  if (!t) {
    const cur = await svc.store.connections.getById(connection.id);
    if (!cur || cur.status === 'revoked') throw new PermanentError('The Lever connection was revoked; nothing is sent to Lever any more.');
    throw new NotReadyError('The Lever connection is not authorized yet; run `assay lever:authorize` and finish the consent in Lever.');
  }
  const due = t.expiresAt - Date.now() < REFRESH_MARGIN_MS || (rejected !== undefined && rejected === t.accessToken);
  if (!due) return t.accessToken;
  return (await refreshTokens(svc, connection, t)).accessToken;
}

/** One refresh per connection at a time: in this process by a shared promise, across processes by a lease row. */
export function refreshTokens(svc: Services, connection: ConnectionRow, seen: Tokens): Promise<Tokens> {
  let p = inFlight.get(connection.id);
  if (!p) {
    p = doRefresh(svc, connection, seen).finally(() => inFlight.delete(connection.id));
    inFlight.set(connection.id, p);
  }
  return p;
}

async function doRefresh(svc: Services, connection: ConnectionRow, seen: Tokens): Promise<Tokens> {
  const holder = randomBytes(8).toString('hex');
  const until = Date.now() + LEASE_MS;
  for (;;) {
    const got = await svc.store.transaction(async (tx) => {
      const lease = await tx.connectorState.get<{ holder: string; until: number }>(connection.id, LEASE_KEY);
      if (lease && lease.until > Date.now()) return false;
      await tx.connectorState.put(connection.id, LEASE_KEY, { holder, until: Date.now() + LEASE_MS });
      return true;
    });
    const now = await loadTokens(svc, connection.id);
    if (!now) throw new PermanentError('The Lever connection was revoked; nothing is sent to Lever any more.');
    if (now.refreshToken !== seen.refreshToken) {
      // Another process refreshed meanwhile: use its tokens.
      if (got) await releaseLease(svc, connection.id, holder);
      return now;
    }
    if (got) break;
    if (Date.now() > until) throw new RetryableError('Another process has been refreshing the Lever token for too long.');
    await sleep(100);
  }
  try {
    const s = leverSettings(svc, connection);
    let answer: TokenAnswer;
    try {
      answer = await tokenRequest(s, { grant_type: 'refresh_token', refresh_token: seen.refreshToken });
    } catch (err) {
      if (err instanceof GrantRejected) {
        throw new PermanentError(`Lever no longer accepts this connection's refresh token (access revoked in Lever, or unused for 90 days); run \`assay lever:authorize ${connection.id}\` to reconnect.`);
      }
      throw err;
    }
    // Lever rotates refresh tokens: the old one is dead now, so the new pair is written at once, in one
    // statement, before anything uses it — and never over a revocation that happened meanwhile.
    const stored = sealTokens(svc, answer);
    const kept = await svc.store.transaction(async (tx) => {
      const cur = await tx.connections.get(connection.account_id, connection.id);
      if (!cur || cur.status === 'revoked') return false;
      await tx.connectorState.put(connection.id, TOKENS_KEY, stored);
      await tx.connectorState.delete(connection.id, LEASE_KEY);
      return true;
    });
    if (!kept) throw new PermanentError('The Lever connection was revoked; nothing is sent to Lever any more.');
    svc.log.info('lever tokens refreshed', { connection: connection.id });
    return { accessToken: answer.access_token, refreshToken: answer.refresh_token, expiresAt: stored.expires_at };
  } catch (err) {
    await releaseLease(svc, connection.id, holder);
    throw err;
  }
}

async function releaseLease(svc: Services, connectionId: string, holder: string): Promise<void> {
  await svc.store.transaction(async (tx) => {
    const lease = await tx.connectorState.get<{ holder: string }>(connectionId, LEASE_KEY);
    if (lease?.holder === holder) await tx.connectorState.delete(connectionId, LEASE_KEY);
  });
}

/** Periodic: refresh tokens that expire soon, so refresh tokens never idle out (Lever: 90 days). */
export async function refreshExpiring(svc: Services): Promise<void> {
  for (const c of await svc.store.connections.listByProvider(PROVIDER, 'active')) {
    try {
      const t = await loadTokens(svc, c.id);
      if (t && t.expiresAt - Date.now() < REFRESH_MARGIN_MS * 2) await refreshTokens(svc, c, t);
    } catch (err) {
      svc.log.warn('lever token refresh failed', { connection: c.id, error: (err as Error).message });
    }
  }
}

// Calls to Lever's API for one connection: Bearer token (refreshed on expiry or a 401), the client-side
// rate limiter, backoff on 429, Lever's `{ data, hasNext, next }` lists, and errors the outbox understands.

/** 429s are retried in place this many times before the outbox takes over with its own backoff. */
const INLINE_429_RETRIES = 4;

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Statuses the caller handles itself (e.g. 404) instead of an error. */
  accept?: number[];
}

export class LeverError extends PermanentError {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export class LeverClient {
  readonly baseUrl: string;
  constructor(readonly svc: Services, readonly connection: ConnectionRow) {
    this.baseUrl = leverSettings(svc, connection).baseUrl;
  }

  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<{ status: number; body: T | null }> {
    assertNoDotSegments(`${this.baseUrl}${path}`); // before new URL() resolves them
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const what = `Lever ${method} ${path.replace(/[0-9a-f-]{20,}/gi, ':id')}`;
    const bucket = bucketFor(this.connection.id);
    const backoffMs = connectorConfig().leverBackoffMs;
    let token = await accessToken(this.svc, this.connection);
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      await bucket.take();
      const res: VendorResponse = await callVendor(url.toString(), {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      });
      if (res.status === 401 && !refreshed) {
        // Expired or rotated under us: refresh once (single-flight) and try again.
        token = await accessToken(this.svc, this.connection, token);
        refreshed = true;
        continue;
      }
      if (res.status === 429) {
        // UNCONFIRMED: Lever documents no Retry-After on 429; honour one if it ever comes, else back off exponentially with jitter.
        const wait = parseRetryAfter(res.headers.get('retry-after')) ?? backoffMs * 2 ** attempt * (0.5 + Math.random() / 2);
        bucket.pause(wait);
        if (attempt < INLINE_429_RETRIES) {
          await sleep(wait);
          continue;
        }
        throw new RetryableError(`${what}: Lever is rate limiting us (HTTP 429)`, wait);
      }
      if ((res.status >= 200 && res.status < 300) || opts.accept?.includes(res.status)) return { status: res.status, body: res.json<T>() };
      if (res.status === 401) throw new PermanentError(`${what}: Lever rejected our token even after a refresh (HTTP 401).`);
      const f = failureFor(res, what);
      throw f instanceof RetryableError ? f : new LeverError(f.message, res.status);
    }
  }

  /** Every item of a Lever list, following `next` offsets (at most `maxPages` pages of 100). */
  async list<T>(path: string, query: Record<string, string | undefined> = {}, maxPages = 20): Promise<T[]> {
    const out: T[] = [];
    let offset: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const { body } = await this.request<{ data?: T[]; hasNext?: boolean; next?: string }>('GET', path, { query: { ...query, limit: '100', offset } });
      out.push(...(body?.data ?? []));
      if (!body?.hasNext || !body.next) break;
      offset = body.next;
    }
    return out;
  }
}

// Small Lever lookups cached per connection in connectorState: stage names, the perform_as user,
// and the feedback template that carries the fixed Rating question.

const STAGES_KEY = 'stages';
const TEMPLATE_KEY = 'feedback_template';
const PERFORM_AS_KEY = 'perform_as_user';
const STAGES_TTL_MS = 10 * 60_000;
const TEMPLATE_TTL_MS = 30 * 60_000;

export interface Stage {
  id: string;
  text: string;
}
export interface TemplateField {
  id: string;
  type: string;
  text: string;
  required?: boolean;
  options?: { text: string }[];
}
export interface FeedbackTemplate {
  id: string;
  text: string;
  fields: TemplateField[];
}

/** Connector.settingsChanged: another API, stage name or user makes the cached lookups wrong, so they are read again. */
export async function settingsChanged(tx: Pick<Repos, 'connectorState'>, connection: ConnectionRow): Promise<void> {
  for (const key of [STAGES_KEY, TEMPLATE_KEY, PERFORM_AS_KEY]) await tx.connectorState.delete(connection.id, key);
}

/** Concurrent callers of one lookup share one request. */
const shared = new Map<string, Promise<unknown>>();
function once<T>(key: string, fn: () => Promise<T>): Promise<T> {
  let p = shared.get(key) as Promise<T> | undefined;
  if (!p) {
    p = fn().finally(() => shared.delete(key));
    shared.set(key, p);
  }
  return p;
}

/** The stage's name; the webhook carries only ids, so GET /stages is cached and re-read when an id is new. */
export async function stageName(client: LeverClient, stageId: string): Promise<string | null> {
  const id = client.connection.id;
  const state = client.svc.store.connectorState;
  const cached = await state.get<{ fetched_at: number; stages: Stage[] }>(id, STAGES_KEY);
  const hit = cached?.stages.find((s) => s.id === stageId);
  if (cached && hit && Date.now() - cached.fetched_at < STAGES_TTL_MS) return hit.text;
  const stages = await once(`stages:${id}`, async () => {
    const list = (await client.list<Stage>('/stages')).map((s) => ({ id: s.id, text: s.text }));
    await client.svc.store.transaction((tx) => tx.connectorState.put(id, STAGES_KEY, { fetched_at: Date.now(), stages: list }));
    return list;
  });
  return stages.find((s) => s.id === stageId)?.text ?? null;
}

/** The Lever user we act as (feedback and posting writes require one): an id, or an e-mail looked up once. */
export async function performAsUser(client: LeverClient): Promise<string> {
  const configured = leverSettings(client.svc, client.connection).performAs;
  if (!configured) throw new PermanentError('Set perform_as (the Lever user Assay writes as) on this connection; Lever requires it for feedback and posting changes.');
  if (!configured.includes('@')) return configured;
  const state = client.svc.store.connectorState;
  const cached = await state.get<{ email: string; id: string }>(client.connection.id, PERFORM_AS_KEY);
  if (cached?.email === configured) return cached.id;
  return once(`user:${client.connection.id}`, async () => {
    const users = await client.list<{ id: string; email: string }>('/users', { email: configured }, 1);
    const user = users.find((u) => u.email.toLowerCase() === configured.toLowerCase());
    if (!user) throw new PermanentError(`perform_as names ${configured}, but Lever has no user with that e-mail.`);
    await client.svc.store.transaction((tx) => tx.connectorState.put(client.connection.id, PERFORM_AS_KEY, { email: configured, id: user.id }));
    return user.id;
  });
}

/** The Rating question is a fixed element of every Lever form; find it by its options or its text, not its type. */
export function ratingField(t: FeedbackTemplate): TemplateField | undefined {
  return (
    t.fields.find((f) => (f.options ?? []).some((o) => /^\s*[1-4]\s*-\s*(strong\s+)?(no\s+)?hire\b/i.test(o.text))) ??
    t.fields.find((f) => f.text.trim().toLowerCase() === 'rating' && (f.options ?? []).length > 0)
  );
}

/** Our template: one whose name mentions Assay, else the first with a Rating field. */
export async function feedbackTemplate(client: LeverClient): Promise<FeedbackTemplate> {
  const id = client.connection.id;
  const state = client.svc.store.connectorState;
  const cached = await state.get<{ fetched_at: number; template: FeedbackTemplate }>(id, TEMPLATE_KEY);
  if (cached && Date.now() - cached.fetched_at < TEMPLATE_TTL_MS) return cached.template;
  return once(`template:${id}`, async () => {
    const all = await client.list<FeedbackTemplate>('/feedback_templates');
    const usable = all.filter((t) => Array.isArray(t.fields) && ratingField(t));
    // UNCONFIRMED: which template a partner should use; Lever lets partners create one (feedback_templates:write:admin), we pick an existing one
    const template = usable.find((t) => /assay/i.test(t.text)) ?? usable[0];
    if (!template) throw new PermanentError('Lever has no feedback template with the Rating question; create one (e.g. "Assay assessment result") and the result will be written.');
    const slim: FeedbackTemplate = { id: template.id, text: template.text, fields: template.fields.map((f) => ({ id: f.id, type: f.type, text: f.text, required: !!f.required, ...(f.options ? { options: f.options.map((o) => ({ text: o.text })) } : {}) })) };
    await client.svc.store.transaction((tx) => tx.connectorState.put(id, TEMPLATE_KEY, { fetched_at: Date.now(), template: slim }));
    return slim;
  });
}
