/**
 * Lever simulator: OAuth (auth host) + the /v1 API + candidateStageChange/candidateHired webhooks,
 * one real HTTP server. Control API under /_sim (see README.md).
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { Fault } from '../shared/faults.ts';
import type { LoggedRequest, RequestFilter } from '../shared/request-log.ts';
import { startHonoApp } from '../shared/server.ts';
import type { SimHandle, StartOptions } from '../shared/types.ts';
import { apiRoutes } from './api.ts';
import { ALL_SCOPES, controlRoutes, parseConfigPatch } from './control.ts';
import { decideAuthorization, oauthRoutes, type AuthorizeMode, type PendingAuthorization, type TokenResponse } from './oauth.ts';
import { DEFAULT_RETRY_DELAYS_MS, LeverSim, leverErrorBody, type LeverConfig } from './sim.ts';
import { DEFAULT_IDS, TRIGGER_STAGE_NAME, type Feedback, type LeverSeed, type Note, type Opportunity, type Posting } from './state.ts';
import type { Delivery } from '../shared/webhook-sender.ts';

export { buildLeverWebhookBody, leverSignature, verifyLeverSignature } from './signing.ts';
export { ALL_SCOPES, DEFAULT_IDS, TRIGGER_STAGE_NAME };
export type { Delivery, Feedback, LeverConfig, LeverSeed, Note, Opportunity, Posting };

export interface LeverStartOptions extends StartOptions {
  clientId?: string;
  clientSecret?: string;
  /** null = webhooks are not signed (no `signature` field). Default: a random token. */
  signatureToken?: string | null;
  /** Default 'approve' (auto-approve). */
  authorizeMode?: AuthorizeMode;
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** false disables; default { ratePerSecond: 10, burst: 20 }. */
  rateLimit?: { ratePerSecond: number; burst: number } | false;
  /** The rate limiter's clock (ms); default Date.now. Tests pass their own to refill the bucket deterministically. */
  now?: () => number;
  /** Waits before retries 1..5; default minutes to hours. Pass e.g. [10, 10, 10, 10, 10] in tests. */
  retryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  /** Default true. */
  enforceScopes?: boolean;
  /** Exact redirect URIs registered for the client; [] (default) accepts any http(s) URL. */
  redirectUris?: string[];
  /** Default true: seed stages, a user, a posting, an opportunity and a feedback template. */
  seed?: boolean;
  /** 'score' (docs example, default) or 'score-system'. */
  ratingFieldType?: string;
}

export interface LeverSimHandle extends SimHandle {
  /** The auth host (authorize at `${authUrl}/authorize`, tokens at `${authUrl}/oauth/token`). */
  authUrl: string;
  origin: string;
  getConfig(): LeverConfig;
  config(patch: Partial<LeverConfig>): LeverConfig;
  reset(defaults?: boolean): void;
  seed(seed: LeverSeed): Record<string, string[]>;
  moveToStage(opportunityId: string, stageIdOrName: string): { opportunity: Opportunity; deliveryId: string | null };
  hire(opportunityId: string): { opportunity: Opportunity; deliveryId: string | null };
  sendTestWebhook(): string | null;
  opportunity(id: string): Opportunity | undefined;
  posting(id: string): Posting | undefined;
  postingTags(id: string): string[] | undefined;
  notes(opportunityId?: string): Note[];
  feedback(opportunityId?: string): Feedback[];
  deliveries(event?: string): Delivery[];
  waitForDeliveries(timeoutMs?: number): Promise<Delivery[]>;
  requests(filter?: RequestFilter): LoggedRequest[];
  /** How many 429s the token bucket answered (faults not counted). */
  rateLimited(): number;
  resetRateLimit(): void;
  revoke(clientId?: string): { access: number; refresh: number };
  expireAccessTokens(clientId?: string): number;
  mintTokens(scope?: string): TokenResponse;
  pendingAuthorizations(): PendingAuthorization[];
  decideAuthorization(id: string, approve: boolean): { location: string } | null;
  pushFaults(f: Fault | Fault[]): void;
  clearFaults(): void;
}

