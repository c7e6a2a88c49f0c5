// `assay connections:check` / `connections:show` for Recruitee's own marketplace partner API.
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import { checkCall, checkFindings, partnerUrl, unreachablePublicUrl, webhookUrl } from '../shared.ts';
import type { CheckFinding, VendorSetupSection } from '../types.ts';
import { readNoReports } from './client.ts';
import { codenameProblem, settingsOf } from './settings.ts';


export async function recruiteeSetup(svc: Services, c: ConnectionRow): Promise<VendorSetupSection[]> {
  const s = settingsOf(svc, c);
  return [
    {
      title: 'Partner definition',
      where: 'Recruitee RC → PATCH /partner (your marketplace partner)',
      fields: [
        { label: 'codename', value: s.codename || null },
        { label: 'kind', value: 'assessment' },
        { label: 'urls.tests', value: partnerUrl(svc, c, 'tests') },
        { label: 'urls.send_candidate', value: partnerUrl(svc, c, 'send_candidate') },
        { label: 'inputs', value: 'first_name, last_name, email (the defaults; all required)' },
      ],
    },
    {
      title: 'Integrate',
      where: "Recruitee → Marketplace → your app → Integrate (the customer's admin)",
      fields: [{ label: 'Token', value: null, note: 'the customer_token of this connection (kept sealed, never printed): hand it to the customer over a safe channel' }],
    },
    {
      title: 'Webhook',
      where: 'Recruitee → Settings → Apps and plugins → Webhooks',
      fields: [
        { label: 'URL', value: webhookUrl(svc, c) },
        { label: 'Events', value: 'Candidate moved', note: 'a disqualified candidate loses unused invitations' },
        { label: 'Secret', value: null, note: 'copy the secret Recruitee shows into webhook_secret' },
      ],
    },
  ];
}

export async function checkRecruitee(svc: Services, c: ConnectionRow): Promise<CheckFinding[]> {
  const s = settingsOf(svc, c);
  const { out, add, reAdd } = checkFindings('recruitee');

  add(!!s.customerToken, 'customer_token', s.customerToken ? 'The customer token is set.' : 'The customer token is not set: every call from Recruitee is refused.', `Generate one (openssl rand -hex 24) and give it to the customer. ${reAdd('customer_token')}.`);
  add(!!s.partnerSecret, 'partner_secret', s.partnerSecret ? 'The partner secret is set.' : 'The partner secret is not set: reports cannot be updated.', `Copy partner.secret from Recruitee. ${reAdd('partner_secret')}.`);
  add(!!s.webhookSecret, 'webhook_secret', s.webhookSecret ? "The webhook's secret is set." : "The webhook's secret is not set: every signed webhook is refused.", `Copy the secret from the webhook dialog in Recruitee. ${reAdd('webhook_secret')}.`);
  const problem = s.codename ? codenameProblem(s.codename) : 'The codename is not set.';
  add(!problem, 'codename', problem ? `Invalid codename: ${problem}` : `Codename "${s.codename}" is valid.`, 'Use your partner codename exactly as Recruitee shows it: lowercase letters and dashes.');
  add(!!s.companyId, 'company_id', s.companyId ? `Company ${s.companyId}.` : 'The company id is not set, so send_candidate calls are not tied to one Recruitee company.', `Use the number after "company=" in the Recruitee app URL. ${reAdd('company_id')}.`);

  const unreachable = unreachablePublicUrl(svc, s.baseUrl, 'Recruitee', 'the partner URLs or the webhook');
  if (unreachable) out.push(unreachable);

  const tests = partnerUrl(svc, c, 'tests');
  const auth = { Authorization: `Bearer ${s.customerToken}` };
  const t = await checkCall(tests, { headers: { ...auth, Accept: 'application/json' } });
  if (typeof t === 'string') add(false, 'tests_url', `The tests URL ${tests} does not answer (${t}).`, 'Is the server running, and is PUBLIC_URL the address Recruitee reaches?');
  else if (t.status !== 200) add(false, 'tests_url', `The tests URL answers HTTP ${t.status}: ${t.text.slice(0, 200)}`, 'Check the customer token.');
  else {
    const list = t.json<unknown>();
    const ok = Array.isArray(list) && list.every((x) => typeof x === 'object' && x !== null && typeof (x as { name?: unknown }).name === 'string' && (x as { id?: unknown }).id !== undefined);
    if (!ok) add(false, 'tests_url', 'The tests URL does not answer [{ "id", "name" }].', 'Report this as a bug.');
    else if ((list as unknown[]).length === 0) add(false, 'tests_url', 'The tests URL lists no tests: the recruiter has nothing to send.', 'Import or activate a package: assay packages:import --account <id> <file.json>.');
    else add(true, 'tests_url', `The tests URL lists ${(list as unknown[]).length} test(s).`);
  }
  const send = partnerUrl(svc, c, 'send_candidate');
  const sc = await checkCall(send, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{}' });
  if (typeof sc === 'string') add(false, 'send_candidate_url', `The send_candidate URL ${send} does not answer (${sc}).`, 'Is the server running at PUBLIC_URL?');
  else if (sc.status !== 400) add(false, 'send_candidate_url', `The send_candidate URL answers HTTP ${sc.status} to an empty call.`, 'Check the customer token.');
  else add(true, 'send_candidate_url', 'The send_candidate URL answers and validates its input.');

  const hook = webhookUrl(svc, c);
  const ping = await checkCall(hook, { method: 'POST', headers: { 'Content-Type': 'application/json', 'User-Agent': 'Recruitee-Webhooks' }, body: '{"test":true}' });
  if (typeof ping === 'string') add(false, 'webhook_url', `The webhook URL ${hook} does not answer (${ping}): Recruitee will not save the webhook.`, 'Is the server running at PUBLIC_URL?');
  else if (ping.status !== 200) add(false, 'webhook_url', `The webhook URL answers the test with HTTP ${ping.status}; Recruitee needs exactly 200.`, 'Verify the webhook URL.');
  else add(true, 'webhook_url', 'The webhook URL answers the Test button with 200.');

  if (s.partnerSecret && s.codename) {
    // A read that needs the partner secret and codename and changes nothing: candidate 0 has no reports.
    // UNCONFIRMED: that Recruitee answers 401/404 here for a wrong secret/codename follows §3.3 but is not documented.
    const r = await readNoReports({ baseUrl: s.baseUrl, partnerSecret: s.partnerSecret, codename: s.codename, companyId: s.companyId }).catch((err: Error) => err.message);
    if (typeof r === 'string') add(false, 'recruitee_api', `Recruitee at ${s.baseUrl} is not reachable (${r}).`, 'Check base_url and the network; report updates wait in the outbox until it answers.');
    else if (r.status === 401 || r.status === 403) add(false, 'recruitee_api', `Recruitee refused the partner secret (HTTP ${r.status}): reports cannot be updated.`, `Copy the current partner.secret (it changes when regenerated). ${reAdd('partner_secret')}.`);
    else if (r.status === 404) add(false, 'recruitee_api', `Recruitee does not know the partner "${s.codename}" (HTTP 404).`, `Use your partner's codename exactly. ${reAdd('codename')}.`);
    else if (r.status >= 200 && r.status < 300) add(true, 'recruitee_api', `Recruitee at ${s.baseUrl} accepts the partner secret for "${s.codename}".`);
    else add(false, 'recruitee_api', `Recruitee answered HTTP ${r.status}: ${r.text.slice(0, 200)}`, 'Try again later.');
  }
  return out;
}
