// `assay connections:check` and `connections:show` for StackOne: the Recruitee guide's checklist and
// troubleshooting table, run against this connection, in the guide's terms.
import * as v from 'valibot';
import { hmacSha256 } from '../../crypto/secrets.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import { codenameProblem, DESCRIPTION_MAX, NAME_MAX, suggestCodename } from '../recruitee/settings.ts';
import { checkCall, checkFindings, partnerUrl, unreachablePublicUrl, webhookUrl } from '../shared.ts';
import type { CheckFinding, VendorSetupSection } from '../types.ts';
import { PackageListAnswerSchema } from './routes.ts';
import { probePackages } from './client.ts';
import { DEFAULT_BASE_URL, PROVIDER, settingsOf } from './settings.ts';
import { ORDER_EVENT } from './webhook.ts';

export const packageListUrl = (svc: Services, c: ConnectionRow) => partnerUrl(svc, c, 'packages');

const str = (c: ConnectionRow, k: string) => (typeof c.config[k] === 'string' && c.config[k] !== '' ? (c.config[k] as string) : null);

async function defaultName(svc: Services, c: ConnectionRow): Promise<string> {
  const account = await svc.store.accounts.get(c.account_id);
  return account?.settings.company_name ?? account?.name ?? 'Assessments';
}

export async function stackOneSetup(svc: Services, c: ConnectionRow): Promise<VendorSetupSection[]> {
  const s = settingsOf(svc, c);
  const name = str(c, 'partner_name') ?? (await defaultName(svc, c));
  const codename = str(c, 'codename');
  return [
    {
      title: 'Recruitee - Configuration',
      where: 'StackOne → Integrations → ATS → Recruitee → Configuration',
      fields: [
        { label: 'Authentication Type', value: 'Partner API', note: 'or Public + Partner API if you also use the other unified APIs' },
        { label: 'Environment Type', value: 'Production', note: 'Staging if your Recruitee partner account is on the RC environment' },
        { label: 'Partner Category', value: 'Assessments' },
        {
          label: "Package's List Endpoint URL",
          value: s.partnerApiKey ? packageListUrl(svc, c) : null,
          note: s.partnerApiKey
            ? 'StackOne must send Authorization: Basic base64(partner_api_key) and x-stackone-signature'
            : 'not available: this connection has no partner_api_key (the static Package ID is used)',
        },
        { label: 'Package ID', value: s.staticPackageId, note: s.partnerApiKey ? 'fallback; the list endpoint wins when both are set' : undefined },
        { label: 'Partner Codename', value: codename ?? suggestCodename(name), note: codename ? undefined : 'suggested, not set: add it with --set codename=…' },
        { label: 'Name', value: name, note: str(c, 'partner_name') ? undefined : 'from the account name; --set partner_name=… to change' },
        { label: 'Description', value: str(c, 'partner_description') ?? `Send ${name} assessments to candidates from Recruitee; scores come back to the candidate's profile.` },
        { label: 'Logo', value: str(c, 'partner_logo_url'), note: str(c, 'partner_logo_url') ? undefined : 'not set: --set partner_logo_url=https://…/logo.png' },
      ],
    },
    {
      title: 'Add webhook',
      where: 'StackOne → Webhooks → Add webhook',
      fields: [
        { label: 'Name', value: `${name} assessment orders` },
        { label: 'URL', value: webhookUrl(svc, c) },
        { label: 'Events', value: `Assessments Order (${ORDER_EVENT})`, note: 'Events tab → Assessment and Background Check' },
      ],
    },
  ];
}

