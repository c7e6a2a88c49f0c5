/**
 * StackOne simulator state and behaviour (routes in app.ts; the SimHandle exposes the same methods).
 * Contract: /work/shared/contracts/unified-apis.md §2 and §5. [I]/[NF] details carry `// UNCONFIRMED:`.
 */
import { randomBytes } from 'node:crypto';
import { basicAuth, DeliveryLog, hmacSha256, isRecord, randomId, sendHttp } from '../shared/index.ts';
import { validatePackageListAnswer, type PickerPackage } from './validate.ts';

/** x-stackone-signature: base64url(HMAC-SHA256(secret, raw body)) — StackOne's example receiver (§2.6 [V-3p]). */
export function signStackOneWebhook(rawBody: string | Uint8Array, secret: string): string {
  return hmacSha256(secret, rawBody, 'base64url');
}

export interface StackOneConfig {
  webhook_url: string | null;
  /** our "Package's List Endpoint URL" */
  package_list_url: string | null;
  /** the key StackOne sends us in Basic auth on the package-list call */
  partner_api_key: string;
  /** UNCONFIRMED: the guide says "Basic <base64 api key>"; 'key:' sends base64(key + ":") instead */
  partner_auth_encoding: 'key' | 'key:';
  /** signs webhooks (x-stackone-signature) */
  webhook_secret: string;
  /** UNCONFIRMED: which secret signs the package-list call is [NF]; defaults to webhook_secret (§2.5 [I]) */
  package_list_signing_secret: string | null;
  static_package_id: string | null;
  provider: string;
  /** UNCONFIRMED: whether a bare array answer is accepted is unknown (§2.5) */
  accept_bare_array: boolean;
  timeout_ms: number;
  /** packages GET /unified/ats/assessments/packages returns; null = what the picker last saw (or the static id) */
  packages: PickerPackage[] | null;
}

export interface PickerResult {
  at: string;
  source: 'endpoint' | 'static';
  url?: string;
  request?: { headers: Record<string, string>; body: string };
  status?: number;
  body?: unknown;
  body_text?: string;
  error?: string;
  shape_valid: boolean;
  problems: string[];
  warnings: string[];
  packages: PickerPackage[];
}

export interface StackOneOrder {
  id: string;
  remote_id: string;
  account_id: string;
  created_at: string;
  event_data: Record<string, unknown>;
  webhook_body: string;
  deliveries: Array<{ at: string; status: number; body: string; error?: string }>;
  result: Record<string, unknown> | null;
  result_history: Array<{ at: string; body: unknown; accepted: boolean; problems?: string[] }>;
  /** UNCONFIRMED: how StackOne maps the result onto the Recruitee report (§2.3 [I]) */
  ats_view: { status: string; score: string | null; result_url: string | null } | null;
}

export interface OrderInput {
  package_id?: string;
  package_name?: string;
  candidate?: { id?: string; remote_id?: string; first_name?: string | null; last_name?: string | null; email?: string | null; emails?: Array<{ type?: string; value: string }> | null; profile_url?: string | null };
  application?: Record<string, unknown>;
  job?: Record<string, unknown>;
  requester?: Record<string, unknown>;
  deliver?: boolean;
  allow_unknown_package?: boolean;
}

export class SimError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

export class StackOneSim {
  readonly apiKey: string;
  readonly accountId: string;
  config: StackOneConfig;
  orders = new Map<string, StackOneOrder>();
  pickerHistory: PickerResult[] = [];
  deliveries = new DeliveryLog();
  /** called after every config change (index.ts keeps the handle's credentials in sync) */
  onConfigChange?: () => void;
  private readonly initialConfig: StackOneConfig;
  private seq = 0;

