/**
 * Kombo simulator state and behaviour (no HTTP here; app.ts maps routes onto these methods, and the
 * SimHandle exposes the same methods to tests).
 * Contract: /work/shared/contracts/unified-apis.md §1 and §5. Details marked [I]/[NF] there, or not in the
 * contract at all (Kombo Connect), carry an `// UNCONFIRMED:` comment.
 */
import { randomBytes } from 'node:crypto';
import { DeliveryLog, hmacSha256, isRecord, sendHttp, type HttpOutcome, type SignatureEncoding } from '../shared/index.ts';
import type { KomboPackageInput, OrderStatus } from './validate.ts';

/** X-Kombo-Signature: HMAC-SHA256 of the RAW body with the webhook secret. UNCONFIRMED: base64url vs hex is contested (§1.4). */
export function signKomboWebhook(rawBody: string | Uint8Array, secret: string, encoding: 'base64url' | 'hex' = 'base64url'): string {
  return hmacSha256(secret, rawBody, encoding as SignatureEncoding);
}

const ID_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** Kombo-looking ids, e.g. "B5KQKhAgTv6ZwzrfAbqbhipd" (24 chars). */
export function komboId(len = 24): string {
  const bytes = randomBytes(len);
  let s = '';
  for (let i = 0; i < len; i++) s += ID_ALPHABET[bytes[i]! % ID_ALPHABET.length];
  return s;
}

export interface KomboConfig {
  webhook_url: string | null;
  signature_encoding: 'base64url' | 'hex';
  webhook_timeout_ms: number;
  /** UNCONFIRMED: `remote_data` is in Kombo's prose but not in its current schemas (§1.4); off by default. */
  include_remote_data: boolean;
}

export interface KomboPackage extends KomboPackageInput {
  updated_at: string;
  deleted: boolean;
}

export interface Candidate {
  remote_id: string | null;
  email: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
}
export interface Job {
  remote_id: string | null;
  name: string | null;
  job_code: string | null;
  description: string | null;
  location: Record<string, string | null> | null;
  hiring_team: Array<{ remote_id: string | null; email: string | null; first_name: string | null; last_name: string | null; hiring_team_roles: Array<'RECRUITER' | 'HIRING_MANAGER'> }>;
}

export interface WebhookAttempt {
  at: string;
  status: number;
  body: string;
  error?: string;
  effect: 'accepted' | 'rejected' | 'ignored';
  reason: string;
}

export interface KomboOrder {
  seq: number;
  id: string;
  integration_id: string;
  package_id: string;
  status: OrderStatus;
  candidate: Candidate;
  application: { remote_id: string | null };
  job: Job;
  created_at: string;
  event_id: string;
  /** exact bytes sent (and re-sent on redelivery) */
  webhook_body: string;
  rejection_message: string | null;
  result: Record<string, unknown> | null;
  result_history: Array<{ at: string; body: unknown; accepted: boolean; problems?: string[] }>;
  webhook_attempts: WebhookAttempt[];
}

export interface Integration {
  id: string;
  tool: string;
  category: string;
  end_user: { organization_name: string; creator_email: string | null; origin_id: string | null };
  created_at: string;
  /** the ATS API key the customer typed on the setup page (kept only to show it was captured) */
  ats_api_key_last4: string | null;
  setup_status: 'COMPLETED';
}

export interface ConnectLink {
  token: string;
  link: string;
  created_at: string;
  expires_at: string;
  end_user_email: string;
  end_user_organization_name: string;
  end_user_origin_id: string | null;
  integration_category: string;
  integration_tool: string | null;
  link_type: 'EMBEDDED' | 'MAGIC_LINK';
  language: string | null;
  /** set once the setup page (or the control call) completed it */
  integration_id: string | null;
  activation_token: string | null;
}

export interface CreateOrderInput {
  package_id?: string;
  integration_id?: string;
  candidate?: Partial<Candidate>;
  application?: { remote_id?: string | null };
  job?: Partial<Job>;
  /** false = the order exists but no webhook is sent (a lost delivery) */
  deliver?: boolean;
  /** backdate for created_after tests */
  created_at?: string;
  /** allow a package id the provider never submitted */
  allow_unknown_package?: boolean;
}

export type DeliveryResult =
  | { delivered: false; reason: string }
  | { delivered: true; event_id: string; status: number; body: string; error?: string; effect: WebhookAttempt['effect']; reason: string; order_status: OrderStatus };

