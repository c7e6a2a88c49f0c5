/**
 * Recruitee simulator state and behaviour: Recruitee's marketplace side of a partner integration
 * (contracts/ats-native.md §3.2, §3.3). Routes in app.ts; the SimHandle exposes the same methods.
 * [I]/[NF]/[V-3p] details carry `// UNCONFIRMED:`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DeliveryLog, hmacSha256, isIsoDateTime, isRecord, randomId, sendHttp, type HttpOutcome } from '../shared/index.ts';

/** X-Recruitee-Signature: hex HMAC-SHA256 of the raw body (§3.2 [V-3p]). */
export function signRecruiteeWebhook(rawBody: string | Uint8Array, secret: string): string {
  return hmacSha256(secret, rawBody, 'hex');
}

export const REPORT_STATUSES = ['sent', 'completed', 'failed', 'canceled'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export type PartnerKind = 'assessment' | 'background_check' | 'reference_check';

/** UNCONFIRMED: Recruitee's retry schedule is [NF] ("increasing delays"; a waymark page claims 9 retries over 48 h). */
export const DEFAULT_RETRY_DELAYS_MS = [60_000, 300_000, 900_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 12 * 3_600_000, 12 * 3_600_000];

export interface RecruiteeConfig {
  /** base of our partner URLs; tests_url / send_candidate_url default to <base>/tests and <base>/send_candidate */
  partner_urls_base: string | null;
  tests_url: string | null;
  send_candidate_url: string | null;
  webhook_url: string | null;
  retry_delays_ms: number[];
  /** UNCONFIRMED: whether the {"test":true} ping is signed is unknown; unsigned by default (the stricter case) */
  sign_ping: boolean;
  kind: PartnerKind;
  timeout_ms: number;
}

export interface Report {
  id: string;
  codename: string;
  company_id: number;
  candidate_id: number;
  candidate: { first_name: string; last_name: string; email: string };
  test_id: string;
  test_name: string;
  status: ReportStatus;
  score: string | null;
  completed_at: string | null;
  subtitle: string | null;
  properties: unknown;
  urls: Record<string, string>;
  created_at: string;
  updated_at: string;
  /** our answer to send_candidate */
  send_candidate: { status: number; body: string; error?: string; outcome: SendOutcome; message_shown: string | null } | null;
  history: Array<{ at: string; body: unknown; accepted: boolean; problems?: string[]; ignored_fields?: string[] }>;
}

export type SendOutcome = 'ok' | 'unauthorized' | 'error';

export interface WebhookDelivery {
  id: string;
  kind: string;
  url: string;
  body: string;
  signed: boolean;
  headers: Record<string, string>;
  state: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: Array<{ at: string; status: number; body: string; error?: string }>;
  next_attempt_at: string | null;
}

export interface SendInput {
  test_id?: string | number;
  test_name?: string;
  candidate?: { id?: number; first_name?: string; last_name?: string; email?: string };
  company_id?: number;
}

export interface WebhookInput {
  /** exact bytes to send (e.g. a fixture file) */
  raw?: string;
  /** a JSON body (serialised with JSON.stringify) */
  body?: unknown;
  /** build a candidate_moved event (default when neither raw nor body is given) */
  event?: 'candidate_moved';
  candidate?: { id?: number; name?: string; emails?: string[] };
  offer?: { id?: number; title?: string };
  from_stage?: { id?: number; name?: string; category?: string };
  to_stage?: { id?: number; name?: string; category?: string };
  sign?: boolean;
  /** wait for all retries to finish before resolving */
  wait?: boolean;
  retry_delays_ms?: number[];
}

export class SimError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

export class RecruiteeSim {
  customerToken: string;
  partnerSecret: string;
  readonly codename: string;
  /** The partner's name in Recruitee's marketplace, used in Recruitee's generic error sentence. */
  readonly partnerName: string;
  readonly webhookSecret: string;
  readonly companyId: number;
  config: RecruiteeConfig;
  reports = new Map<string, Report>();
  webhooks = new Map<string, WebhookDelivery>();
  testsFetches: unknown[] = [];
  deliveries = new DeliveryLog();
  onCredentialsChange?: () => void;
  private timers = new Set<NodeJS.Timeout>();
  private waiters = new Map<string, Array<() => void>>();
  private readonly initialConfig: RecruiteeConfig;
  private candidateSeq = 0;

  constructor(opts: { customerToken?: string; partnerSecret?: string; codename?: string; partnerName?: string; webhookSecret?: string; companyId?: number; partnerUrlsBase?: string | null; webhookUrl?: string | null; retryDelaysMs?: number[]; kind?: PartnerKind; timeoutMs?: number }) {
    this.customerToken = opts.customerToken ?? randomBytes(24).toString('base64url');
    this.partnerSecret = opts.partnerSecret ?? randomBytes(24).toString('hex');
    this.codename = opts.codename ?? 'assay';
    this.partnerName = opts.partnerName ?? 'Assay';
    this.webhookSecret = opts.webhookSecret ?? randomBytes(20).toString('hex');
    this.companyId = opts.companyId ?? 10000 + (randomBytes(2).readUInt16BE() % 90000);
    this.config = {
      partner_urls_base: opts.partnerUrlsBase ?? null,
      tests_url: null,
      send_candidate_url: null,
      webhook_url: opts.webhookUrl ?? null,
      retry_delays_ms: opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
      sign_ping: false,
      kind: opts.kind ?? 'assessment',
      timeout_ms: opts.timeoutMs ?? 10_000,
    };
    this.initialConfig = { ...this.config };
  }

  reset(): void {
    this.stopTimers();
    this.config = { ...this.initialConfig };
    this.reports.clear();
    this.webhooks.clear();
    this.testsFetches = [];
    this.deliveries.clear();
  }

  stopTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const d of this.webhooks.values()) if (d.state === 'pending') d.next_attempt_at = null;
    for (const ws of this.waiters.values()) ws.forEach((w) => w());
    this.waiters.clear();
  }

  setConfig(patch: unknown): RecruiteeConfig {
    if (!isRecord(patch)) throw new SimError(400, 'config must be an object');
    const next = { ...this.config };
    for (const k of ['partner_urls_base', 'tests_url', 'send_candidate_url', 'webhook_url'] as const)
      if (k in patch) {
        const v = patch[k];
        if (v !== null && typeof v !== 'string') throw new SimError(400, `${k} must be a string or null`);
        const val = (v as string | null) || null;
        next[k] = val && k === 'partner_urls_base' ? val.replace(/\/+$/, '') : val;
      }
    if ('retry_delays_ms' in patch) {
      const v = patch.retry_delays_ms;
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && x >= 0)) throw new SimError(400, 'retry_delays_ms must be an array of non-negative numbers');
      next.retry_delays_ms = v as number[];
    }
    if ('sign_ping' in patch) next.sign_ping = patch.sign_ping === true;
    if ('kind' in patch) {
      if (!['assessment', 'background_check', 'reference_check'].includes(patch.kind as string)) throw new SimError(400, 'kind must be assessment, background_check or reference_check');
      next.kind = patch.kind as PartnerKind;
    }
    if ('timeout_ms' in patch) {
      if (typeof patch.timeout_ms !== 'number' || patch.timeout_ms < 1) throw new SimError(400, 'timeout_ms must be a positive number');
      next.timeout_ms = patch.timeout_ms;
    }
    this.config = next;
    return next;
  }

  partnerUrl(which: 'tests' | 'send_candidate'): string {
    const explicit = which === 'tests' ? this.config.tests_url : this.config.send_candidate_url;
    if (explicit) return explicit;
    if (!this.config.partner_urls_base) throw new SimError(400, 'configure partner_urls_base (e.g. http://127.0.0.1:8787/partner/recruitee/<connection-id>) or tests_url/send_candidate_url');
    return `${this.config.partner_urls_base}/${which}`;
  }

  regenerateSecret(): string {
    this.partnerSecret = randomBytes(24).toString('hex');
    this.onCredentialsChange?.();
    return this.partnerSecret;
  }

  // ---------- Recruitee → partner calls ----------

  /** The recruiter opens "Send test": Recruitee GETs our tests URL with the customer's Bearer token. */
  async fetchTests(): Promise<{ status: number; body: unknown; body_text: string; error?: string; shape_valid: boolean; problems: string[]; tests: Array<{ id: string | number; name: string }> }> {
    const url = this.partnerUrl('tests');
    const headers = { Authorization: `Bearer ${this.customerToken}`, Accept: 'application/json', 'User-Agent': 'Recruitee (simulator)' };
    const o = await sendHttp({ url, method: 'GET', headers, timeoutMs: this.config.timeout_ms });
    this.deliveries.record({ id: randomId('tst_'), kind: 'tests', url, method: 'GET', requestHeaders: headers, requestBody: '', attempt: 1, outcome: o });
    const problems: string[] = [];
    const tests: Array<{ id: string | number; name: string }> = [];
    if (o.status === 0) problems.push(`no answer: ${o.error}`);
    else if (o.status < 200 || o.status >= 300) problems.push(`status ${o.status} (2xx expected)`);
    else if (!Array.isArray(o.json)) problems.push('body must be a JSON array [{ "name", "id" }] (ats-native §3.3)');
    else
      o.json.forEach((t, i) => {
        if (!isRecord(t)) return problems.push(`[${i}] must be an object`);
        if (typeof t.name !== 'string' || !t.name) problems.push(`[${i}].name: required string`);
        if (!(typeof t.id === 'number' || (typeof t.id === 'string' && t.id !== ''))) problems.push(`[${i}].id: required number or string`);
        if (typeof t.name === 'string' && (typeof t.id === 'number' || typeof t.id === 'string')) tests.push({ id: t.id, name: t.name });
      });
    const r = { status: o.status, body: o.json, body_text: o.bodyText.slice(0, 4000), ...(o.error ? { error: o.error } : {}), shape_valid: problems.length === 0, problems, tests };
    this.testsFetches.push({ at: new Date().toISOString(), ...r });
    return r;
  }

  /** The recruiter sends test X to candidate Y: Recruitee creates the report, then POSTs send_candidate. */
  async sendCandidate(input: SendInput = {}): Promise<{ report: Report; answer: { status: number; body: unknown; body_text: string; error?: string }; outcome: SendOutcome; message_shown: string | null }> {
    if (!isRecord(input as unknown)) throw new SimError(400, 'input must be an object');
    if (input.test_id === undefined) throw new SimError(400, 'test_id is required');
    const url = this.partnerUrl('send_candidate');
    const n = ++this.candidateSeq;
    const cand = { id: input.candidate?.id ?? n, first_name: input.candidate?.first_name ?? 'Ada', last_name: input.candidate?.last_name ?? 'Lovelace', email: input.candidate?.email ?? `candidate${n}@example.com` };
    const now = new Date().toISOString();
    const report: Report = {
      id: randomUUID(),
      codename: this.codename,
      company_id: input.company_id ?? this.companyId,
      candidate_id: cand.id,
      candidate: { first_name: cand.first_name, last_name: cand.last_name, email: cand.email },
      // Sent as a string even when the tests list used numbers (ats-native §3.3 example: "test_id": "2").
      test_id: String(input.test_id),
      test_name: input.test_name ?? `Test ${input.test_id}`,
      status: 'sent',
      score: null,
      completed_at: null,
      subtitle: null,
      properties: null,
      urls: {},
      created_at: now,
      updated_at: now,
      send_candidate: null,
      history: [],
    };
    this.reports.set(report.id, report);
    const body = JSON.stringify({
      first_name: report.candidate.first_name,
      last_name: report.candidate.last_name,
      email: report.candidate.email,
      candidate_id: report.candidate_id,
      company_id: report.company_id,
      report_id: report.id,
      test_id: report.test_id,
      test_name: report.test_name,
    });
    const headers = { Authorization: `Bearer ${this.customerToken}`, 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': 'Recruitee (simulator)' };
    const o = await sendHttp({ url, body, headers, timeoutMs: this.config.timeout_ms });
    this.deliveries.record({ id: report.id, kind: 'send_candidate', url, method: 'POST', requestHeaders: headers, requestBody: body, attempt: 1, outcome: o });
    const { outcome, message } = interpretPartnerAnswer(o, this.partnerName);
    report.send_candidate = { status: o.status, body: o.bodyText.slice(0, 4000), ...(o.error ? { error: o.error } : {}), outcome, message_shown: message };
    return { report, answer: { status: o.status, body: o.json, body_text: o.bodyText, ...(o.error ? { error: o.error } : {}) }, outcome, message_shown: message };
  }

  /** A user clicks "Cancel" on the report in Recruitee. UNCONFIRMED: method/auth of report.urls.cancel calls are [NF]. */
  async clickCancel(reportId: string): Promise<HttpOutcome> {
    const r = this.report(reportId);
    const url = r.urls.cancel;
    if (!url) throw new SimError(400, 'this report has no urls.cancel');
    const headers = { Authorization: `Bearer ${this.customerToken}`, 'Content-Type': 'application/json' };
    const body = JSON.stringify({ report_id: r.id });
    const o = await sendHttp({ url, body, headers, timeoutMs: this.config.timeout_ms });
    this.deliveries.record({ id: r.id, kind: 'cancel', url, method: 'POST', requestHeaders: headers, requestBody: body, attempt: 1, outcome: o });
    return o;
  }

  report(id: string): Report {
    const r = this.reports.get(id);
    if (!r) throw new SimError(404, `no report ${id}`);
    return r;
  }

  /** Partner PATCH of a report. Returns problems (empty = applied). */
  applyReportPatch(r: Report, body: unknown): { problems: string[]; ignored: string[] } {
    const problems: string[] = [];
    const ignored: string[] = [];
    if (!isRecord(body)) return { problems: ['body must be a JSON object'], ignored };
    const known = new Set(['status', 'score', 'completed_at', 'subtitle', 'properties', 'urls']);
    // UNCONFIRMED: unknown keys are assumed to be ignored (not rejected); they are reported back as ignored_fields.
    for (const k of Object.keys(body)) if (!known.has(k)) ignored.push(k);
    if (body.status !== undefined && !REPORT_STATUSES.includes(body.status as ReportStatus)) problems.push(`status: must be one of ${REPORT_STATUSES.join(', ')}`);
    if (body.score !== undefined && body.score !== null && typeof body.score !== 'string') problems.push('score: is a text field; send a string such as "10", "76%" or "12/15"');
    if (body.completed_at !== undefined && body.completed_at !== null && !isIsoDateTime(body.completed_at)) problems.push('completed_at: must be an ISO-8601 timestamp');
    if (this.config.kind !== 'assessment' && (body.subtitle !== undefined || body.properties !== undefined))
      problems.push(`subtitle/properties: not available for the ${this.config.kind} partner kind`); // UNCONFIRMED: reject vs ignore
    if (body.subtitle !== undefined && body.subtitle !== null && typeof body.subtitle !== 'string') problems.push('subtitle: must be a string');
    // UNCONFIRMED: the layout of report.properties is [NF]; any JSON value is stored as given.
    if (body.urls !== undefined && body.urls !== null) {
      if (!isRecord(body.urls)) problems.push('urls: must be an object');
      else for (const [k, v] of Object.entries(body.urls)) if (typeof v !== 'string' || !/^https?:\/\//.test(v)) problems.push(`urls.${k}: must be an http(s) URL`);
    }
    r.history.push({ at: new Date().toISOString(), body, accepted: problems.length === 0, ...(problems.length ? { problems } : {}), ...(ignored.length ? { ignored_fields: ignored } : {}) });
    if (problems.length) return { problems, ignored };
    if (body.status !== undefined) r.status = body.status as ReportStatus;
    if (body.score !== undefined) r.score = body.score as string | null;
    if (body.completed_at !== undefined) r.completed_at = body.completed_at as string | null;
    if (body.subtitle !== undefined) r.subtitle = body.subtitle as string | null;
    if (body.properties !== undefined) r.properties = body.properties;
    if (isRecord(body.urls)) r.urls = { ...r.urls, ...(body.urls as Record<string, string>) };
    r.updated_at = new Date().toISOString();
    return { problems, ignored };
  }

  // ---------- webhooks ----------

  // UNCONFIRMED: the envelope { event_type, event_subtype, payload: { candidate, offer, details } } is [V-3p/I] (§3.2).
  buildCandidateMoved(input: WebhookInput): string {
    return JSON.stringify({
      event_type: 'candidate_moved',
      event_subtype: 'stage_changed',
      payload: {
        candidate: { id: 1, name: 'Ada Lovelace', emails: ['ada@example.com'], ...(input.candidate ?? {}) },
        offer: { id: 7, title: 'Data Analyst', ...(input.offer ?? {}) },
        details: {
          from_stage: { id: 1, name: 'Applied', category: 'apply', ...(input.from_stage ?? {}) },
          to_stage: { id: 2, name: 'Assessment', category: 'evaluation', ...(input.to_stage ?? {}) },
        },
      },
    });
  }

  /** Fires a webhook and retries (in the background) until the answer is exactly 200. */
  async fireWebhook(input: WebhookInput = {}): Promise<WebhookDelivery> {
    if (!isRecord(input as unknown)) throw new SimError(400, 'input must be an object');
    const url = this.config.webhook_url;
    if (!url) throw new SimError(400, 'no webhook_url configured');
    const raw = typeof input.raw === 'string' ? input.raw : input.body !== undefined ? JSON.stringify(input.body) : this.buildCandidateMoved(input);
    let kind = 'webhook';
    try {
      const j = JSON.parse(raw) as unknown;
      if (isRecord(j) && typeof j.event_type === 'string') kind = j.event_type;
    } catch {
      /* raw may be anything */
    }
    const d = this.newDelivery(url, raw, kind, input.sign !== false);
    await this.attempt(d);
    const delays = input.retry_delays_ms ?? this.config.retry_delays_ms;
    if (d.state === 'pending') this.schedule(d, delays, 0);
    if (input.wait && d.state === 'pending') await new Promise<void>((res) => this.waiters.set(d.id, [...(this.waiters.get(d.id) ?? []), res]));
    return d;
  }

  /** The "Test" button: POST {"test":true}; the webhook is saved only if the answer is 200. No retries. */
  async ping(opts: { sign?: boolean } = {}): Promise<{ saved: boolean; delivery: WebhookDelivery }> {
    const url = this.config.webhook_url;
    if (!url) throw new SimError(400, 'no webhook_url configured');
    const d = this.newDelivery(url, '{"test":true}', 'test', opts.sign ?? this.config.sign_ping);
    await this.attempt(d);
    if (d.state === 'pending') d.state = 'failed';
    return { saved: d.state === 'delivered', delivery: d };
  }

  async retryNow(id: string): Promise<WebhookDelivery> {
    const d = this.webhooks.get(id);
    if (!d) throw new SimError(404, `no webhook delivery ${id}`);
    if (d.state === 'delivered' || d.state === 'cancelled') throw new SimError(409, `delivery is ${d.state}`);
    d.state = 'pending';
    await this.attempt(d);
    if (d.state !== 'pending') this.wake(d.id);
    return d;
  }

  cancelRetry(id: string): WebhookDelivery {
    const d = this.webhooks.get(id);
    if (!d) throw new SimError(404, `no webhook delivery ${id}`);
    if (d.state === 'pending') {
      d.state = 'cancelled';
      d.next_attempt_at = null;
      this.wake(d.id);
    }
    return d;
  }

  private newDelivery(url: string, raw: string, kind: string, sign: boolean): WebhookDelivery {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Recruitee-Webhooks' };
    if (sign) headers['X-Recruitee-Signature'] = signRecruiteeWebhook(raw, this.webhookSecret);
    const d: WebhookDelivery = { id: randomId('whd_'), kind, url, body: raw, signed: sign, headers, state: 'pending', attempts: [], next_attempt_at: null };
    this.webhooks.set(d.id, d);
    return d;
  }

  private async attempt(d: WebhookDelivery): Promise<void> {
    const o = await sendHttp({ url: d.url, body: d.body, headers: d.headers, timeoutMs: this.config.timeout_ms });
    this.deliveries.record({ id: d.id, kind: d.kind, url: d.url, method: 'POST', requestHeaders: d.headers, requestBody: d.body, attempt: d.attempts.length + 1, outcome: o });
    d.attempts.push({ at: new Date().toISOString(), status: o.status, body: o.bodyText.slice(0, 2000), ...(o.error ? { error: o.error } : {}) });
    // "Any response status other than 200 is considered a webhook delivery failure" (§3.2 [V]).
    if (o.status === 200) {
      d.state = 'delivered';
      d.next_attempt_at = null;
    }
  }

  private schedule(d: WebhookDelivery, delays: number[], i: number): void {
    const delay = delays[i];
    if (delay === undefined) {
      d.state = 'failed';
      d.next_attempt_at = null;
      this.wake(d.id);
      return;
    }
    d.next_attempt_at = new Date(Date.now() + delay).toISOString();
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (d.state !== 'pending') return this.wake(d.id);
      void this.attempt(d).then(() => {
        if (d.state === 'pending') this.schedule(d, delays, i + 1);
        else this.wake(d.id);
      });
    }, delay);
    t.unref();
    this.timers.add(t);
  }

  private wake(id: string): void {
    this.waiters.get(id)?.forEach((w) => w());
    this.waiters.delete(id);
  }
}

/**
 * How Recruitee treats our answer to its partner calls: 2xx ok; 401/403 bad token; any other 4xx shows
 * "There was a problem with the {partner.name} API" unless the body is `{"error": "<string>"}`, whose string
 * it shows instead (https://docs.recruitee.com/reference-link/error-handling; contracts/ats-native.md §0).
 */
export function interpretPartnerAnswer(o: HttpOutcome, partnerName = 'Assay'): { outcome: SendOutcome; message: string | null } {
  if (o.status >= 200 && o.status < 300) return { outcome: 'ok', message: null };
  if (o.status === 401 || o.status === 403) return { outcome: 'unauthorized', message: 'The integration token is invalid. Ask your provider for a new one.' };
  const j = o.json;
  const own = isRecord(j) && typeof j.error === 'string' ? j.error : null;
  if (o.status >= 400 && o.status < 500) return { outcome: 'error', message: own ?? `There was a problem with the ${partnerName} API` };
  // UNCONFIRMED: what Recruitee shows on 5xx/timeouts is not documented.
  return { outcome: 'error', message: o.status === 0 ? 'The partner did not answer.' : 'The partner returned an error.' };
}
