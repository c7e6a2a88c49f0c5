// Kombo's unified ATS-assessment API (contracts/unified-apis.md §1): packages pushed, orders by webhook
// and by reconciliation, results written back through the outbox, customers onboarded with Kombo Connect.
import { connectorConfig } from '../../config.ts';
import { registerConnector } from '../index.ts';
import type { CheckFinding, Connector } from '../types.ts';
import type { Services } from '../../services.ts';
import { KomboClient } from './client.ts';
import { canPush, enqueuePush, pushNowOrQueue, PUSH_JOB, runPushJob } from './packages.ts';
import { reconcile } from './orders.ts';
import { komboRoutes } from './routes.ts';
import { PROVIDER, SETTINGS, settingsOf, validateSettings } from './settings.ts';
import { handleWebhook } from './webhook.ts';
import { writeBack } from './writeback.ts';

/** How often open orders are reconciled (ms); KOMBO_RECONCILE_MS makes it fast in tests. */
export const RECONCILE_MS = connectorConfig().komboReconcileMs;

export async function reconcileAll(svc: Services): Promise<void> {
  for (const c of await svc.store.connections.listByProvider(PROVIDER, 'active')) {
    if (!canPush(c)) continue;
    try {
      await reconcile(svc, c);
    } catch (err) {
      svc.log.warn('kombo reconciliation failed', { connection: c.id, error: (err as Error).message.slice(0, 300) });
    }
  }
}

export const komboConnector: Connector = {
  provider: PROVIDER,
  settings: SETTINGS,
  validateSettings,
  webhook: handleWebhook,
  partnerRoutes: komboRoutes,
  writeBack,
  jobs: { [PUSH_JOB]: runPushJob },
  async onConnected(svc, connection) {
    if (canPush(connection)) await pushNowOrQueue(svc, connection);
  },
  async onPackagesChanged(svc, accountId) {
    const targets = (await svc.store.connections.listByAccount(accountId)).filter(canPush);
    if (!targets.length) return;
    await svc.store.transaction(async (tx) => {
      for (const c of targets) await enqueuePush(tx, c);
    });
    svc.outbox.wake();
  },
  periodic: { everyMs: RECONCILE_MS, run: reconcileAll },
  async check(svc, connection) {
    const s = settingsOf(svc, connection);
    const findings: CheckFinding[] = [];
    if (connection.status === 'pending') {
      findings.push({ ok: false, check: 'integration', message: 'Waiting for the customer to finish Kombo Connect.', fix: 'Send the setup link again with connections:invite.' });
      return findings;
    }
    try {
      const res = await new KomboClient({ baseUrl: s.baseUrl, apiKey: s.apiKey, integrationId: s.integrationId }).listOrders({ statuses: 'OPEN', pageSize: 1 });
      findings.push({ ok: true, check: 'api', message: `Kombo answers for ${s.integrationId}${res.orders.length ? '; there are open orders' : ''}.` });
    } catch (err) {
      findings.push({ ok: false, check: 'api', message: `Kombo refused the call: ${(err as Error).message.slice(0, 200)}`, fix: 'Check api_key, integration_id and base_url (or region).' });
    }
    return findings;
  },
};

registerConnector(komboConnector);