export class SimError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

export class KomboSim {
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly defaultIntegrationId: string;
  config: KomboConfig;
  integrations = new Map<string, Integration>();
  packages = new Map<string, Map<string, KomboPackage>>();
  orders: KomboOrder[] = [];
  links = new Map<string, ConnectLink>();
  activationTokens = new Map<string, { integration_id: string; expires_at: number }>();
  deliveries = new DeliveryLog();
  origin = '';
  private seq = 0;
  private readonly initial: { webhook_url: string | null; signature_encoding: 'base64url' | 'hex'; tool: string; webhook_timeout_ms: number };

  constructor(opts: { apiKey?: string; webhookSecret?: string; integrationId?: string; tool?: string; webhookUrl?: string | null; signatureEncoding?: 'base64url' | 'hex'; webhookTimeoutMs?: number }) {
    this.apiKey = opts.apiKey ?? `kombo_sim_${randomBytes(12).toString('hex')}`;
    this.webhookSecret = opts.webhookSecret ?? randomBytes(24).toString('base64url');
    const tool = opts.tool ?? 'recruitee';
    this.defaultIntegrationId = opts.integrationId ?? `${tool}:${komboId()}`;
    this.initial = { webhook_url: opts.webhookUrl ?? null, signature_encoding: opts.signatureEncoding ?? 'base64url', tool, webhook_timeout_ms: opts.webhookTimeoutMs ?? 10_000 };
    this.config = this.initialConfig();
    this.addDefaultIntegration();
  }

  private initialConfig(): KomboConfig {
    const i = this.initial;
    return { webhook_url: i.webhook_url, signature_encoding: i.signature_encoding, webhook_timeout_ms: i.webhook_timeout_ms, include_remote_data: false };
  }

  private addDefaultIntegration(): void {
    const tool = this.defaultIntegrationId.split(':')[0] ?? this.initial.tool;
    this.integrations.set(this.defaultIntegrationId, {
      id: this.defaultIntegrationId,
      tool,
      category: 'ASSESSMENT',
      end_user: { organization_name: 'Sim Customer Inc.', creator_email: 'admin@customer.example', origin_id: null },
      created_at: new Date().toISOString(),
      ats_api_key_last4: null,
      setup_status: 'COMPLETED',
    });
  }

  /** Wipes orders, packages, links and extra integrations; keeps credentials. */
  reset(): void {
    this.integrations.clear();
    this.packages.clear();
    this.orders = [];
    this.links.clear();
    this.activationTokens.clear();
    this.deliveries.clear();
    this.config = this.initialConfig();
    this.addDefaultIntegration();
  }

  setConfig(patch: unknown): KomboConfig {
    if (!isRecord(patch)) throw new SimError(400, 'config must be an object');
    const next = { ...this.config };
    if ('webhook_url' in patch) {
      if (patch.webhook_url !== null && typeof patch.webhook_url !== 'string') throw new SimError(400, 'webhook_url must be a string or null');
      next.webhook_url = (patch.webhook_url as string | null) || null;
    }
    if ('signature_encoding' in patch) {
      if (patch.signature_encoding !== 'base64url' && patch.signature_encoding !== 'hex') throw new SimError(400, 'signature_encoding must be base64url or hex');
      next.signature_encoding = patch.signature_encoding;
    }
    if ('webhook_timeout_ms' in patch) {
      if (typeof patch.webhook_timeout_ms !== 'number' || patch.webhook_timeout_ms < 1) throw new SimError(400, 'webhook_timeout_ms must be a positive number');
      next.webhook_timeout_ms = patch.webhook_timeout_ms;
    }
    if ('include_remote_data' in patch) next.include_remote_data = patch.include_remote_data === true;
    this.config = next;
    return this.config;
  }

  // ---------- packages ----------

  // UNCONFIRMED: that `packages: []` deletes every package follows from the replace semantics (§1.2.1 [I]).
  putPackages(integrationId: string, list: KomboPackageInput[]): void {
    const now = new Date().toISOString();
    const current = this.packages.get(integrationId) ?? new Map<string, KomboPackage>();
    const incoming = new Set(list.map((p) => p.id));
    for (const [id, pkg] of current) if (!incoming.has(id) && !pkg.deleted) current.set(id, { ...pkg, deleted: true, updated_at: now });
    for (const p of list) {
      const prev = current.get(p.id);
      const same = prev && !prev.deleted && prev.name === p.name && prev.description === p.description && prev.type === p.type;
      current.set(p.id, { id: p.id, type: p.type, name: p.name, description: p.description, deleted: false, updated_at: same ? prev.updated_at : now });
    }
    this.packages.set(integrationId, current);
  }

