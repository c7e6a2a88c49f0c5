/**
 * Greenhouse simulator: plays Greenhouse calling an Assessment Partner (list_tests, send_test,
 * test_status, response_error), accepts the partner's PATCH, serves a Harvest subset and sends
 * signed, Unicode-escaped webhooks. One real HTTP server; control API under /_sim (see README.md).
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { Fault } from '../shared/faults.ts';
import type { LoggedRequest, RequestFilter } from '../shared/request-log.ts';
import { startHonoApp } from '../shared/server.ts';
import type { SimHandle, StartOptions } from '../shared/types.ts';
import { applyConfig, controlRoutes, parseConfigPatch } from './control.ts';
import { harvestRoutes, takeHomeTestRoutes } from './harvest.ts';
import { GreenhouseSim, type CallOutcome, type GreenhouseConfig, type PatchRecord, type TakeHomeTest } from './sim.ts';
import { DEFAULT_IDS, generate, TRIGGER_STAGE_NAME, type GhApplication, type GhNote, type GhSeed } from './state.ts';
import type { Delivery } from '../shared/webhook-sender.ts';

export { greenhouseJson, greenhouseSignature, verifyGreenhouseSignature } from './encoding.ts';
export { checkListTests, checkSendTest, checkTestStatus } from './validate.ts';
export { DEFAULT_IDS, TRIGGER_STAGE_NAME };
export type { CallOutcome, Delivery, GhSeed, GreenhouseConfig, PatchRecord, TakeHomeTest };

export interface GreenhouseStartOptions extends StartOptions {
  partnerBaseUrl?: string;
  partnerApiKey?: string;
  harvestApiKey?: string;
  webhookSecret?: string;
  /** Harvest requests per window per key; false disables. Default { limit: 50, windowMs: 10_000 }. */
  rateLimit?: { limit: number; windowMs: number } | false;
  /** Waits before retries 2..7; default Greenhouse's 1 min … 8 h schedule with jitter. */
  retryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  partnerTimeoutMs?: number;
  /** Default true. */
  seed?: boolean;
}

export interface GreenhouseSimHandle extends SimHandle {
  origin: string;
  getConfig(): GreenhouseConfig;
  /** Re-pings when webhook_url/secret change (a failed ping disables the webhook). */
  config(patch: Partial<GreenhouseConfig>): Promise<{ config: GreenhouseConfig; ping: { status: number | null; error: string | null; webhook_enabled: boolean } | null }>;
  reset(defaults?: boolean): void;
  seed(seed: GhSeed): Record<string, number[]>;
  generateCandidates(count: number, jobId?: number): number[];
  listTests(): Promise<CallOutcome>;
  sendTest(input: { partner_test_id: string; application_id?: number; candidate_id?: number; sent_by?: string | null }): Promise<CallOutcome & { test_id: number | null; test: TakeHomeTest | null }>;
  testStatus(testId: number): Promise<CallOutcome & { test_id: number; test: TakeHomeTest }>;
  tests(): TakeHomeTest[];
  patches(): PatchRecord[];
  testStatusAnswers(): CallOutcome[];
  responseErrors(): Array<{ at: string; api_call: string; payload: Record<string, unknown>; status: number | null }>;
  violations(): Array<{ api_call: string; at: string; violations: string[] }>;
  moveApplication(applicationId: number, stage: number | string): { application: GhApplication; deliveryId: string | null };
  fire(action: string, o?: { application_id?: number; candidate_id?: number; new_candidate_id?: number; job_id?: number; payload?: unknown }): string | null;
  ping(): Promise<Delivery | null>;
  deliveries(action?: string): Delivery[];
  /** Waits for PATCH-triggered test_status calls and pending webhook deliveries. */
  idle(timeoutMs?: number): Promise<void>;
  notes(): GhNote[];
  requests(filter?: RequestFilter): LoggedRequest[];
  rateLimited(): number;
  resetRateLimit(): void;
  pushFaults(f: Fault | Fault[]): void;
  clearFaults(): void;
}

