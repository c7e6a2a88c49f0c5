/**
 * The Lever simulator's core: configuration, data, OAuth, rate limiting and webhook firing.
 * Routes (api.ts, control.ts) and the handle (index.ts) call into it.
 */
import type { Context } from 'hono';
import { FaultQueue } from '../shared/faults.ts';
import { RequestLog } from '../shared/request-log.ts';
import { OAuthStore, type AuthorizeMode } from './oauth.ts';
import { buildLeverWebhookBody, type LeverWebhookEvent } from './signing.ts';
import { applySeed, defaultSeed, emptyState, resolveStage, type LeverSeed, type LeverState, type Opportunity } from './state.ts';
import { TokenBucket } from './token-bucket.ts';
import { WebhookSender, type Delivery } from '../shared/webhook-sender.ts';

export interface LeverConfig {
  /** Where every event goes unless webhook_urls names the event. */
  webhook_url: string | null;
  webhook_urls: Record<string, string>;
  /** Default signature token; null = webhooks carry no `signature` field (as Lever does without a token). */
  signature_token: string | null;
  /** Per-event tokens (Knit says each event has its own). */
  signature_tokens: Record<string, string>;
  authorize_mode: AuthorizeMode;
  access_token_ttl_seconds: number;
  refresh_token_idle_seconds: number;
  /** null disables the limiter. */
  rate_limit: { rate_per_second: number; burst: number } | null;
  /** Waits before retries 1..5. */
  retry_delays_ms: number[];
  webhook_timeout_ms: number;
  /** false = scopes are not checked. */
  enforce_scopes: boolean;
  redirect_uris: string[];
}

// UNCONFIRMED: Lever retries five times "waiting longer each time"; the exact schedule is not published
export const DEFAULT_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 4 * 60 * 60_000];

export const LEVER_ERROR_CODES: Record<number, string> = {
  // UNCONFIRMED: only "ResourceNotFound" is shown in Lever's docs; the other code strings are our guess
  400: 'BadRequestError', 401: 'UnauthorizedError', 403: 'ForbiddenError', 404: 'ResourceNotFound',
  409: 'ConflictError', 429: 'TooManyRequests', 500: 'InternalServerError', 503: 'ServiceUnavailable',
};

export function leverErrorBody(status: number, message: string, code?: string): { code: string; message: string } {
  return { code: code ?? LEVER_ERROR_CODES[status] ?? 'InternalServerError', message };
}

export function leverError(c: Context, status: number, message: string, code?: string) {
  return c.json(leverErrorBody(status, message, code), status as 400);
}

export interface LeverSimOptions {
  clientId: string;
  clientSecret: string;
  config: LeverConfig;
  ratingFieldType: string;
  seed: boolean;
  /** The rate limiter's clock (ms). */
  now: () => number;
}

export class LeverSim {
  origin = '';
  readonly config: LeverConfig;
  state: LeverState = emptyState();
  readonly oauth: OAuthStore;
  readonly log = new RequestLog({ max: 5000 });
  readonly faults = new FaultQueue();
  readonly sender: WebhookSender;
  private buckets = new Map<string, TokenBucket>();
  rateLimited = 0;

  constructor(readonly opts: LeverSimOptions) {
    this.config = opts.config;
    this.oauth = new OAuthStore(
      { accessTokenTtlSeconds: this.config.access_token_ttl_seconds, refreshTokenIdleSeconds: this.config.refresh_token_idle_seconds, authorizeMode: this.config.authorize_mode },
      () => this.origin,
    );
    this.oauth.addClient({ clientId: opts.clientId, clientSecret: opts.clientSecret, redirectUris: this.config.redirect_uris });
    this.sender = new WebhookSender({
      isSuccess: (s) => s >= 200 && s < 300,
      retryDelaysMs: () => this.config.retry_delays_ms,
      timeoutMs: () => this.config.webhook_timeout_ms,
    });
  }

  reset(withDefaults = this.opts.seed): void {
    this.state = emptyState();
    this.sender.clear();
    this.log.clear();
    if (withDefaults) applySeed(this.state, defaultSeed(this.opts.ratingFieldType), this.origin);
  }