  constructor(opts: { apiKey?: string; accountId?: string; webhookSecret?: string; partnerApiKey?: string; webhookUrl?: string | null; packageListUrl?: string | null; staticPackageId?: string | null; provider?: string; timeoutMs?: number }) {
    this.apiKey = opts.apiKey ?? `v1.eu1.sim_${randomBytes(16).toString('base64url')}`;
    this.accountId = opts.accountId ?? '4' + Array.from(randomBytes(19), (b) => b % 10).join(''); // 20 digits, like StackOne's
    this.config = {
      webhook_url: opts.webhookUrl ?? null,
      package_list_url: opts.packageListUrl ?? null,
      partner_api_key: opts.partnerApiKey ?? `sim_partner_${randomBytes(16).toString('hex')}`,
      partner_auth_encoding: 'key',
      webhook_secret: opts.webhookSecret ?? randomBytes(24).toString('base64url'),
      package_list_signing_secret: null,
      static_package_id: opts.staticPackageId ?? null,
      provider: opts.provider ?? 'recruitee',
      accept_bare_array: false,
      timeout_ms: opts.timeoutMs ?? 10_000,
      packages: null,
    };
    this.initialConfig = { ...this.config };
  }

  reset(): void {
    this.config = { ...this.initialConfig };
    this.orders.clear();
    this.pickerHistory = [];
    this.deliveries.clear();
    this.onConfigChange?.();
  }

  setConfig(patch: unknown): StackOneConfig {
    if (!isRecord(patch)) throw new SimError(400, 'config must be an object');
    const next = { ...this.config };
    const str = (k: 'webhook_url' | 'package_list_url' | 'package_list_signing_secret' | 'static_package_id') => {
      if (!(k in patch)) return;
      const v = patch[k];
      if (v !== null && typeof v !== 'string') throw new SimError(400, `${k} must be a string or null`);
      next[k] = (v as string | null) || null;
    };
    str('webhook_url');
    str('package_list_url');
    str('package_list_signing_secret');
    str('static_package_id');
    for (const k of ['partner_api_key', 'webhook_secret', 'provider'] as const)
      if (k in patch) {
        if (typeof patch[k] !== 'string' || patch[k] === '') throw new SimError(400, `${k} must be a non-empty string`);
        next[k] = patch[k] as string;
      }
    if ('partner_auth_encoding' in patch) {
      if (patch.partner_auth_encoding !== 'key' && patch.partner_auth_encoding !== 'key:') throw new SimError(400, 'partner_auth_encoding must be "key" or "key:"');
      next.partner_auth_encoding = patch.partner_auth_encoding;
    }
    if ('accept_bare_array' in patch) next.accept_bare_array = patch.accept_bare_array === true;
    if ('timeout_ms' in patch) {
      if (typeof patch.timeout_ms !== 'number' || patch.timeout_ms < 1) throw new SimError(400, 'timeout_ms must be a positive number');
      next.timeout_ms = patch.timeout_ms;
    }
    if ('packages' in patch) {
      if (patch.packages !== null && !Array.isArray(patch.packages)) throw new SimError(400, 'packages must be an array or null');
      next.packages = patch.packages as PickerPackage[] | null;
    }
    this.config = next;
    this.onConfigChange?.();
    return next;
  }

  /** What GET /unified/ats/assessments/packages lists. UNCONFIRMED: where StackOne takes it from for partner integrations is [I]. */
  listedPackages(): PickerPackage[] {
    if (this.config.packages) return this.config.packages;
    const last = [...this.pickerHistory].reverse().find((p) => p.packages.length);
    if (last) return last.packages;
    if (this.config.static_package_id) return [{ id: this.config.static_package_id, name: this.config.static_package_id, description: null }];
    return [];
  }