export async function startSimulator(opts: GreenhouseStartOptions = {}): Promise<GreenhouseSimHandle> {
  const config: GreenhouseConfig = {
    partner_base_url: opts.partnerBaseUrl ?? null,
    partner_urls: {},
    partner_api_key: opts.partnerApiKey ?? randomBytes(16).toString('hex'),
    harvest_api_key: opts.harvestApiKey ?? randomBytes(16).toString('hex'),
    on_behalf_of: String(DEFAULT_IDS.user),
    webhook_url: null,
    webhook_secret: opts.webhookSecret ?? randomBytes(16).toString('hex'),
    webhook_enabled: true,
    webhook_basic_auth: null,
    webhook_headers: {},
    rate_limit: opts.rateLimit === false ? null : { limit: opts.rateLimit?.limit ?? 50, window_ms: opts.rateLimit?.windowMs ?? 10_000 },
    retry_delays_ms: opts.retryDelaysMs ?? null,
    // UNCONFIRMED: Greenhouse's webhook and partner-call timeouts are not published
    webhook_timeout_ms: opts.webhookTimeoutMs ?? 10_000,
    partner_timeout_ms: opts.partnerTimeoutMs ?? 10_000,
  };
  if (config.partner_api_key.length >= 171) throw new Error('partnerApiKey must be fewer than 171 characters');
  const sim = new GreenhouseSim(config, opts.seed !== false);

  const app = new Hono();
  app.use('*', sim.log.middleware());
  app.use('*', sim.faults.middleware({ errorBody: (status) => ({ message: `Simulated ${status}` }) }));
  app.route('/v1', harvestRoutes(sim));
  app.route('/integrations/testing_partners/take_home_tests', takeHomeTestRoutes(sim));
  const credentials = (): Record<string, string> => ({
    partner_api_key: sim.config.partner_api_key,
    webhook_secret: sim.config.webhook_secret,
    harvest_api_key: sim.config.harvest_api_key,
    on_behalf_of: sim.config.on_behalf_of,
    base_url: `${sim.origin}/v1`,
  });
  app.route('/_sim', controlRoutes(sim, () => ({ base_url: `${sim.origin}/v1`, credentials: credentials(), trigger_stage: TRIGGER_STAGE_NAME })));
  app.notFound((c) => c.json({ message: 'Resource not found' }, 404));

  const running = await startHonoApp(app, { port: opts.port, host: opts.host });
  sim.origin = running.origin;
  sim.reset();
  if (typeof opts.webhookUrl === 'string') await applyConfig(sim, { webhook_url: opts.webhookUrl });
  const clone = <T>(v: T): T => structuredClone(v);

  return {
    provider: 'greenhouse',
    baseUrl: `${running.origin}/v1`,
    origin: running.origin,
    get credentials() {
      return credentials();
    },
    async close() {
      sim.sender.close();
      await running.close();
    },
    getConfig: () => clone(sim.config),
    config: async (patch) => clone(await applyConfig(sim, parseConfigPatch(patch))),
    reset: (defaults = true) => sim.reset(defaults),
    seed: (seed) => sim.seed(seed),
    generateCandidates: (count, jobId = DEFAULT_IDS.job) => generate(sim.state, count, jobId),
    listTests: () => sim.listTests(),
    sendTest: (input) => sim.sendTest(input),
    testStatus: (id) => sim.testStatus(id, 'control'),
    tests: () => clone([...sim.tests.values()]),
    patches: () => clone(sim.patches),
    testStatusAnswers: () => clone(sim.testStatusAnswers),
    responseErrors: () => clone(sim.responseErrors),
    violations: () => [...sim.listTestsCalls, ...sim.sendTests, ...sim.testStatusAnswers].filter((o) => o.violations.length).map((o) => ({ api_call: o.api_call, at: o.at, violations: [...o.violations] })),
    moveApplication(id, stage) {
      const r = sim.moveApplication(id, stage);
      return { application: clone(r.application), deliveryId: r.delivery?.id ?? null };
    },
    fire: (action, o = {}) => sim.fireAction(action, o)?.id ?? null,
    ping: () => sim.ping(),
    deliveries: (action) => clone(sim.sender.list().filter((d) => !action || d.event === action)),
    idle: (timeoutMs) => sim.idle(timeoutMs),
    notes: () => clone(sim.state.notes),
    requests: (filter) => sim.log.entries(filter),
    rateLimited: () => sim.rateLimited,
    resetRateLimit: () => sim.resetRateLimit(),
    pushFaults: (f) => sim.faults.push(f),
    clearFaults: () => sim.faults.clear(),
  };
}
