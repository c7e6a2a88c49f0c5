// StackOne connection settings (API.md "Connections"), in StackOne's words; secrets sealed at rest.
import { partnerProfileProblems } from '../recruitee/settings.ts';
import * as v from 'valibot';
import { checkedText, isHttpUrl, readSettings, setting, settingNames, settingsProblems } from '../shared.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';

export const PROVIDER = 'stackone';
export const DEFAULT_BASE_URL = 'https://api.stackone.com';

/** The marketplace profile StackOne's Recruitee form asks for: checked together by partnerProfileProblems. */
const profile = v.string();

/**
 * api_key / account_id / base_url: we call StackOne's unified API. webhook_secret: StackOne signs webhooks (and,
 * we assume, the package-list call). partner_api_key: the key StackOne sends us in Basic auth on the package-list
 * call. static_package_id: StackOne's "Package ID" fallback. codename, partner_name, partner_description,
 * partner_logo_url: what StackOne's Recruitee configuration form asks for (printed by connections:show).
 */
export const SettingsSchema = v.object({
  api_key: setting(v.string(), { secret: true, required: true }),
  webhook_secret: setting(v.string(), { secret: true, required: true }),
  partner_api_key: setting(checkedText((s) => s.length >= 16, 'partner_api_key should be a random key of at least 16 characters (e.g. openssl rand -hex 24).'), { secret: true }),
  account_id: setting(checkedText((s) => /^[A-Za-z0-9_-]{1,100}$/.test(s), 'account_id is the linked account id from StackOne (Accounts page), e.g. 45355976281015164504.'), { required: true }),
  base_url: setting(checkedText(isHttpUrl, `base_url must be an http(s) URL such as ${DEFAULT_BASE_URL}.`)),
  static_package_id: setting(checkedText((s) => /^[A-Za-z0-9_.:-]{1,100}$/.test(s), 'static_package_id must be one of your package ids, e.g. numerical-reasoning.')),
  codename: setting(profile),
  partner_name: setting(profile),
  partner_description: setting(profile),
  partner_logo_url: setting(profile),
});
export const SETTINGS = settingNames(SettingsSchema);

export function validateSettings(values: Record<string, string>): string[] {
  return settingsProblems(SettingsSchema, values, (x) => [
    ...(!x.partner_api_key && !x.static_package_id
      ? ["StackOne needs a Package's List Endpoint URL or a static Package ID: set partner_api_key (the key StackOne sends to our package list) or static_package_id."]
      : []),
    ...partnerProfileProblems(x),
  ]);
}

export interface StackOneSettings {
  apiKey: string;
  webhookSecret: string;
  partnerApiKey: string;
  accountId: string;
  baseUrl: string;
  staticPackageId: string | null;
}

export function settingsOf(svc: Services, connection: ConnectionRow): StackOneSettings {
  const s = readSettings(SettingsSchema, svc, connection);
  return {
    apiKey: s.api_key ?? '',
    webhookSecret: s.webhook_secret ?? '',
    partnerApiKey: s.partner_api_key ?? '',
    accountId: s.account_id ?? '',
    baseUrl: (s.base_url ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    staticPackageId: s.static_package_id ?? null,
  };
}
