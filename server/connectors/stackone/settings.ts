// StackOne connection settings (API.md "Connections"), in StackOne's words; secrets sealed at rest.
import { partnerProfileProblems } from '../recruitee/settings.ts';
import { secretsOf } from '../shared.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';

export const PROVIDER = 'stackone';
export const DEFAULT_BASE_URL = 'https://api.stackone.com';

/**
 * api_key / account_id / base_url: we call StackOne's unified API. webhook_secret: StackOne signs webhooks (and,
 * we assume, the package-list call). partner_api_key: the key StackOne sends us in Basic auth on the package-list
 * call. static_package_id: StackOne's "Package ID" fallback. codename, partner_name, partner_description,
 * partner_logo_url: what StackOne's Recruitee configuration form asks for (printed by connections:show).
 */
export const SETTINGS = {
  secret: ['api_key', 'webhook_secret', 'partner_api_key'],
  public: ['account_id', 'base_url', 'static_package_id', 'codename', 'partner_name', 'partner_description', 'partner_logo_url'],
  required: ['api_key', 'account_id', 'webhook_secret'],
} as const;

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export function validateSettings(values: Record<string, string>): string[] {
  const problems: string[] = [];
  if (values.base_url !== undefined && !isHttpUrl(values.base_url)) problems.push(`base_url must be an http(s) URL such as ${DEFAULT_BASE_URL}.`);
  if (values.account_id !== undefined && !/^[A-Za-z0-9_-]{1,100}$/.test(values.account_id))
    problems.push('account_id is the linked account id from StackOne (Accounts page), e.g. 45355976281015164504.');
  if (!values.partner_api_key && !values.static_package_id)
    problems.push("StackOne needs a Package's List Endpoint URL or a static Package ID: set partner_api_key (the key StackOne sends to our package list) or static_package_id.");
  if (values.partner_api_key !== undefined && values.partner_api_key.length < 16) problems.push('partner_api_key should be a random key of at least 16 characters (e.g. openssl rand -hex 24).');
  if (values.static_package_id !== undefined && !/^[A-Za-z0-9_.:-]{1,100}$/.test(values.static_package_id)) problems.push('static_package_id must be one of your package ids, e.g. numerical-reasoning.');
  problems.push(...partnerProfileProblems(values));
  return problems;
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
  const s = secretsOf(svc, connection);
  const c = connection.config;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    apiKey: s.api_key ?? '',
    webhookSecret: s.webhook_secret ?? '',
    partnerApiKey: s.partner_api_key ?? '',
    accountId: str(c.account_id) ?? '',
    baseUrl: (str(c.base_url) ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    staticPackageId: str(c.static_package_id),
  };
}