export async function startSimulator(opts: LeverStartOptions = {}): Promise<LeverSimHandle> {
  const config: LeverConfig = {
    webhook_url: typeof opts.webhookUrl === 'string' ? opts.webhookUrl : null,
    webhook_urls: {},
    signature_token: opts.signatureToken === undefined ? randomBytes(16).toString('hex') : opts.signatureToken,
    signature_tokens: {},
    authorize_mode: opts.authorizeMode ?? 'approve',
    access_token_ttl_seconds: opts.accessTokenTtlSeconds ?? 3600,
    refresh_token_idle_seconds: 90 * 24 * 3600,
    rate_limit: opts.rateLimit === false ? null : { rate_per_second: opts.rateLimit?.ratePerSecond ?? 10, burst: opts.rateLimit?.burst ?? 20 },
    retry_delays_ms: opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    // UNCONFIRMED: Lever's delivery timeout is not published
    webhook_timeout_ms: opts.webhookTimeoutMs ?? 10_000,
    enforce_scopes: opts.enforceScopes ?? true,
    redirect_uris: opts.redirectUris ?? [],
  };
  const sim = new LeverSim({
    clientId: opts.clientId ?? 'lever-sim-client',
    clientSecret: opts.clientSecret ?? randomBytes(24).toString('base64url'),
    config,
    ratingFieldType: opts.ratingFieldType ?? 'score',
    seed: opts.seed !== false,
    now: opts.now ?? Date.now,
  });

  const app = new Hono();
  app.use('*', sim.log.middleware());
  app.use('*', sim.faults.middleware({ errorBody: (status) => leverErrorBody(status, `Simulated ${status}`) }));
  app.route('/v1', apiRoutes(sim));
  app.route('/', oauthRoutes(sim.oauth, () => sim.audiences()));
  const info = () => ({ base_url: `${sim.origin}/v1`, auth_url: sim.origin, credentials: credentials() });
  app.route('/_sim', controlRoutes(sim, info));
  app.notFound((c) => c.json(leverErrorBody(404, `No route ${c.req.method} ${new URL(c.req.url).pathname}`), 404));

  const running = await startHonoApp(app, { port: opts.port, host: opts.host });
  sim.origin = running.origin;
  sim.reset();
  const credentials = (): Record<string, string> => ({
    client_id: sim.opts.clientId,
    client_secret: sim.opts.clientSecret,
    signature_token: sim.config.signature_token ?? '',
    trigger_stage: TRIGGER_STAGE_NAME,
    perform_as: DEFAULT_IDS.user,
    base_url: `${running.origin}/v1`,
    auth_url: running.origin,
  });
  const clone = <T>(v: T): T => structuredClone(v);

  return {
    provider: 'lever',
    baseUrl: `${running.origin}/v1`,
    authUrl: running.origin,
    origin: running.origin,
    get credentials() {
      return credentials();
    },
    async close() {
      sim.sender.close();
      await running.close();
    },
    getConfig: () => clone(sim.config),
    config: (patch) => clone(sim.updateConfig(parseConfigPatch(patch))),
    reset: (defaults = true) => sim.reset(defaults),
    seed: (seed) => sim.seed(seed),
    moveToStage(id, stage) {
      const r = sim.moveToStage(id, stage, null);
      return { opportunity: clone(r.opportunity), deliveryId: r.delivery?.id ?? null };
    },
    hire(id) {
      const r = sim.hire(id);
      return { opportunity: clone(r.opportunity), deliveryId: r.delivery?.id ?? null };
    },
    sendTestWebhook: () => sim.fire('candidateHired', {})?.id ?? null,
    opportunity: (id) => clone(sim.state.opportunities.get(id)),
    posting: (id) => clone(sim.state.postings.get(id)),
    postingTags: (id) => clone(sim.state.postings.get(id)?.tags),
    notes: (id) => clone(sim.state.notes.filter((n) => !id || n.opportunityId === id)),
    feedback: (id) => clone(sim.state.feedback.filter((f) => !id || f.opportunityId === id)),
    deliveries: (event) => clone(sim.sender.list().filter((d) => !event || d.event === event)),
    async waitForDeliveries(timeoutMs) {
      await sim.sender.idle(timeoutMs);
      return clone(sim.sender.list());
    },
    requests: (filter) => sim.log.entries(filter),
    rateLimited: () => sim.rateLimited,
    resetRateLimit: () => sim.resetRateLimit(),
    revoke: (clientId = sim.opts.clientId) => sim.oauth.revokeClient(clientId),
    expireAccessTokens: (clientId) => sim.oauth.expireAccess(clientId),
    mintTokens: (scope = ALL_SCOPES) => sim.oauth.issue(sim.opts.clientId, scope, `${running.origin}/v1/`),
    pendingAuthorizations: () => [...sim.oauth.pending.values()],
    decideAuthorization: (id, approve) => decideAuthorization(sim.oauth, id, approve),
    pushFaults: (f) => sim.faults.push(f),
    clearFaults: () => sim.faults.clear(),
  };
}
