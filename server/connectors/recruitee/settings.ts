// Recruitee connection settings (API.md "Connections"), in Recruitee's words; secrets sealed at rest.
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

// A Recruitee marketplace partner codename: asked for by Recruitee's partner definition and by StackOne's
// Recruitee configuration form ("Partner Codename").

/** "It must consist of lowercase letters and dashes (-) and be globally unique" (StackOne's Recruitee guide). */
export const CODENAME_PATTERN = /^[a-z]+(?:-[a-z]+)*$/;
// UNCONFIRMED: no length limit is documented; 64 keeps it a sane URL segment (/p/<codename>/…).
export const CODENAME_MAX = 64;

/** A sentence saying what is wrong with a codename, or null when it is valid. */
export function codenameProblem(value: string, setting = 'codename'): string | null {
  if (value.length > CODENAME_MAX) return `${setting} may have at most ${CODENAME_MAX} characters.`;
  if (!CODENAME_PATTERN.test(value))
    return `${setting} "${value}" must consist of lowercase letters and dashes (e.g. "assay-tests"), starting and ending with a letter.`;
  return null;
}

/** Suggests a codename from a company name ("Assay Demo" → "assay-demo"). */
export function suggestCodename(name: string): string {
  const s = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, CODENAME_MAX)
    .replace(/-+$/, '');
  return s || 'assessments';
}

// UNCONFIRMED: StackOne's form documents no limits; these keep the values displayable on Recruitee's dashboard.
export const NAME_MAX = 80;
export const DESCRIPTION_MAX = 500;

/**
 * The marketplace partner profile Recruitee shows (StackOne's "Recruitee - Configuration" form, seed 001): codename,
 * name, description, logo URL. Sentences for what is wrong; settings that are absent are not checked.
 */
export function partnerProfileProblems(values: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (values.codename !== undefined) {
    const p = codenameProblem(values.codename);
    if (p) problems.push(p);
  }
  if (values.partner_name !== undefined && (values.partner_name.trim() === '' || values.partner_name.length > NAME_MAX)) problems.push(`partner_name must be 1–${NAME_MAX} characters.`);
  if (values.partner_description !== undefined && (values.partner_description.trim() === '' || values.partner_description.length > DESCRIPTION_MAX))
    problems.push(`partner_description must be 1–${DESCRIPTION_MAX} characters.`);
  if (values.partner_logo_url !== undefined && !/^https:\/\//.test(values.partner_logo_url) && !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//.test(values.partner_logo_url))
    problems.push('partner_logo_url must be an https URL of an image (e.g. https://example.com/logo.png).');
  return problems;
}