  activePackages(integrationId: string): KomboPackage[] {
    return [...(this.packages.get(integrationId)?.values() ?? [])].filter((p) => !p.deleted);
  }

  allPackages(integrationId?: string): Record<string, KomboPackage[]> {
    const out: Record<string, KomboPackage[]> = {};
    for (const [iid, m] of this.packages) if (!integrationId || iid === integrationId) out[iid] = [...m.values()];
    return out;
  }

  // ---------- orders ----------

  async createOrder(input: CreateOrderInput = {}): Promise<{ order: KomboOrder; delivery: DeliveryResult }> {
    if (!isRecord(input as unknown)) throw new SimError(400, 'order input must be an object');
    const integrationId = input.integration_id ?? this.defaultIntegrationId;
    if (!this.integrations.has(integrationId)) throw new SimError(404, `unknown integration ${integrationId}`);
    const active = this.activePackages(integrationId);
    let packageId = input.package_id;
    if (packageId === undefined) {
      if (!active.length) throw new SimError(400, 'no packages submitted for this integration yet: PUT /v1/assessment/packages first, or pass package_id with allow_unknown_package');
      packageId = active[0]!.id;
    } else if (!input.allow_unknown_package && !active.some((p) => p.id === packageId))
      throw new SimError(400, `package ${packageId} is not an active package of ${integrationId} (pass allow_unknown_package: true to force)`);
    const n = this.seq + 1;
    const candidate: Candidate = {
      remote_id: `cand-${n}`,
      email: `candidate${n}@example.com`,
      first_name: 'Ada',
      last_name: 'Lovelace',
      phone: null,
      ...(input.candidate ?? {}),
    } as Candidate;
    const job: Job = {
      remote_id: `job-${n}`,
      name: 'Data Analyst',
      job_code: null,
      description: null,
      location: null,
      hiring_team: [{ remote_id: 'u-1', email: 'rita@example.com', first_name: 'Rita', last_name: 'Recruiter', hiring_team_roles: ['RECRUITER'] }],
      ...(input.job ?? {}),
    } as Job;
    const order: KomboOrder = {
      seq: ++this.seq,
      id: komboId(),
      integration_id: integrationId,
      package_id: packageId,
      status: 'OPEN',
      candidate,
      application: { remote_id: `app-${n}`, ...(input.application ?? {}) } as { remote_id: string | null },
      job,
      created_at: input.created_at ?? new Date().toISOString(),
      event_id: komboId(),
      webhook_body: '',
      rejection_message: null,
      result: null,
      result_history: [],
      webhook_attempts: [],
    };
    const data: Record<string, unknown> = {
      id: order.id,
      package_id: order.package_id,
      status: order.status,
      integration_id: order.integration_id,
      candidate: order.candidate,
      application: order.application,
      job: order.job,
    };
    if (this.config.include_remote_data) data.remote_data = { sim: true, candidate_id: candidate.remote_id }; // UNCONFIRMED: legacy field
    order.webhook_body = JSON.stringify({ id: order.event_id, type: 'assessment:order-received', data });
    this.orders.push(order);
    const delivery = input.deliver === false ? ({ delivered: false, reason: 'dropped on request (deliver: false)' } as const) : await this.deliverOrder(order);
    return { order, delivery };
  }

  order(id: string): KomboOrder {
    const o = this.orders.find((x) => x.id === id);
    if (!o) throw new SimError(404, `no order ${id}`);
    return o;
  }

  /** Re-sends the SAME event (same event id, same bytes) — what a duplicate delivery looks like. */
  async redeliver(id: string): Promise<DeliveryResult> {
    return this.deliverOrder(this.order(id));
  }

  /** Force a status, e.g. the recruiter cancelled the order in the ATS. */
  setOrderStatus(id: string, status: unknown): KomboOrder {
    const o = this.order(id);
    if (!['OPEN', 'COMPLETED', 'CANCELLED', 'REJECTED'].includes(status as string)) throw new SimError(400, 'status must be OPEN, COMPLETED, CANCELLED or REJECTED');
    o.status = status as OrderStatus;
    return o;
  }

