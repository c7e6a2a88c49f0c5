// Greenhouse write-back: the take-home-test PATCH that makes Greenhouse call our test_status.
import { callVendor, failureFor, PermanentError } from '../../http/client.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, OrderRow, OutboxJob } from '../../store/types.ts';
import { ghMeta } from './client.ts';
import { settingsOf } from './settings.ts';

/**
 * Completion → `PATCH {url from send_test}` (no body, same Basic key), which makes Greenhouse call our
 * test_status right away. Orders ordered on a stage change have no URL: Greenhouse has nothing to mark.
 * Greenhouse has no cancel or expiry call; test_status tells the truth if it ever asks.
 */
export async function writeBack(svc: Services, job: OutboxJob, order: OrderRow, connection: ConnectionRow): Promise<void> {
  if (job.payload.event !== 'completed') return;
  const { partnerApiKey } = settingsOf(svc, connection);
  if (!partnerApiKey) throw new PermanentError('The Greenhouse connection has no partner_api_key to authenticate the PATCH with.');
  const auth = `Basic ${Buffer.from(`${partnerApiKey}:`).toString('base64')}`;
  for (const url of ghMeta(order).urls) {
    // UNCONFIRMED: the PATCH is authenticated with the customer's key (the docs example carries it, the text does not say)
    const res = await callVendor(url, { method: 'PATCH', headers: { Authorization: auth, Accept: 'application/json' }, timeoutMs: 15_000 });
    if (res.status >= 200 && res.status < 300) continue;
    if (res.status === 422) {
      // Greenhouse updates tests only for active, unhired candidates: nothing we can do, and no reason to retry.
      throw new PermanentError(`Greenhouse refused to mark the test completed (HTTP 422): the candidate is probably hired or no longer active.`);
    }
    throw failureFor(res, 'Greenhouse take-home-test PATCH');
  }
}

