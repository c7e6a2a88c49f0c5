/**
 * The Greenhouse simulator's core: configuration, data, the Assessment Partner client (Greenhouse
 * calling the partner), take-home tests, the Harvest rate window and webhook firing.
 */
import { randomUUID } from 'node:crypto';
import { FaultQueue } from '../shared/faults.ts';
import { RequestLog } from '../shared/request-log.ts';
import { basicAuth } from '../shared/signing.ts';
import { greenhouseJson, greenhouseSignature } from './encoding.ts';
import {
  applySeed, defaultSeed, emptyState, findStage, webhookApplication, webhookCandidate, webhookJob, webhookPerson, APP_HOST, DEFAULT_IDS,
  type GhApplication, type GhSeed, type GhState,
} from './state.ts';
import { checkListTests, checkSendTest, checkTestStatus } from './validate.ts';
import { WebhookSender, type Delivery } from '../shared/webhook-sender.ts';

export type PartnerApi = 'list_tests' | 'send_test' | 'test_status' | 'response_error';

export interface GreenhouseConfig {
  /** The partner's base; calls go to `${partner_base_url}/<api>` unless partner_urls names the api. */
  partner_base_url: string | null;
  partner_urls: Partial<Record<PartnerApi, string>>;
  /** The customer's key that Greenhouse sends the partner as Basic user (empty password). */
  partner_api_key: string;
  harvest_api_key: string;
  on_behalf_of: string;
  webhook_url: string | null;
  webhook_secret: string;
  /** false after a failed ping, until re-enabled. */
  webhook_enabled: boolean;
  webhook_basic_auth: { user: string; password: string } | null;
  webhook_headers: Record<string, string>;
  /** Harvest: requests per window per key; null disables. */
  rate_limit: { limit: number; window_ms: number } | null;
  /** null = Greenhouse's schedule (1, 15, 60, 120, 240, 480 min + jitter). */
  retry_delays_ms: number[] | null;
  webhook_timeout_ms: number;
  partner_timeout_ms: number;
}

export interface CallOutcome {
  api_call: PartnerApi;
  at: string;
  url: string;
  request: unknown;
  status: number | null;
  /** Parsed JSON when it parsed, the raw text otherwise. */
  body: unknown;
  error?: string;
  violations: string[];
  response_error: { status: number | null; body: unknown } | null;
}

export interface TakeHomeTest {
  id: number; application_id: number; candidate_id: number; partner_test_id: string; partner_test_name: string | null;
  partner_interview_id: string | null; url: string; sent_by: string | null; sent_at: string;
  status: 'sent' | 'failed' | 'complete';
  result: { partner_status: string; partner_profile_url: string | null; partner_score: number | null; metadata: Record<string, unknown> | null } | null;
}

export interface PatchRecord { test_id: string; at: string; status: number; authorized: boolean; reason?: string }

// UNCONFIRMED: jitter per older docs' Sidekiq code; current docs give only the gaps
const GREENHOUSE_RETRY_MINUTES = [1, 15, 60, 120, 240, 480];

export class NotFound extends Error {}
export class BadInput extends Error {}

let nextTestId = 12_345;

export class GreenhouseSim {
  origin = '';
  state: GhState = emptyState();
  readonly log = new RequestLog({ max: 5000 });
  readonly faults = new FaultQueue();
  readonly sender: WebhookSender;
  readonly tests = new Map<number, TakeHomeTest>();
  knownTests = new Map<string, string>();
  listTestsCalls: CallOutcome[] = [];
  sendTests: Array<CallOutcome & { test_id: number | null }> = [];
  testStatusAnswers: Array<CallOutcome & { test_id: number; partner_interview_id: string | null; trigger: 'patch' | 'control' }> = [];
  responseErrors: Array<{ at: string; api_call: PartnerApi; payload: Record<string, unknown>; status: number | null; error?: string }> = [];
  patches: PatchRecord[] = [];
  rateLimited = 0;
  private windows = new Map<string, { start: number; count: number }>();
  private work = new Set<Promise<unknown>>();

