/**
 * Kombo simulator — a local fake of Kombo's Unified ATS Assessment API (contracts/unified-apis.md §1, §5).
 *
 *   const kombo = await startSimulator({ webhookUrl: 'http://127.0.0.1:8787/webhooks/kombo/<conn>' });
 *   kombo.credentials  // { api_key, integration_id, webhook_secret, base_url }  (base_url ends in /v1)
 *
 * Vendor API (Authorization: Bearer <api_key>, X-Integration-Id: <integration_id>):
 *   PUT/GET /v1/assessment/packages · GET /v1/assessment/orders (cursor, page_size 1–250, ids, statuses,
 *   created_after) · GET /v1/assessment/orders/open (deprecated) · PUT /v1/assessment/orders/:id/result
 *   POST /v1/connect/create-link · GET /v1/connect/integration-by-token/:token (Bearer only)
 *   GET /connect?token=… (setup page) · POST /connect/complete (its form)
 * Control API (/_sim/, JSON; same logic as the handle's methods):
 *   GET|PATCH /_sim/config { webhook_url, signature_encoding: base64url|hex, webhook_timeout_ms, include_remote_data }
 *   GET /_sim/state · GET /_sim/orders · GET /_sim/orders/:id
 *   POST /_sim/orders { package_id?, candidate?, application?, job?, integration_id?, deliver?: false, created_at?,
 *                       allow_unknown_package? } -> 201 { order, delivery }   (fires assessment:order-received)
 *   POST /_sim/orders/:id/redeliver -> delivery (same event id and bytes) · POST /_sim/orders/:id/status { status }
 *   GET /_sim/packages · GET /_sim/integrations · GET /_sim/connect/links
 *   POST /_sim/connect/complete { token, api_key? } -> 201 { integration, activation_token, delivery }
 *   POST /_sim/connect/links/:token/expire
 *   + shared: /_sim/health, /_sim/info, /_sim/requests, /_sim/faults, /_sim/deliveries, /_sim/reset
 * Webhook replies: 2xx → accepted (OPEN); 422 with {message} or {status:"error",error:{message}} → REJECTED
 * with that message; anything else (incl. timeouts) → stays OPEN.
 */
import { FaultQueue, RequestLog, startHonoApp, type Fault, type LoggedRequest, type RequestFilter, type SimHandle, type StartOptions } from '../shared/index.ts';
import { buildKomboApp, mountKomboControl, stateOf } from './app.ts';
import { KomboSim, type CreateOrderInput } from './sim.ts';

export { signKomboWebhook, interpretOrderReply, KomboSim } from './sim.ts';
export type { KomboOrder, KomboConfig, Integration, ConnectLink, DeliveryResult, CreateOrderInput } from './sim.ts';

export interface KomboStartOptions extends StartOptions {
  apiKey?: string;
  integrationId?: string;
  webhookSecret?: string;
  /** tool slug of the default integration, e.g. "recruitee" (default) */
  tool?: string;
  signatureEncoding?: 'base64url' | 'hex';
  webhookTimeoutMs?: number;
}

export interface KomboSimHandle extends SimHandle {
  sim: KomboSim;
  state(): ReturnType<typeof stateOf>;
  config(patch?: Record<string, unknown>): KomboSim['config'];
  createOrder(input?: CreateOrderInput): ReturnType<KomboSim['createOrder']>;
  orders(): KomboSim['orders'];
  order(id: string): ReturnType<KomboSim['order']>;
  redeliver(id: string): ReturnType<KomboSim['redeliver']>;
  setOrderStatus(id: string, status: string): ReturnType<KomboSim['setOrderStatus']>;
  completeConnectLink(token: string, apiKey?: string): ReturnType<KomboSim['completeLink']>;
  /** token of the newest connection link (what a test would read from the e-mail/UI) */
  latestLinkToken(): string | undefined;
  injectFault(f: Fault | Fault[]): void;
  clearFaults(): void;
  requests(filter?: RequestFilter): LoggedRequest[];
  deliveries(kind?: string): ReturnType<KomboSim['deliveries']['entries']>;
  reset(): void;
}

export async function startSimulator(opts: KomboStartOptions = {}): Promise<KomboSimHandle> {
  const sim = new KomboSim({
    apiKey: opts.apiKey,
    integrationId: opts.integrationId,
    webhookSecret: opts.webhookSecret,
    tool: opts.tool,
    webhookUrl: opts.webhookUrl ?? null,
    signatureEncoding: opts.signatureEncoding,
    webhookTimeoutMs: opts.webhookTimeoutMs,
  });
  const log = new RequestLog();
  const faults = new FaultQueue();
  const app = buildKomboApp(sim, log, faults);
  let credentials: Record<string, string> = {};
  mountKomboControl(app, sim, log, faults, () => ({ provider: 'kombo', base_url: credentials.base_url, credentials }));
  const running = await startHonoApp(app, { port: opts.port, host: opts.host });
  sim.origin = running.origin;
  const baseUrl = `${running.origin}/v1`;
  credentials = { api_key: sim.apiKey, integration_id: sim.defaultIntegrationId, webhook_secret: sim.webhookSecret, base_url: baseUrl };
  return {
    provider: 'kombo',
    baseUrl,
    credentials,
    close: () => running.close(),
    sim,
    state: () => stateOf(sim),
    config: (patch) => (patch ? sim.setConfig(patch) : sim.config),
    createOrder: (input) => sim.createOrder(input),
    orders: () => sim.orders,
    order: (id) => sim.order(id),
    redeliver: (id) => sim.redeliver(id),
    setOrderStatus: (id, status) => sim.setOrderStatus(id, status),
    completeConnectLink: (token, apiKey = 'sim-ats-api-key') => sim.completeLink(token, { api_key: apiKey }),
    latestLinkToken: () => [...sim.links.keys()].at(-1),
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
