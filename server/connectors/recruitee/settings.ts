// Recruitee connection settings (API.md "Connections"), in Recruitee's words; secrets sealed at rest.
import { partnerProfileProblems } from './codename.ts';
import { secretsOf } from '../shared.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';

export const PROVIDER = 'recruitee';
/** Recruitee's Partners API (production); the RC environment is https://integrations.rc.recruitee.dev/api. */
export const DEFAULT_BASE_URL = 'https://integrations.recruitee.com/api';

/**
 * customer_token: the Bearer token Recruitee sends us (we gave it to the customer). partner_secret: our
 * RT-PARTNER-SECRET for report updates. codename: our partner's codename. webhook_secret: signs Recruitee's
 * webhooks. company_id: the customer's Recruitee company (send_candidate for another company is refused).
 */
export const SETTINGS = {
  secret: ['customer_token', 'partner_secret', 'webhook_secret'],
  // partner_name, partner_description, partner_logo_url: the marketplace profile (the dashboard's partner form).
  public: ['codename', 'company_id', 'base_url', 'partner_name', 'partner_description', 'partner_logo_url'],
  required: ['customer_token', 'partner_secret', 'codename'],
} as const;

export function validateSettings(values: Record<string, string>): string[] {
  const problems: string[] = [];
  if (values.customer_token !== undefined && values.customer_token.length < 16) problems.push('customer_token should be a random token of at least 16 characters (e.g. openssl rand -hex 24); the customer pastes it into Recruitee.');
  problems.push(...partnerProfileProblems(values));
  if (values.company_id !== undefined && !/^\d{1,18}$/.test(values.company_id)) problems.push('company_id is the number after "company=" in the Recruitee app URL.');
  if (values.base_url !== undefined && !/^https?:\/\/[^\s]+$/.test(values.base_url)) problems.push(`base_url must be an http(s) URL such as ${DEFAULT_BASE_URL}.`);
  return problems;
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
  const s = secretsOf(svc, connection);
  const c = connection.config;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    customerToken: s.customer_token ?? '',
    partnerSecret: s.partner_secret ?? '',
    webhookSecret: s.webhook_secret ?? '',
    codename: str(c.codename) ?? '',
    companyId: str(c.company_id),
    baseUrl: (str(c.base_url) ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
  };
}
