// `assay connections:check` and `connections:show` for Greenhouse: the partner key (tried on our own list_tests as
// Greenhouse would call it), the webhook secret, the Harvest key; and what to paste into Greenhouse's forms.
import { callVendor } from '../../http/client.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import type { CheckFinding, VendorSetupSection } from '../types.ts';
import { webhookUrl } from '../shared.ts';
import { partnerUrls } from './routes.ts';
import { settingsOf } from './settings.ts';
import { harvestClientFor } from './sync.ts';

export async function check(svc: Services, connection: ConnectionRow): Promise<CheckFinding[]> {
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

export async function vendorSetup(svc: Services, c: ConnectionRow): Promise<VendorSetupSection[]> {
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
        { label: 'Endpoint URL', value: webhookUrl(svc, c) },
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

