/**
 * StackOne simulator — a local fake of StackOne's Unified ATS Assessments API for partner integrations
 * (contracts/unified-apis.md §2, §5), playing StackOne between Recruitee and us.
 *
 *   const so = await startSimulator({ webhookUrl, packageListUrl });
 *   so.credentials // { api_key, account_id, webhook_secret, base_url, partner_api_key, static_package_id? }
 *
 * Vendor API (Authorization: Basic base64(api_key) or base64(api_key:), x-account-id: <account_id>):
 *   GET /unified/ats/assessments/packages[?page_size&next] · GET …/packages/:id
 *   PATCH /unified/ats/assessments/orders/:id/result → { statusCode, message, timestamp }
 *   GET /unified/ats/assessments/orders/:id/results
 * Outbound (StackOne → us):
 *   package list: POST <package_list_url> {account_id, provider}, Basic base64(partner_api_key), x-stackone-signature
 *   webhook: POST <webhook_url> {event:"ats_assessments.created", account_id, provider, record_id, record_remote_id,
 *            event_data, sent_at}, x-stackone-signature = base64url(HMAC-SHA256(webhook_secret, raw body))
 * Control API (/_sim/):
 *   GET|PATCH /_sim/config { webhook_url, package_list_url, partner_api_key, partner_auth_encoding: key|key:,
 *              webhook_secret, package_list_signing_secret, static_package_id, provider, accept_bare_array,
 *              timeout_ms, packages }
 *   POST /_sim/picker → { source, status, body, shape_valid, problems, warnings, packages }   ("recruiter opens the picker")
 *   GET /_sim/picker → { history }
 *   POST /_sim/orders { package_id?, package_name?, candidate?{first_name,last_name,email|emails,…}, application?, job?,
 *              requester?, deliver?: false, allow_unknown_package? } → 201 { order, delivery }   ("recruiter orders X for Y")
 *   GET /_sim/orders · GET /_sim/orders/:id · POST /_sim/orders/:id/redeliver · GET /_sim/results · GET /_sim/state
 *   + shared: /_sim/health, /_sim/info, /_sim/requests, /_sim/faults, /_sim/deliveries, /_sim/reset
 */
import { FaultQueue, RequestLog, startHonoApp, type Fault, type LoggedRequest, type RequestFilter, type SimHandle, type StartOptions } from '../shared/index.ts';
import { buildStackOneApp, mountStackOneControl, stateOf } from './app.ts';
import { StackOneSim, type OrderInput } from './sim.ts';

export { signStackOneWebhook, recruiteeView, StackOneSim } from './sim.ts';
export { validatePackageListAnswer, validateUpdateResult } from './validate.ts';
export type { StackOneConfig, StackOneOrder, PickerResult, OrderInput } from './sim.ts';

export interface StackOneStartOptions extends StartOptions {
  apiKey?: string;
  accountId?: string;
  webhookSecret?: string;
  partnerApiKey?: string;
  packageListUrl?: string;
  staticPackageId?: string;
  provider?: string;
  timeoutMs?: number;
}

export interface StackOneSimHandle extends SimHandle {
  sim: StackOneSim;
  state(): ReturnType<typeof stateOf>;
  config(patch?: Record<string, unknown>): StackOneSim['config'];
  openPicker(): ReturnType<StackOneSim['openPicker']>;
  orderPackage(input?: OrderInput): ReturnType<StackOneSim['orderPackage']>;
  orders(): ReturnType<StackOneSim['order']>[];
  order(id: string): ReturnType<StackOneSim['order']>;
  redeliver(id: string): ReturnType<StackOneSim['redeliver']>;
  injectFault(f: Fault | Fault[]): void;
  clearFaults(): void;
  requests(filter?: RequestFilter): LoggedRequest[];
  deliveries(kind?: string): ReturnType<StackOneSim['deliveries']['entries']>;
  reset(): void;
}

export async function startSimulator(opts: StackOneStartOptions = {}): Promise<StackOneSimHandle> {
  const sim = new StackOneSim({
    apiKey: opts.apiKey,
    accountId: opts.accountId,
    webhookSecret: opts.webhookSecret,
    partnerApiKey: opts.partnerApiKey,
    webhookUrl: opts.webhookUrl ?? null,
    packageListUrl: opts.packageListUrl ?? null,
    staticPackageId: opts.staticPackageId ?? null,
    provider: opts.provider,
    timeoutMs: opts.timeoutMs,
  });
  const log = new RequestLog();
  const faults = new FaultQueue();
  const app = buildStackOneApp(sim, log, faults);
  const credentials: Record<string, string> = {};
  mountStackOneControl(app, sim, log, faults, () => ({ provider: 'stackone', base_url: credentials.base_url, credentials: refresh() }));
  const running = await startHonoApp(app, { port: opts.port, host: opts.host });
  // Credentials follow /_sim/config changes (e.g. a new partner key) so a test can re-read them.
  const refresh = () => {
    Object.assign(credentials, {
      api_key: sim.apiKey,
      account_id: sim.accountId,
      webhook_secret: sim.config.webhook_secret,
      base_url: running.origin,
      partner_api_key: sim.config.partner_api_key,
    });
    if (sim.config.static_package_id) credentials.static_package_id = sim.config.static_package_id;
    else delete credentials.static_package_id;
    return credentials;
  };
  refresh();
  sim.onConfigChange = refresh;
  return {
    provider: 'stackone',
    baseUrl: running.origin,
    credentials,
    close: () => running.close(),
    sim,
    state: () => stateOf(sim),
    config: (patch) => (patch ? sim.setConfig(patch) : sim.config),
    openPicker: () => sim.openPicker(),
    orderPackage: (input) => sim.orderPackage(input),
    orders: () => [...sim.orders.values()],
    order: (id) => sim.order(id),
    redeliver: (id) => sim.redeliver(id),
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
