// Greenhouse: the Assessment Partner API (Greenhouse orders through send_test and pulls test_status when
// we PATCH its take-home-test URL), Recruiting webhooks (stage triggers, outcomes, erasure, merges,
// job changes) and a read-only Harvest sync. Contract: ../shared/contracts/ats-native.md §1.
import { connectorConfig } from '../../config.ts';
import { callVendor, failureFor, PermanentError, RetryableError } from '../../http/client.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, OrderRow, OutboxJob } from '../../store/types.ts';
import { registerConnector } from '../index.ts';
import type { CheckFinding, Connector, VendorSetupSection } from '../types.ts';
import { ghMeta, PROVIDER, settingsOf, validateGreenhouseSettings } from './common.ts';
import { SETTINGS } from './settings.ts';
import { BudgetExhausted, HarvestError } from './harvest.ts';
import { partnerRoutes } from './partner.ts';
import { harvestClientFor, linkOrder, refreshJobStages, runHarvestSync } from './sync.ts';
import { greenhouseWebhook } from './webhook.ts';

/**
 * Completion → `PATCH {url from send_test}` (no body, same Basic key), which makes Greenhouse call our
 * test_status right away. Orders ordered on a stage change have no URL: Greenhouse has nothing to mark.
 * Greenhouse has no cancel or expiry call; test_status tells the truth if it ever asks.
 */
async function writeBack(svc: Services, job: OutboxJob, order: OrderRow, connection: ConnectionRow): Promise<void> {
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

/** A Harvest wait longer than a job may hold its lease becomes a retry at the time Greenhouse named. */
async function rateLimitedJob(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof BudgetExhausted) throw new RetryableError(`Greenhouse Harvest: ${err.message}`, err.waitMs);
    throw err;
  }
}

async function check(svc: Services, connection: ConnectionRow): Promise<CheckFinding[]> {
  const s = settingsOf(svc, connection);
  const out: CheckFinding[] = [];
  out.push(
    s.partnerApiKey
      ? { ok: true, check: 'partner_api_key', message: `Set (${s.partnerApiKey.length} characters, under Greenhouse's 171).` }
      : { ok: false, check: 'partner_api_key', message: 'Missing: Greenhouse cannot call list_tests or send_test.', fix: 'connections:add … --set partner_api_key=<the key you send Greenhouse>' },
  );
  if (s.partnerApiKey) {
    // Call our own list_tests as Greenhouse would, at PUBLIC_URL.
    const url = partnerUrls(svc, connection).list_tests!;
    try {
      const res = await callVendor(url, { headers: { Authorization: `Basic ${Buffer.from(`${s.partnerApiKey}:`).toString('base64')}` }, timeoutMs: 10_000 });
      const list = res.json<unknown>();
      out.push(
        res.status === 200 && Array.isArray(list)
          ? { ok: true, check: 'list_tests', message: `Greenhouse would see ${list.length} tests at ${url}.` }
          : { ok: false, check: 'list_tests', message: `${url} answered HTTP ${res.status}.`, fix: 'Check PUBLIC_URL and that the server runs; the account needs active packages.' },
      );
    } catch (err) {
      out.push({ ok: false, check: 'list_tests', message: `${url}: ${(err as Error).message}`, fix: 'Set PUBLIC_URL to the address Greenhouse reaches this server at, and start the server.' });
    }
  }
  out.push(
    s.webhookSecret
      ? { ok: true, check: 'webhook_secret', message: 'Set: webhooks are verified.' }
      : { ok: false, check: 'webhook_secret', message: 'Missing: every webhook is refused.', fix: 'Set webhook_secret to the Secret Key of the Greenhouse webhooks.' },
  );
  const client = harvestClientFor(svc, connection);
  if (!client) {
    out.push({ ok: false, check: 'harvest_api_key', message: 'Missing: orders are not linked to applications and nothing is synced.', fix: 'Create a read-only Harvest key (Dev Center → API Credential Management) and set harvest_api_key.' });
  } else {
    try {
      await client.page(client.url('/jobs', { per_page: 1 }));
      out.push({ ok: true, check: 'harvest_api_key', message: `Harvest answers at ${s.baseUrl}.` });
    } catch (err) {
      out.push({ ok: false, check: 'harvest_api_key', message: (err as Error).message, fix: 'Check the key, its GET permissions (jobs, job stages, candidates, applications) and base_url.' });
    }
  }
  return out;
}