  private async deliverOrder(order: KomboOrder): Promise<DeliveryResult> {
    const url = this.config.webhook_url;
    if (!url) return { delivered: false, reason: 'no webhook_url configured' };
    // UNCONFIRMED: Kombo's webhook retry schedule is [NF]; one attempt per delivery (recovery is by polling GET /orders, §1.4 [I]).
    const outcome = await this.postSigned(url, order.webhook_body, 'assessment:order-received', order.event_id);
    const verdict = interpretOrderReply(outcome);
    // UNCONFIRMED: that a valid 422 moves the order to REJECTED is inferred (§1.5 [I]).
    if (verdict.effect === 'rejected' && order.status === 'OPEN') {
      order.status = 'REJECTED';
      order.rejection_message = verdict.message ?? null;
    }
    order.webhook_attempts.push({ at: new Date().toISOString(), status: outcome.status, body: outcome.bodyText.slice(0, 4000), ...(outcome.error ? { error: outcome.error } : {}), effect: verdict.effect, reason: verdict.reason });
    return { delivered: true, event_id: order.event_id, status: outcome.status, body: outcome.bodyText, ...(outcome.error ? { error: outcome.error } : {}), effect: verdict.effect, reason: verdict.reason, order_status: order.status };
  }

  async postSigned(url: string, rawBody: string, kind: string, eventId: string): Promise<HttpOutcome> {
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'Kombo-Webhooks (simulator)', // UNCONFIRMED: Kombo's real User-Agent is not documented
      'X-Kombo-Signature': signKomboWebhook(rawBody, this.webhookSecret, this.config.signature_encoding),
    };
    const outcome = await sendHttp({ url, body: rawBody, headers, timeoutMs: this.config.webhook_timeout_ms });
    this.deliveries.record({ id: eventId, kind, url, method: 'POST', requestHeaders: headers, requestBody: rawBody, attempt: 1, outcome });
    return outcome;
  }

  // ---------- results ----------

  /** Returns null on success, or [httpStatus, message] for Kombo's error envelope. */
  checkResultAllowed(order: KomboOrder): [number, string] | null {
    // The status can only be changed while it is OPEN (§1.2.4). UNCONFIRMED: the exact HTTP status/code is not documented (§1.2.4 [I]).
    if (order.status !== 'OPEN') return [400, `The assessment order ${order.id} is ${order.status}; results can only be written while it is OPEN.`];
    return null;
  }

  recordResult(order: KomboOrder, body: Record<string, unknown>): void {
    order.result = body;
    order.result_history.push({ at: new Date().toISOString(), body, accepted: true });
    order.status = body.status as OrderStatus;
  }

  // ---------- Kombo Connect (UNCONFIRMED: not covered by the contract; shaped after Kombo's public SDK docs) ----------

  createLink(body: Record<string, unknown>): ConnectLink {
    const token = randomBytes(24).toString('base64url');
    const linkType = (body.link_type as 'EMBEDDED' | 'MAGIC_LINK' | undefined) ?? 'EMBEDDED';
    // UNCONFIRMED: validity follows link_type in Kombo's SDK docs (EMBEDDED 1 hour, MAGIC_LINK 1 year); a numeric
    // `validity` (seconds) is honoured here only as a simulator convenience — Kombo's schema has no such field.
    const validityMs = typeof body.validity === 'number' && body.validity > 0 ? body.validity * 1000 : linkType === 'EMBEDDED' ? 3600_000 : 365 * 86400_000;
    const now = Date.now();
    const link: ConnectLink = {
      token,
      link: `${this.origin}/connect?token=${token}`,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + validityMs).toISOString(),
      end_user_email: body.end_user_email as string,
      end_user_organization_name: body.end_user_organization_name as string,
      end_user_origin_id: (body.end_user_origin_id as string | undefined) ?? null,
      integration_category: (body.integration_category as string | undefined) ?? 'ASSESSMENT',
      integration_tool: (body.integration_tool as string | undefined) ?? null,
      link_type: linkType,
      language: (body.language as string | undefined) ?? null,
      integration_id: null,
      activation_token: null,
    };
    this.links.set(token, link);
    return link;
  }

  linkState(token: string): { link: ConnectLink } | { error: string; status: number } {
    const link = this.links.get(token);
    if (!link) return { error: 'This connection link is invalid.', status: 404 };
    if (Date.parse(link.expires_at) < Date.now()) return { error: 'This connection link has expired.', status: 410 };
    return { link };
  }

  expireLink(token: string): ConnectLink {
    const link = this.links.get(token);
    if (!link) throw new SimError(404, 'no such link');
    link.expires_at = new Date(Date.now() - 1000).toISOString();
    return link;
  }

  /** What the customer's "Set up integration" click does: creates `<tool>:<id>`, fires integration-created. */
  async completeLink(token: string, input: { api_key?: unknown; tool?: unknown } = {}): Promise<{ integration: Integration; activation_token: string; delivery: DeliveryResult | { delivered: false; reason: string } }> {
    const st = this.linkState(token);
    if ('error' in st) throw new SimError(st.status, st.error);
    const link = st.link;
    if (link.integration_id) throw new SimError(409, 'This connection link has already been used.');
    if (typeof input.api_key !== 'string' || input.api_key.trim() === '') throw new SimError(400, 'Enter the API key of your ATS.');
    const tool = link.integration_tool ?? (typeof input.tool === 'string' && input.tool ? input.tool : this.initial.tool);
    const integration: Integration = {
      id: `${tool}:${komboId()}`,
      tool,
      category: link.integration_category,
      end_user: { organization_name: link.end_user_organization_name, creator_email: link.end_user_email, origin_id: link.end_user_origin_id },
      created_at: new Date().toISOString(),
      ats_api_key_last4: input.api_key.trim().slice(-4),
      setup_status: 'COMPLETED',
    };
    this.integrations.set(integration.id, integration);
    const activation = randomBytes(24).toString('base64url');
    // UNCONFIRMED: "short lived" token lifetime not documented; 10 minutes here.
    this.activationTokens.set(activation, { integration_id: integration.id, expires_at: Date.now() + 600_000 });
    link.integration_id = integration.id;
    link.activation_token = activation;
    const eventId = komboId();
    const body = JSON.stringify({
      id: eventId,
      type: 'integration-created',
      data: { id: integration.id, tool: integration.tool, category: integration.category, end_user: integration.end_user },
    });
    let delivery: DeliveryResult | { delivered: false; reason: string };
    if (!this.config.webhook_url) delivery = { delivered: false, reason: 'no webhook_url configured' };
    else {
      const o = await this.postSigned(this.config.webhook_url, body, 'integration-created', eventId);
      const ok = o.status >= 200 && o.status < 300;
      delivery = { delivered: true, event_id: eventId, status: o.status, body: o.bodyText, ...(o.error ? { error: o.error } : {}), effect: ok ? 'accepted' : 'ignored', reason: ok ? '2xx' : 'non-2xx (not retried: Kombo retry schedule unknown)', order_status: 'OPEN' };
    }
    return { integration, activation_token: activation, delivery };
  }

  integrationByToken(token: string): Integration | null {
    const t = this.activationTokens.get(token);
    if (!t || t.expires_at < Date.now()) return null;
    return this.integrations.get(t.integration_id) ?? null;
  }
}

/** How Kombo reads our reply to assessment:order-received (§1.5). */
export function interpretOrderReply(o: HttpOutcome): { effect: WebhookAttempt['effect']; reason: string; message?: string } {
  if (o.status >= 200 && o.status < 300) return { effect: 'accepted', reason: `${o.status}: accepted, order stays OPEN` };
  if (o.status === 422) {
    const j = o.json;
    // UNCONFIRMED: the exact rejection shape is [NF]; both `{message}` and Kombo's error envelope are accepted (§1.5 [I]).
    const message = isRecord(j) ? (typeof j.message === 'string' ? j.message : isRecord(j.error) && typeof j.error.message === 'string' ? j.error.message : undefined) : undefined;
    if (message !== undefined) return { effect: 'rejected', reason: '422 with a message: order REJECTED', message };
    return { effect: 'ignored', reason: '422 without {message} or {status:"error",error:{message}}: not a valid rejection, order stays OPEN' };
  }
  if (o.status === 0) return { effect: 'ignored', reason: `no answer (${o.error ?? 'network error'}): order stays OPEN` };
  return { effect: 'ignored', reason: `${o.status}: not a rejection, order stays OPEN (available via GET /assessment/orders)` };
}