  seed(seed: LeverSeed): Record<string, string[]> {
    return applySeed(this.state, seed, this.origin);
  }

  /** Applies a config patch and pushes the OAuth-related parts into the OAuth store. */
  updateConfig(patch: Partial<LeverConfig>): LeverConfig {
    Object.assign(this.config, patch);
    this.oauth.settings.accessTokenTtlSeconds = this.config.access_token_ttl_seconds;
    this.oauth.settings.refreshTokenIdleSeconds = this.config.refresh_token_idle_seconds;
    this.oauth.settings.authorizeMode = this.config.authorize_mode;
    const client = this.oauth.clients.get(this.opts.clientId);
    if (client) client.redirectUris = this.config.redirect_uris;
    if (patch.rate_limit !== undefined) this.buckets.clear();
    return this.config;
  }

  audiences(): string[] {
    // the real audiences are accepted too, so a client that hard-codes Lever's value still works here
    return [`${this.origin}/v1/`, `${this.origin}/v1`, 'https://api.lever.co/v1/', 'https://api.sandbox.lever.co/v1/'];
  }

  /** true = allowed; false = answer 429. */
  takeRateToken(key: string): boolean {
    const rl = this.config.rate_limit;
    if (!rl) return true;
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new TokenBucket(rl.rate_per_second, rl.burst, this.opts.now())));
    if (b.take(this.opts.now())) return true;
    this.rateLimited++;
    return false;
  }

  resetRateLimit(): void {
    this.buckets.clear();
    this.rateLimited = 0;
  }

  /** Moves an opportunity and fires candidateStageChange. */
  moveToStage(opportunityId: string, stageIdOrName: string, userId: string | null = null): { opportunity: Opportunity; delivery: Delivery | null } {
    const opp = this.state.opportunities.get(opportunityId);
    if (!opp) throw new NotFound(`Opportunity ${opportunityId} not found`);
    const stage = resolveStage(this.state, stageIdOrName);
    if (!stage) throw new BadInput(`Stage ${stageIdOrName} not found`);
    const from = opp.stage;
    const now = Date.now();
    opp.stage = stage.id;
    opp.updatedAt = now;
    opp.lastAdvancedAt = now;
    opp.stageChanges.push({ toStageId: stage.id, toStageIndex: this.state.stages.indexOf(stage), userId, updatedAt: now });
    const delivery = this.fire('candidateStageChange', { opportunityId: opp.id, candidateId: opp.id, contactId: opp.contact, toStageId: stage.id, fromStageId: from });
    return { opportunity: opp, delivery };
  }

  /** Archives the opportunity as hired and fires candidateHired. */
  hire(opportunityId: string): { opportunity: Opportunity; delivery: Delivery | null } {
    const opp = this.state.opportunities.get(opportunityId);
    if (!opp) throw new NotFound(`Opportunity ${opportunityId} not found`);
    const now = Date.now();
    opp.archived = { reason: 'hired', archivedAt: now };
    opp.updatedAt = now;
    // UNCONFIRMED: candidateHired data fields (same ids as candidateStageChange minus the stages)
    const delivery = this.fire('candidateHired', { opportunityId: opp.id, candidateId: opp.id, contactId: opp.contact });
    return { opportunity: opp, delivery };
  }

  /** Sends one webhook (with retries) when a URL is configured for the event; null when none is. */
  fire(event: LeverWebhookEvent, data: Record<string, unknown>): Delivery | null {
    const url = this.config.webhook_urls[event] ?? this.config.webhook_url;
    if (!url) return null;
    const signatureToken = this.config.signature_tokens[event] ?? this.config.signature_token;
    const body = JSON.stringify(buildLeverWebhookBody(event, data, { signatureToken }));
    return this.sender.send({ event, url, body, headers: { 'Content-Type': 'application/json', 'User-Agent': 'Lever-Webhooks' } });
  }
}

export class NotFound extends Error {}
export class BadInput extends Error {}