const SUBSCRIBED_EVENTS =
  'Candidate has submitted application, Delete Application, Candidate has been hired, Merged Candidate, Candidate has changed stage, Candidate has been unhired, ' +
  'Candidate or Prospect rejected, Candidate or Prospect unrejected, Delete Candidate, Department Deleted, Interview Deleted, Job Created, Job Updated, Job Deleted, ' +
  'Job Post Deleted, Job Interview Stage Deleted, Offer Created, Offer Updated, Offer Deleted, Office Deleted, Scorecard Deleted';

const partnerUrls = (svc: Services, c: ConnectionRow) =>
  Object.fromEntries((['list_tests', 'send_test', 'test_status', 'response_error'] as const).map((api) => [api, `${svc.config.publicUrl}/partner/${PROVIDER}/${c.id}/${api}`]));

async function vendorSetup(svc: Services, c: ConnectionRow): Promise<VendorSetupSection[]> {
  const urls = partnerUrls(svc, c);
  return [
    {
      title: 'Assessment partner',
      where: 'Sent to Greenhouse (partners@greenhouse.io) once; the customer then sends their key to Greenhouse Support',
      fields: [
        ...Object.entries(urls).map(([api, url]) => ({ label: `${api} URL`, value: url })),
        { label: 'API key', value: null, note: "the partner_api_key of this connection (sealed, never printed): the customer's key, under 171 characters" },
      ],
    },
    {
      title: 'Web hooks',
      where: 'Greenhouse → Configure → Dev Center → Web Hooks (one webhook per event)',
      fields: [
        { label: 'Endpoint URL', value: `${svc.config.publicUrl}/webhooks/${PROVIDER}/${c.id}` },
        { label: 'Secret Key', value: null, note: 'the webhook_secret of this connection' },
        { label: 'When', value: SUBSCRIBED_EVENTS },
      ],
    },
    {
      title: 'Harvest API key',
      where: 'Greenhouse → Configure → Dev Center → API Credential Management → Create New API Key (type Harvest)',
      fields: [{ label: 'Permissions', value: 'GET only: Jobs, Job Stages, Candidates, Applications', note: 'put the key into harvest_api_key' }],
    },
  ];
}

export const greenhouse: Connector = {
  provider: PROVIDER,
  settings: SETTINGS,
  validateSettings: validateGreenhouseSettings,
  webhook: greenhouseWebhook,
  partnerRoutes,
  writeBack,
  jobs: {
    'greenhouse.link_order': (svc, job) => rateLimitedJob(() => linkOrder(svc, String(job.payload.order_id ?? ''))),
    'greenhouse.job_stages': (svc, job) =>
      rateLimitedJob(async () => {
        if (!job.connection_id) throw new PermanentError('the job names no connection');
        await refreshJobStages(svc, job.connection_id, String(job.payload.job_id ?? ''));
      }),
  },
  periodic: {
    // The incremental sync resumes where the last one stopped; each pass spends at most one minute.
    everyMs: connectorConfig().greenhouseSyncMs,
    async run(svc) {
      for (const c of await svc.store.connections.listByProvider(PROVIDER, 'active')) {
        if (!settingsOf(svc, c).harvestApiKey) continue;
        try {
          const r = await runHarvestSync(svc, c, { budgetMs: 60_000 });
          svc.log.info('greenhouse harvest sync', { connection: c.id, done: r.done, pages: r.pages, rate_limited: r.rate_limited });
        } catch (err) {
          svc.log.warn('greenhouse harvest sync failed', { connection: c.id, error: err instanceof HarvestError || err instanceof Error ? err.message : String(err) });
        }
      }
    },
  },
  check,
  vendorSetup,
  // The four URLs Greenhouse must be given, printed by connections:add.
  async onConnected(svc, connection) {
    return { message: `Greenhouse partner URLs: ${Object.values(partnerUrls(svc, connection)).join(' ')}`, output: { partner_urls: partnerUrls(svc, connection) } };
  },
};

registerConnector(greenhouse);
