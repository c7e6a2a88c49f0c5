// `assay connections:check` for Kombo: is the customer's Connect finished, and does Kombo answer for its integration.
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import type { CheckFinding, Connector } from '../types.ts';
import { KomboClient } from './client.ts';
import { settingsOf } from './settings.ts';

export async function check(svc: Services, connection: ConnectionRow): Promise<CheckFinding[]> {
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
}

/** Kombo's own Connect flow asks the customer for everything; there is no vendor form to fill in. */
export const vendorSetup: Connector['vendorSetup'] = undefined;
