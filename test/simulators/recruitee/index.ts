/**
 * Recruitee simulator — plays Recruitee's marketplace for an assessment partner (contracts/ats-native.md §3).
 *
 *   const rc = await startSimulator({ partnerUrlsBase: 'http://127.0.0.1:8787/partner/recruitee/<conn>', webhookUrl });
 *   rc.credentials // { customer_token, partner_secret, codename, webhook_secret, company_id, base_url }
 *   (base_url = Recruitee's Partners API base, ending in /api; report PATCHes go to <base_url>/p/<codename>/reports/<id>)
 *
 * Recruitee → us:  GET <base>/tests and POST <base>/send_candidate with "Authorization: Bearer <customer_token>";
 *                  webhooks with X-Recruitee-Signature = hex HMAC-SHA256(webhook_secret, raw body), retried until the
 *                  answer is exactly 200 (retryDelaysMs); the {"test":true} ping (unsigned unless sign_ping).
 * Us → Recruitee:  PATCH /api/p/:codename/reports/:report_id (RT-PARTNER-SECRET) { status: sent|completed|failed|canceled,
 *                  score: "free text", completed_at, subtitle, properties, urls{cancel} } ·
 *                  GET /api/p/:codename/c/:company_id/candidates/:candidate_id/reports · POST /api/p/:codename/partner/regenerate-secret
 * Control API (/_sim/):
 *   GET|PATCH /_sim/config { partner_urls_base, tests_url, send_candidate_url, webhook_url, retry_delays_ms, sign_ping, kind, timeout_ms }
 *   POST /_sim/tests/fetch → { status, body, shape_valid, problems, tests }          ("recruiter opens Send test")
 *   POST /_sim/send { test_id, test_name?, candidate?{id,first_name,last_name,email}, company_id? }
 *        → 201 { report, answer, outcome: ok|unauthorized|error, message_shown }        ("recruiter sends test X to Y")
 *   GET /_sim/reports · GET /_sim/reports/:id · POST /_sim/reports/:id/cancel (user clicks Cancel → urls.cancel)
 *   POST /_sim/webhooks { raw? | body? | candidate_moved parts, sign?, wait?, retry_delays_ms? } → 201 delivery
 *   POST /_sim/webhooks/ping { sign? } → { saved, delivery } · GET /_sim/webhooks
 *   POST /_sim/webhooks/:id/retry ("Retry now") · POST /_sim/webhooks/:id/cancel · GET /_sim/state
 *   + shared: /_sim/health, /_sim/info, /_sim/requests, /_sim/faults, /_sim/deliveries, /_sim/reset
 */
import { FaultQueue, RequestLog, startHonoApp, type Fault, type LoggedRequest, type RequestFilter, type SimHandle, type StartOptions } from '../shared/index.ts';
import { buildRecruiteeApp, mountRecruiteeControl, stateOf } from './app.ts';
import { RecruiteeSim, type PartnerKind, type SendInput, type WebhookInput } from './sim.ts';

export { signRecruiteeWebhook, interpretPartnerAnswer, RecruiteeSim, DEFAULT_RETRY_DELAYS_MS } from './sim.ts';
export type { Report, RecruiteeConfig, WebhookDelivery, SendInput, WebhookInput } from './sim.ts';

export interface RecruiteeStartOptions extends StartOptions {
  customerToken?: string;
  partnerSecret?: string;
  codename?: string;
  webhookSecret?: string;
  companyId?: number;
  /** e.g. http://127.0.0.1:8787/partner/recruitee/<connection-id> */
  partnerUrlsBase?: string;
  /** webhook retry schedule; compress it in tests, e.g. [20, 20, 20] */
  retryDelaysMs?: number[];
  kind?: PartnerKind;
  timeoutMs?: number;
}

export interface RecruiteeSimHandle extends SimHandle {
  sim: RecruiteeSim;
  state(): ReturnType<typeof stateOf>;
  config(patch?: Record<string, unknown>): RecruiteeSim['config'];
  fetchTests(): ReturnType<RecruiteeSim['fetchTests']>;
  sendCandidate(input: SendInput): ReturnType<RecruiteeSim['sendCandidate']>;
  reports(): ReturnType<RecruiteeSim['report']>[];
  report(id: string): ReturnType<RecruiteeSim['report']>;
  fireWebhook(input?: WebhookInput): ReturnType<RecruiteeSim['fireWebhook']>;
  ping(opts?: { sign?: boolean }): ReturnType<RecruiteeSim['ping']>;
  webhooks(): ReturnType<RecruiteeSim['webhooks']['get']>[];
  retryNow(id: string): ReturnType<RecruiteeSim['retryNow']>;
  clickCancel(reportId: string): ReturnType<RecruiteeSim['clickCancel']>;
  injectFault(f: Fault | Fault[]): void;
  clearFaults(): void;
  requests(filter?: RequestFilter): LoggedRequest[];
  deliveries(kind?: string): ReturnType<RecruiteeSim['deliveries']['entries']>;
  reset(): void;
}

export async function startSimulator(opts: RecruiteeStartOptions = {}): Promise<RecruiteeSimHandle> {
  const sim = new RecruiteeSim({
    customerToken: opts.customerToken,
    partnerSecret: opts.partnerSecret,
    codename: opts.codename,
    webhookSecret: opts.webhookSecret,
    companyId: opts.companyId,
    partnerUrlsBase: opts.partnerUrlsBase ?? null,
    webhookUrl: opts.webhookUrl ?? null,
    retryDelaysMs: opts.retryDelaysMs,
    kind: opts.kind,
    timeoutMs: opts.timeoutMs,
  });
  const log = new RequestLog();
  const faults = new FaultQueue();
  const app = buildRecruiteeApp(sim, log, faults);
  const credentials: Record<string, string> = {};
  mountRecruiteeControl(app, sim, log, faults, () => ({ provider: 'recruitee', base_url: credentials.base_url, credentials }));
  const running = await startHonoApp(app, { port: opts.port, host: opts.host });
  const refresh = () =>
    Object.assign(credentials, {
      customer_token: sim.customerToken,
      partner_secret: sim.partnerSecret,
      codename: sim.codename,
      webhook_secret: sim.webhookSecret,
      company_id: String(sim.companyId),
      base_url: `${running.origin}/api`,
    });
  refresh();
  sim.onCredentialsChange = refresh;
  return {
    provider: 'recruitee',
    baseUrl: `${running.origin}/api`,
    credentials,
    close: async () => {
      sim.stopTimers();
      await running.close();
    },
    sim,
    state: () => stateOf(sim),
    config: (patch) => (patch ? sim.setConfig(patch) : sim.config),
    fetchTests: () => sim.fetchTests(),
    sendCandidate: (input) => sim.sendCandidate(input),
    reports: () => [...sim.reports.values()],
    report: (id) => sim.report(id),
    fireWebhook: (input) => sim.fireWebhook(input),
    ping: (o) => sim.ping(o),
    webhooks: () => [...sim.webhooks.values()],
    retryNow: (id) => sim.retryNow(id),
    clickCancel: (id) => sim.clickCancel(id),
    injectFault: (f) => faults.push(f),
    clearFaults: () => faults.clear(),
    requests: (filter) => log.entries(filter),
    deliveries: (kind) => sim.deliveries.entries({ kind }),
    reset: () => {
      log.clear();
      faults.clear();
      sim.reset();
    },
  };
}