export async function checkStackOne(svc: Services, c: ConnectionRow): Promise<CheckFinding[]> {
  const s = settingsOf(svc, c);
  const { out, add, reAdd } = checkFindings('stackone');

  // Secrets and ids.
  add(!!s.apiKey, 'api_key', s.apiKey ? 'The StackOne API key is set.' : 'The StackOne API key is not set, so results cannot be updated.', `Create an API key in StackOne. ${reAdd('api_key')}.`);
  add(!!s.accountId, 'account_id', s.accountId ? `Linked account ${s.accountId}.` : 'The linked account id is not set.', `Copy the account id from StackOne's Accounts page. ${reAdd('account_id')}.`);
  add(!!s.webhookSecret, 'webhook_secret', s.webhookSecret ? 'The webhook signing secret is set.' : 'The webhook signing secret is not set: every order webhook will be refused.', `Copy the signing secret from StackOne → Webhooks. ${reAdd('webhook_secret')}.`);

  // Packages: "At least one field is necessary for making packages available in the provider's UI."
  add(
    !!(s.partnerApiKey || s.staticPackageId),
    'packages_configured',
    s.partnerApiKey || s.staticPackageId
      ? `Packages come from ${s.partnerApiKey ? "the Package's List Endpoint URL" : 'the static Package ID'}.`
      : "Package's List Endpoint URL or Static Package ID is missing from StackOne Configuration: the recruiter gets an error on the pop-up.",
    "Add a Static Package ID if you don't have a Package's List Endpoint URL (--set static_package_id=…), or set partner_api_key to use the list endpoint.",
  );

  const unreachable = unreachablePublicUrl(svc, s.baseUrl, 'StackOne', "the Package's List Endpoint URL or the webhook URL");
  if (unreachable) out.push(unreachable);

  if (s.partnerApiKey) {
    const url = packageListUrl(svc, c);
    const body = JSON.stringify({ account_id: s.accountId, provider: 'recruitee' });
    const sig = hmacSha256(s.webhookSecret, body).toString('base64url');
    const res = await checkCall(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(s.partnerApiKey).toString('base64')}`, 'x-stackone-signature': sig }, body });
    if (typeof res === 'string') {
      add(false, 'package_list_endpoint', `Invalid Package's List Endpoint URL: ${url} does not answer (${res}).`, 'Check the Package\'s List Endpoint URL implementation at your end: is the server running, and is PUBLIC_URL the address StackOne reaches?');
    } else if (res.status !== 200) {
      add(false, 'package_list_endpoint', `Invalid response getting from the Package's List Endpoint URL: HTTP ${res.status} ${res.text.slice(0, 200)}`, `Paste ${url} into StackOne's Package's List Endpoint URL field, and make sure StackOne sends the partner_api_key in Basic auth.`);
    } else {
      const parsed = v.safeParse(PackageListAnswerSchema, res.json());
      if (!parsed.success) add(false, 'package_list_endpoint', `Invalid response getting from the Package's List Endpoint URL: ${parsed.issues[0]!.message}`, 'Response format should be { "data": [{ "id", "name", "description" }], "next": null } as in StackOne Configuration.');
      else if (parsed.output.data.length === 0) add(false, 'package_list_endpoint', "The Package's List Endpoint URL answers, but lists no packages: the recruiter's dropdown is empty.", 'Import or activate a package: assay packages:import --account <id> <file.json>.');
      else add(true, 'package_list_endpoint', `The Package's List Endpoint URL answers with ${parsed.output.data.length} package(s) in StackOne's shape: ${parsed.output.data.map((p) => p.name).join(', ')}.`);
    }
  }

  if (s.staticPackageId) {
    const pkg = await svc.store.packages.get(c.account_id, s.staticPackageId);
    if (!pkg) add(false, 'static_package_id', `The static Package ID "${s.staticPackageId}" is not a package of this account: orders for it will be refused.`, 'Use one of your package ids (GET /api/packages lists them) as the static Package ID.');
    else if (!pkg.active) add(false, 'static_package_id', `The static Package ID "${s.staticPackageId}" (${pkg.name}) is inactive: orders for it will be refused.`, 'Activate the package again (assay packages:import) or choose another static Package ID.');
    else add(true, 'static_package_id', `The static Package ID "${s.staticPackageId}" is ${pkg.name}, active.`);
  }

  // Partner settings StackOne's form asks for.
  const codename = str(c, 'codename');
  if (!codename) add(false, 'codename', 'The Partner Codename is not set.', 'Choose one (lowercase letters and dashes, globally unique) and add it with --set codename=….');
  else {
    const problem = codenameProblem(codename);
    const others = (await svc.store.connections.listByProvider(PROVIDER)).filter((o) => o.id !== c.id && o.status !== 'revoked' && o.config.codename === codename);
    if (problem) add(false, 'codename', `Invalid partner codename: ${problem}`, 'Use lowercase letters and dashes only.');
    else if (others.length) add(false, 'codename', `The Partner Codename "${codename}" is also used by ${others.map((o) => o.id).join(', ')}; it must be unique.`, 'Give each StackOne configuration its own codename.');
    else add(true, 'codename', `Partner Codename "${codename}" is valid and unique here.`);
  }
  const name = str(c, 'partner_name');
  add(!name || name.length <= NAME_MAX, 'name', name ? `Name: ${name}.` : `Name is not set; connections:show suggests "${await defaultName(svc, c)}".`, `Keep the Name within ${NAME_MAX} characters.`);
  const desc = str(c, 'partner_description');
  add(!desc || desc.length <= DESCRIPTION_MAX, 'description', desc ? 'Description is set.' : 'Description is not set; connections:show suggests one.', `Keep the Description within ${DESCRIPTION_MAX} characters.`);
  const logo = str(c, 'partner_logo_url');
  add(!!logo, 'logo', logo ? `Logo: ${logo}.` : 'The Logo is not set: Recruitee shows your integration without one.', 'Host a logo image and add it with --set partner_logo_url=https://…/logo.png.');

  // Webhook: "Test notification is not received" → invalid webhook URL / wrong events.
  const hook = webhookUrl(svc, c);
  const hookRes = await checkCall(hook, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  if (typeof hookRes === 'string') add(false, 'webhook_url', `Test notification is not received: the webhook URL ${hook} does not answer (${hookRes}).`, 'Verify the webhook URL in StackOne → Webhooks and that the server runs at PUBLIC_URL.');
  else if (hookRes.status !== 401) add(false, 'webhook_url', `The webhook URL ${hook} answers HTTP ${hookRes.status} to an unsigned call instead of refusing it.`, 'Verify the webhook URL in StackOne → Webhooks.');
  else add(true, 'webhook_url', `The webhook URL answers and verifies signatures; enable the Assessments Order event (${ORDER_EVENT}) for it in StackOne.`);

  // The vendor (or simulator) itself, with our API key and linked account, through StackOne's SDK.
  if (s.apiKey && s.accountId) {
    const res = await probePackages(s);
    if (res.status === null) add(false, 'stackone_api', `StackOne at ${s.baseUrl} is not reachable (${res.message}).`, 'Check base_url and the network; results wait in the outbox until it answers.');
    else if (res.status === 401 || res.status === 403) add(false, 'stackone_api', `StackOne refused the API key (HTTP ${res.status}): results cannot be updated.`, `Create a new API key in StackOne. ${reAdd('api_key')}.`);
    else if (res.status === 404 || res.status === 400) add(false, 'stackone_api', `StackOne does not know linked account ${s.accountId} (HTTP ${res.status}).`, `Copy the account id from StackOne's Accounts page. ${reAdd('account_id')}.`);
    else if (res.status >= 200 && res.status < 300 && res.ok) add(true, 'stackone_api', `StackOne at ${s.baseUrl} accepts the API key for account ${s.accountId}.`);
    else if (res.status >= 200 && res.status < 300) add(false, 'stackone_api', `StackOne at ${s.baseUrl} answered HTTP ${res.status}, but not with the documented package list: is base_url StackOne's API?`, `Set base_url to ${DEFAULT_BASE_URL} (or remove it). ${reAdd('base_url')}.`);
    else add(false, 'stackone_api', `StackOne answered HTTP ${res.status}: ${res.message}`, 'Try again later; contact StackOne support with this message if it persists.');
  }
  return out;
}
