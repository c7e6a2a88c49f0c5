// Recruitee connection settings (API.md "Connections"), in Recruitee's words; secrets sealed at rest.
import { partnerProfileProblems } from './codename.ts';
import * as v from 'valibot';
import { checkedText, readSettings, setting, settingNames, settingsProblems } from '../shared.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';

export const PROVIDER = 'recruitee';
/** Recruitee's Partners API (production); the RC environment is https://integrations.rc.recruitee.dev/api. */
export const DEFAULT_BASE_URL = 'https://integrations.recruitee.com/api';

/**
 * customer_token: the Bearer token Recruitee sends us (we gave it to the customer). partner_secret: our
 * RT-PARTNER-SECRET for report updates. codename: our partner's codename. webhook_secret: signs Recruitee's
 * webhooks. company_id: the customer's Recruitee company (send_candidate for another company is refused).
 * partner_name, partner_description, partner_logo_url: the marketplace profile (the dashboard's partner form),
 * checked with the codename by partnerProfileProblems.
 */
export const SettingsSchema = v.object({
  customer_token: setting(
    checkedText((s) => s.length >= 16, 'customer_token should be a random token of at least 16 characters (e.g. openssl rand -hex 24); the customer pastes it into Recruitee.'),
    { secret: true, required: true },
  ),
  partner_secret: setting(v.string(), { secret: true, required: true }),
  webhook_secret: setting(v.string(), { secret: true }),
  codename: setting(v.string(), { required: true }),
  company_id: setting(checkedText((s) => /^\d{1,18}$/.test(s), 'company_id is the number after "company=" in the Recruitee app URL.')),
  base_url: setting(checkedText((s) => /^https?:\/\/[^\s]+$/.test(s), `base_url must be an http(s) URL such as ${DEFAULT_BASE_URL}.`)),
  partner_name: setting(v.string()),
  partner_description: setting(v.string()),
  partner_logo_url: setting(v.string()),
});
export const SETTINGS = settingNames(SettingsSchema);

export function validateSettings(values: Record<string, string>): string[] {
  return settingsProblems(SettingsSchema, values, partnerProfileProblems);
}

export interface RecruiteeSettings {
  customerToken: string;
  partnerSecret: string;
  webhookSecret: string;
  codename: string;
  companyId: string | null;
  baseUrl: string;
}

export function settingsOf(svc: Services, connection: ConnectionRow): RecruiteeSettings {
  const s = readSettings(SettingsSchema, svc, connection);
  return {
    customerToken: s.customer_token ?? '',
    partnerSecret: s.partner_secret ?? '',
    webhookSecret: s.webhook_secret ?? '',
    codename: s.codename ?? '',
    companyId: s.company_id ?? null,
    baseUrl: (s.base_url ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
  };
}