  /** "The recruiter opens the picker": StackOne asks our package-list endpoint (or falls back to the static id). */
  async openPicker(): Promise<PickerResult> {
    const c = this.config;
    let result: PickerResult;
    if (c.package_list_url) {
      // If both are configured, the list endpoint wins (§2.5 [V]).
      // UNCONFIRMED: method POST, the Basic header and the {account_id, provider} body come only from StackOne's
      // Recruitee guide (§2.5 GUIDE — not re-verified).
      const body = JSON.stringify({ account_id: this.accountId, provider: c.provider });
      const headers = {
        'Content-Type': 'application/json',
        Authorization: c.partner_auth_encoding === 'key' ? `Basic ${Buffer.from(c.partner_api_key).toString('base64')}` : basicAuth(c.partner_api_key, ''),
        // UNCONFIRMED: computed like the webhook signature (§2.5 [I]).
        'x-stackone-signature': signStackOneWebhook(body, c.package_list_signing_secret ?? c.webhook_secret),
        'User-Agent': 'StackOne (simulator)',
      };
      const o = await sendHttp({ url: c.package_list_url, method: 'POST', body, headers, timeoutMs: c.timeout_ms });
      this.deliveries.record({ id: randomId('pkl_'), kind: 'package-list', url: c.package_list_url, method: 'POST', requestHeaders: headers, requestBody: body, attempt: 1, outcome: o });
      const v = o.status === 0 ? { valid: false, problems: [`no answer: ${o.error}`], warnings: [], packages: [] } : validatePackageListAnswer(o.status, o.json, { acceptBareArray: c.accept_bare_array });
      result = {
        at: new Date().toISOString(),
        source: 'endpoint',
        url: c.package_list_url,
        request: { headers, body },
        status: o.status,
        body: o.json,
        body_text: o.bodyText.slice(0, 4000),
        ...(o.error ? { error: o.error } : {}),
        shape_valid: v.valid,
        problems: v.problems,
        warnings: v.warnings,
        packages: v.valid ? v.packages : [],
      };
    } else if (c.static_package_id) {
      result = { at: new Date().toISOString(), source: 'static', shape_valid: true, problems: [], warnings: [], packages: [{ id: c.static_package_id, name: c.static_package_id, description: null }] };
    } else throw new SimError(400, 'neither package_list_url nor static_package_id is configured: StackOne needs at least one');
    this.pickerHistory.push(result);
    return result;
  }

  /** "The recruiter orders package X for candidate Y": creates the order and fires ats_assessments.created. */
  async orderPackage(input: OrderInput = {}): Promise<{ order: StackOneOrder; delivery: { delivered: boolean; status?: number; body?: string; error?: string; reason?: string } }> {
    if (!isRecord(input as unknown)) throw new SimError(400, 'order input must be an object');
    let pkg: PickerPackage | undefined;
    const known = this.pickerHistory.length ? (this.pickerHistory.at(-1)!.packages) : null;
    if (input.package_id === undefined) {
      const pick = known ?? (await this.openPicker()).packages;
      pkg = pick[0];
      if (!pkg) throw new SimError(400, 'the picker offered no packages; fix the package-list answer or pass package_id with allow_unknown_package');
    } else {
      pkg = known?.find((p) => p.id === input.package_id);
      if (!pkg) {
        if (known && !input.allow_unknown_package) throw new SimError(400, `package ${input.package_id} was not offered by the picker (pass allow_unknown_package: true to force)`);
        pkg = { id: input.package_id, name: input.package_name ?? input.package_id };
      }
    }
    const n = ++this.seq;
    const id = randomBytes(8).toString('base64url').replace(/[-_]/g, 'x').slice(0, 11);
    const remoteId = randomBytes(4).toString('hex');
    const cand = input.candidate ?? {};
    const emails = cand.emails !== undefined ? cand.emails : cand.email === null ? [] : [{ type: 'personal', value: cand.email ?? `candidate${n}@example.com` }];
    // UNCONFIRMED: event_data is assumed to have the order-DTO shape of POST /unified/ats/assessments/orders (§2.4 [I]),
    // as in fixtures/stackone/ats_assessments.created.json; everything in it is optional upstream.
    const eventData: Record<string, unknown> = {
      id,
      package: { id: pkg.id, name: pkg.name },
      application: { id: `app-${n}`, remote_id: `r-app-${n}`, application_status: { value: 'assessment', source_value: 'Assessment' }, ...(input.application ?? {}) },
      job: { id: `job-${n}`, remote_id: `r-job-${n}`, title: 'Data Analyst', hiring_team: [{ user_id: 'u1', first_name: 'Rita', last_name: 'Recruiter', email: 'rita@example.com', role: 'recruiter' }], ...(input.job ?? {}) },
      candidate: {
        id: cand.id ?? `cand-${n}`,
        remote_id: cand.remote_id ?? `r-cand-${n}`,
        first_name: cand.first_name === undefined ? 'Ada' : cand.first_name,
        last_name: cand.last_name === undefined ? 'Lovelace' : cand.last_name,
        emails,
        profile_url: cand.profile_url ?? `https://app.recruitee.com/#/candidates/${n}`,
      },
      requester: { user_id: 'u1', first_name: 'Rita', last_name: 'Recruiter', email: 'rita@example.com', role: 'recruiter', ...(input.requester ?? {}) },
    };
    // UNCONFIRMED: envelope fields from StackOne's example receiver (§2.6 [V-3p]); record_id = order id is [I].
    const webhookBody = JSON.stringify({
      event: 'ats_assessments.created',
      account_id: this.accountId,
      provider: this.config.provider,
      record_id: id,
      record_remote_id: remoteId,
      event_data: eventData,
      sent_at: new Date().toISOString(),
    });
    const order: StackOneOrder = { id, remote_id: remoteId, account_id: this.accountId, created_at: new Date().toISOString(), event_data: eventData, webhook_body: webhookBody, deliveries: [], result: null, result_history: [], ats_view: null };
    this.orders.set(id, order);
    if (input.deliver === false) return { order, delivery: { delivered: false, reason: 'dropped on request (deliver: false)' } };
    return { order, delivery: await this.deliver(order) };
  }