  constructor(readonly config: GreenhouseConfig, private readonly seedDefaults: boolean) {
    this.sender = new WebhookSender({
      // anything but exactly 200 is a failure (GH-W)
      isSuccess: (s) => s === 200,
      retryDelaysMs: () => this.config.retry_delays_ms ?? GREENHOUSE_RETRY_MINUTES.map((m, i) => m * 60_000 + Math.floor(Math.random() * 30) * (i + 1) * 1000),
      timeoutMs: () => this.config.webhook_timeout_ms,
    });
  }

  reset(withDefaults = this.seedDefaults): void {
    this.state = emptyState();
    this.tests.clear();
    this.knownTests.clear();
    this.listTestsCalls = [];
    this.sendTests = [];
    this.testStatusAnswers = [];
    this.responseErrors = [];
    this.patches = [];
    this.sender.clear();
    this.log.clear();
    if (withDefaults) applySeed(this.state, defaultSeed());
  }

  seed(seed: GhSeed) {
    return applySeed(this.state, seed);
  }

  /** Fixed window per key; returns the headers to send and whether the request may pass. */
  rateWindow(key: string): { ok: boolean; headers: Record<string, string> } {
    const rl = this.config.rate_limit;
    if (!rl) return { ok: true, headers: {} };
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= rl.window_ms) this.windows.set(key, (w = { start: now, count: 0 }));
    w.count++;
    const resetAt = w.start + rl.window_ms;
    const headers: Record<string, string> = { 'X-RateLimit-Limit': String(rl.limit), 'X-RateLimit-Remaining': String(Math.max(0, rl.limit - w.count)) };
    if (w.count <= rl.limit) return { ok: true, headers };
    this.rateLimited++;
    // UNCONFIRMED: X-RateLimit-Reset as epoch seconds (docs say "a timestamp")
    headers['X-RateLimit-Reset'] = String(Math.ceil(resetAt / 1000));
    headers['Retry-After'] = String(Math.max(1, Math.ceil((resetAt - now) / 1000)));
    return { ok: false, headers };
  }

  resetRateLimit(): void {
    this.windows.clear();
    this.rateLimited = 0;
  }

  /** Runs background work (PATCH → test_status) so tests can wait for it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.work.add(p);
    void p.finally(() => this.work.delete(p)).catch(() => undefined);
    return p;
  }

  async idle(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.work.size > 0) {
      if (Date.now() > until) throw new Error('background work still running');
      await Promise.race([...this.work, new Promise((r) => setTimeout(r, 20))]).catch(() => undefined);
    }
    await this.sender.idle(Math.max(0, until - Date.now()));
  }

  // ---------- Greenhouse → partner ----------

  partnerUrl(api: PartnerApi): string {
    const url = this.config.partner_urls[api] ?? (this.config.partner_base_url ? `${this.config.partner_base_url.replace(/\/+$/, '')}/${api}` : null);
    if (!url) throw new BadInput('partner_base_url is not configured');
    return url;
  }

  private async call(api: PartnerApi, method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number | null; body: unknown; error?: string }> {
    try {
      const res = await fetch(url, {
        method,
        headers: { Authorization: basicAuth(this.config.partner_api_key, ''), Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.partner_timeout_ms),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : text;
      } catch {
        /* keep the raw text: not JSON is itself a rule violation */
      }
      return { status: res.status, body: parsed };
    } catch (e) {
      return { status: null, body: null, error: `${api}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /**
   * Greenhouse's check of a reply: a malformed 2xx is a violation; so is an unsuccessful answer other than 401 or
   * 404, the only ones the docs allow ("Unsuccessful requests should generate … one of" 401 / 404:
   * grnhse/greenhouse-api-docs source/includes/assessment/_errors.md). Network errors and 5xx are outages.
   */
  // UNCONFIRMED: that a 401/404/5xx answer does not trigger response_error (docs: "each time a partner response is malformed")
  private judge(r: { status: number | null; body: unknown }, check: (b: unknown) => string[]): string[] {
    if (r.status !== null && r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 404) {
      return [`unsuccessful answer ${r.status}: the Assessment Partner API allows only 401 or 404`];
    }
    if (r.status === null || r.status < 200 || r.status >= 300) return [];
    if (typeof r.body === 'string') return ['response is not valid JSON'];
    return check(r.body);
  }

  private async responseError(api_call: PartnerApi, errors: string[], extra: Record<string, unknown>): Promise<{ status: number | null; body: unknown }> {
    const payload: Record<string, unknown> = { api_call, errors, ...extra };
    let url: string;
    try {
      url = this.partnerUrl('response_error');
    } catch (e) {
      this.responseErrors.push({ at: new Date().toISOString(), api_call, payload, status: null, error: (e as Error).message });
      return { status: null, body: null };
    }
    const r = await this.call('response_error', 'POST', url, payload);
    this.responseErrors.push({ at: new Date().toISOString(), api_call, payload, status: r.status, ...(r.error ? { error: r.error } : {}) });
    return { status: r.status, body: r.body };
  }

  async listTests(): Promise<CallOutcome> {
    const url = this.partnerUrl('list_tests');
    const r = await this.call('list_tests', 'GET', url);
    const violations = this.judge(r, checkListTests);
    if (!violations.length && Array.isArray(r.body)) {
      for (const t of r.body as Array<{ partner_test_id: string; partner_test_name: string }>) this.knownTests.set(String(t.partner_test_id), t.partner_test_name);
    }
    // for list_tests failures only api_call and errors are sent
    const response_error = violations.length ? await this.responseError('list_tests', violations, {}) : null;
    const out: CallOutcome = { api_call: 'list_tests', at: new Date().toISOString(), url, request: null, status: r.status, body: r.body, ...(r.error ? { error: r.error } : {}), violations, response_error };
    this.listTestsCalls.push(out);
    return out;
  }

  /** "A recruiter presses Send Test": builds Greenhouse's request from the application's candidate. */
  async sendTest(input: { partner_test_id: string; application_id?: number; candidate_id?: number; sent_by?: string | null }): Promise<CallOutcome & { test_id: number | null; test: TakeHomeTest | null }> {
    if (typeof input.partner_test_id !== 'string' && typeof input.partner_test_id !== 'number') throw new BadInput('partner_test_id is required');
    const app = input.application_id !== undefined
      ? this.state.applications.get(input.application_id)
      : [...this.state.applications.values()].find((a) => input.candidate_id === undefined || a.candidate_id === input.candidate_id);
    if (!app) throw new NotFound('application not found');
    const cand = this.state.candidates.get(app.candidate_id);
    if (!cand) throw new NotFound(`candidate ${app.candidate_id} not found`);
    const url = this.partnerUrl('send_test');
    const testId = ++nextTestId;
    const testUrl = `${this.origin}/integrations/testing_partners/take_home_tests/${testId}`;
    const sentBy = input.sent_by === undefined ? (this.state.users.values().next().value?.email ?? null) : input.sent_by;
    const request = {
      partner_test_id: String(input.partner_test_id),
      candidate: {
        first_name: cand.first_name, last_name: cand.last_name, preferred_name: cand.preferred_name, resume_url: cand.resume_url,
        phone_number: cand.phones[0]?.value ?? null, email: cand.emails[0]?.value ?? null, greenhouse_profile_url: `${APP_HOST}/people/${cand.id}`,
      },
      sent_by: sentBy,
      url: testUrl,
    };
    const r = await this.call('send_test', 'POST', url, request);
    const violations = this.judge(r, checkSendTest);
    const ok = r.status !== null && r.status >= 200 && r.status < 300 && violations.length === 0;
    const partnerInterviewId = ok ? String((r.body as { partner_interview_id: unknown }).partner_interview_id) : null;
    const test: TakeHomeTest = {
      id: testId, application_id: app.id, candidate_id: cand.id, partner_test_id: request.partner_test_id, partner_test_name: this.knownTests.get(request.partner_test_id) ?? null,
      partner_interview_id: partnerInterviewId, url: testUrl, sent_by: sentBy, sent_at: new Date().toISOString(), status: ok ? 'sent' : 'failed', result: null,
    };
    this.tests.set(testId, test);
    const response_error = violations.length
      ? await this.responseError('send_test', violations, { partner_test_id: test.partner_test_id, ...(test.partner_test_name ? { partner_test_name: test.partner_test_name } : {}), candidate_email: request.candidate.email })
      : null;
    const out = { api_call: 'send_test' as const, at: test.sent_at, url, request, status: r.status, body: r.body, ...(r.error ? { error: r.error } : {}), violations, response_error, test_id: testId };
    this.sendTests.push(out);
    return { ...out, test };
  }

  async testStatus(testId: number, trigger: 'patch' | 'control') {
    const test = this.tests.get(testId);
    if (!test) throw new NotFound(`take-home test ${testId} not found`);
    if (!test.partner_interview_id) throw new BadInput(`take-home test ${testId} has no partner_interview_id (send_test failed)`);
    const base = this.partnerUrl('test_status');
    const url = `${base}${base.includes('?') ? '&' : '?'}partner_interview_id=${encodeURIComponent(test.partner_interview_id)}`;
    const r = await this.call('test_status', 'GET', url);
    const violations = this.judge(r, checkTestStatus);
    const b = r.body as Record<string, unknown>;
    if (!violations.length && r.status !== null && r.status < 300 && b && typeof b === 'object') {
      test.result = { partner_status: b.partner_status as string, partner_profile_url: (b.partner_profile_url as string | null) ?? null, partner_score: (b.partner_score as number | null) ?? null, metadata: (b.metadata as Record<string, unknown> | null) ?? null };
      if (b.partner_status === 'complete') test.status = 'complete';
    }
    const cand = this.state.candidates.get(test.candidate_id);
    const response_error = violations.length
      ? await this.responseError('test_status', violations, {
          partner_test_id: test.partner_test_id, ...(test.partner_test_name ? { partner_test_name: test.partner_test_name } : {}),
          partner_interview_id: test.partner_interview_id, candidate_email: cand?.emails[0]?.value ?? null,
        })
      : null;
    const out = { api_call: 'test_status' as const, at: new Date().toISOString(), url, request: null, status: r.status, body: r.body, ...(r.error ? { error: r.error } : {}), violations, response_error, test_id: testId, partner_interview_id: test.partner_interview_id, trigger };
    this.testStatusAnswers.push(out);
    return { ...out, test };
  }

  // ---------- webhooks ----------

  private webhookHeaders(raw: string): Record<string, string> {
    const reserved = new Set(['content-type', 'content-length', 'greenhouse-event-id', 'authorization', 'user-agent', 'signature']);
    const extra = Object.fromEntries(Object.entries(this.config.webhook_headers).filter(([k]) => !reserved.has(k.toLowerCase())));
    return {
      ...extra,
      'Content-Type': 'application/json',
      Signature: greenhouseSignature(this.config.webhook_secret, raw),
      // UNCONFIRMED: whether the id stays the same across retries (it does here)
      'Greenhouse-Event-ID': randomUUID(),
      ...(this.config.webhook_basic_auth ? { Authorization: basicAuth(this.config.webhook_basic_auth.user, this.config.webhook_basic_auth.password) } : {}),
    };
  }

  /** Sends `{ action, payload }` encoded and signed as Greenhouse does; null when no webhook is set. */
  fire(action: string, payload: unknown): Delivery | null {
    const url = this.config.webhook_url;
    if (!url) return null;
    const raw = greenhouseJson({ action, payload });
    if (!this.config.webhook_enabled) return this.sender.skip({ event: action, url, body: raw, note: 'webhook disabled (its ping failed); re-enable it' });
    return this.sender.send({ event: action, url, body: raw, headers: this.webhookHeaders(raw) });
  }

  /** The ping on webhook creation/update; a failed ping disables the webhook. */
  async ping(): Promise<Delivery | null> {
    const url = this.config.webhook_url;
    if (!url) return null;
    // UNCONFIRMED: the ping's JSON shape is not documented
    const raw = greenhouseJson({ action: 'ping', payload: { web_hook_id: 1, name: 'Assay', endpoint_url: url } });
    const d = this.sender.send({ event: 'ping', url, body: raw, headers: this.webhookHeaders(raw), retry: false });
    await this.sender.settled(d, this.config.webhook_timeout_ms + 1000);
    this.config.webhook_enabled = d.state === 'delivered';
    return d;
  }

  application(id: number): GhApplication {
    const a = this.state.applications.get(id);
    if (!a) throw new NotFound(`application ${id} not found`);
    return a;
  }

  /** Moves an application to another stage of its job and fires candidate_stage_change. */
  moveApplication(id: number, stage: number | string): { application: GhApplication; delivery: Delivery | null } {
    const a = this.application(id);
    const job = this.state.jobs.get(a.job_id)!;
    const s = findStage(job, stage);
    if (!s) throw new BadInput(`stage ${stage} is not a stage of job ${job.id}`);
    a.stage_id = s.id;
    a.last_activity_at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { application: a, delivery: this.fire('candidate_stage_change', { application: webhookApplication(this.state, a) }) };
  }

  /** Fires any documented action, applying its effect to the data; `payload` overrides the built one. */
  fireAction(action: string, o: { application_id?: number; candidate_id?: number; new_candidate_id?: number; job_id?: number; payload?: unknown }): Delivery | null {
    if (o.payload !== undefined) return this.fire(action, o.payload);
    const st = this.state;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const appActions = ['new_candidate_application', 'new_prospect_application', 'application_updated', 'candidate_stage_change', 'hire_candidate', 'unhire_candidate', 'reject_candidate', 'unreject_candidate'];
    if (action === 'update_candidate') {
      // grnhse/greenhouse-api-docs source/includes/webhooks/_candidate_events.md §Candidate/Prospect updated:
      // `payload.candidate` only (the candidate object of the application events), no application.
      const candId = o.candidate_id ?? (o.application_id !== undefined ? this.application(o.application_id).candidate_id : DEFAULT_IDS.candidate);
      const c = st.candidates.get(candId);
      if (!c) throw new NotFound(`candidate ${candId} not found`);
      return this.fire(action, { candidate: webhookCandidate(c) });
    }
    if (appActions.includes(action)) {
      const a = this.application(o.application_id ?? DEFAULT_IDS.application);
      if (action === 'hire_candidate') a.status = 'hired';
      if (action === 'unhire_candidate' || action === 'unreject_candidate') Object.assign(a, { status: 'active', rejected_at: null, rejection_reason: null });
      if (action === 'reject_candidate') Object.assign(a, { status: 'rejected', rejected_at: now, rejection_reason: { id: 8, name: 'Lacking skill(s)/qualification(s)', type: { id: 1, name: 'We rejected them' } } });
      if (action === 'new_prospect_application') a.prospect = true;
      a.last_activity_at = now;
      const application: Record<string, unknown> = webhookApplication(st, a);
      if (action === 'new_candidate_application' || action === 'new_prospect_application') application.prospect_detail = { prospect_pool: null, prospect_stage: null, prospect_owner: null };
      // UNCONFIRMED: offer block values; the shape follows the hire_candidate docs example
      if (action === 'hire_candidate') application.offer = { id: a.id + 1, version: 1, created_at: now, sent_at: now.slice(0, 10), resolved_at: now, starts_at: now.slice(0, 10), custom_fields: {} };
      return this.fire(action, { application });
    }
    if (action === 'delete_application') {
      const a = this.application(o.application_id ?? DEFAULT_IDS.application);
      st.applications.delete(a.id);
      return this.fire(action, { application: { id: a.id, candidate_id: a.candidate_id, job_id: a.job_id, created_at: a.applied_at, source_id: 16, candidate_rejection_reason_id: a.rejection_reason?.id ?? null, rejection_note_id: null, rejected_at: a.rejected_at, referrer_id: null, prospect: a.prospect, rejected_by_user_id: null } });
    }
    if (action === 'delete_candidate' || action === 'merge_candidate' || action === 'candidate_anonymized') {
      const c = st.candidates.get(o.candidate_id ?? DEFAULT_IDS.candidate);
      if (!c) throw new NotFound(`candidate ${o.candidate_id} not found`);
      if (action === 'candidate_anonymized') {
        // grnhse/greenhouse-api-docs source/includes/webhooks/_candidate_events.md §Candidate anonymized:
        // `{candidate_id, anonymized_fields}`, no candidate or person object. Greenhouse keeps the (now
        // anonymous) candidate, so the simulator blanks the personal fields and keeps the record.
        Object.assign(c, { first_name: 'Anonymized', last_name: 'Candidate', emails: [], phones: [] });
        return this.fire(action, { candidate_id: c.id, anonymized_fields: ['full_name', 'email_addresses', 'phone_numbers'] });
      }
      const person: Record<string, unknown> = webhookPerson(st, c);
      if (action === 'merge_candidate') {
        if (o.new_candidate_id === undefined || !st.candidates.has(o.new_candidate_id)) throw new BadInput('new_candidate_id must name another existing candidate');
        delete person.deleted_application_ids;
        person.new_candidate_id = o.new_candidate_id;
        for (const a of st.applications.values()) if (a.candidate_id === c.id) a.candidate_id = o.new_candidate_id;
      } else {
        for (const a of [...st.applications.values()]) if (a.candidate_id === c.id) st.applications.delete(a.id);
      }
      st.candidates.delete(c.id);
      return this.fire(action, { person });
    }
    // UNCONFIRMED: payload shapes of job, post, offer and organisation events below are modelled on the job/application ones
    const job = st.jobs.get(o.job_id ?? DEFAULT_IDS.job);
    if (['job_created', 'job_updated', 'job_deleted', 'job_approved'].includes(action)) {
      if (!job) throw new NotFound(`job ${o.job_id} not found`);
      if (action === 'job_deleted') st.jobs.delete(job.id);
      return this.fire(action, { job: { ...webhookJob(job), stages: job.stages.map((s) => ({ id: s.id, name: s.name })) } });
    }
    if (['job_post_created', 'job_post_updated', 'job_post_deleted'].includes(action)) return this.fire(action, { job_post: { id: job?.job_post_id ?? 9, job_id: job?.id ?? null, title: job?.name ?? null, live: true } });
    if (action === 'job_interview_stage_deleted') {
      const s = job?.stages[job.stages.length - 1];
      return this.fire(action, { job_interview_stage: { id: s?.id ?? 1, name: s?.name ?? 'Stage', job_id: job?.id ?? null } });
    }
    if (action.startsWith('offer_')) return this.fire(action, { offer: { id: 506409, application_id: o.application_id ?? DEFAULT_IDS.application, job_id: job?.id ?? null, version: 1, status: 'unresolved' } });
    const simple: Record<string, string> = { interview_deleted: 'interview', scorecard_deleted: 'scorecard', department_deleted: 'department', office_deleted: 'office' };
    if (simple[action]) return this.fire(action, { [simple[action]!]: { id: 1, name: null } });
    throw new BadInput(`unknown action ${action}`);
  }
}