  async redeliver(id: string) {
    return this.deliver(this.order(id));
  }

  private async deliver(order: StackOneOrder) {
    const url = this.config.webhook_url;
    if (!url) return { delivered: false, reason: 'no webhook_url configured' };
    const headers = { 'Content-Type': 'application/json', 'x-stackone-signature': signStackOneWebhook(order.webhook_body, this.config.webhook_secret), 'User-Agent': 'StackOne-Webhooks (simulator)' };
    const o = await sendHttp({ url, body: order.webhook_body, headers, timeoutMs: this.config.timeout_ms });
    this.deliveries.record({ id: order.id, kind: 'ats_assessments.created', url, method: 'POST', requestHeaders: headers, requestBody: order.webhook_body, attempt: order.deliveries.length + 1, outcome: o });
    // UNCONFIRMED: StackOne's retry schedule and timeout are [NF]; one attempt, body ignored (§2.6 [V-3p]).
    order.deliveries.push({ at: new Date().toISOString(), status: o.status, body: o.bodyText.slice(0, 4000), ...(o.error ? { error: o.error } : {}) });
    return { delivered: true, status: o.status, body: o.bodyText, ...(o.error ? { error: o.error } : {}) };
  }

  order(id: string): StackOneOrder {
    const o = this.orders.get(id);
    if (!o) throw new SimError(404, `no order ${id}`);
    return o;
  }

  recordResult(order: StackOneOrder, body: Record<string, unknown>): void {
    const merged = { ...(order.result ?? {}), ...body };
    order.result = merged;
    order.result_history.push({ at: new Date().toISOString(), body, accepted: true });
    order.ats_view = recruiteeView(merged);
  }
}

/** UNCONFIRMED: StackOne's mapping onto a Recruitee report is inferred (§2.3 [I]). */
export function recruiteeView(r: Record<string, unknown>): StackOneOrder['ats_view'] {
  const value = isRecord(r.result) ? r.result.value : undefined;
  const status = value === 'completed' || value === 'passed' ? 'completed' : value === 'failed' ? 'failed' : value === 'cancelled' || value === 'expired' ? 'canceled' : 'sent';
  let score: string | null = null;
  if (isRecord(r.score) && typeof r.score.value === 'string') {
    const v = Number(r.score.value);
    const max = typeof r.score.max === 'string' ? Number(r.score.max) : NaN;
    const min = typeof r.score.min === 'string' ? Number(r.score.min) : 0;
    score = Number.isFinite(v) && Number.isFinite(max) && max > min ? `${Math.round(((v - min) / (max - min)) * 100)}%` : r.score.value;
  }
  return { status, score, result_url: typeof r.result_url === 'string' ? r.result_url : null };
}
