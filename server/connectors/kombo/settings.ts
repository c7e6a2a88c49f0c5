// Kombo connection settings (API.md "Connections"): names in Kombo's words, secrets sealed at rest.
import { connectorConfig, type ConnectorConfig } from '../../config.ts';
import * as v from 'valibot';
import { checkedText, isHttpUrl, readSettings, setting, settingNames, settingsProblems } from '../shared.ts';
import type { MacEncoding } from '../shared.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';

export const PROVIDER = 'kombo';

/** Kombo's regions (contracts/unified-apis.md §1.1). */
export const REGION_BASE_URLS = { eu: 'https://api.kombo.dev/v1', us: 'https://api.us.kombo.dev/v1' } as const;

/**
 * UNCONFIRMED: Kombo's public docs do not show how X-Kombo-Signature is encoded. Third-party receivers use
 * HMAC-SHA256 of the raw body as base64url; one uses hex (contracts/unified-apis.md §1.4). The connection
 * picks one with `signature_encoding` (default base64url); we never accept both at once, so a
 * misconfigured connection fails loudly instead of silently widening what verifies.
 */
export const SIGNATURE_ENCODINGS = ['base64url', 'hex'] as const;
export type SignatureEncoding = (typeof SIGNATURE_ENCODINGS)[number] & MacEncoding;


/** A Kombo connection's settings (API.md "Connections"), in Kombo's words; secret ones sealed at rest. */
export const SettingsSchema = v.object({
  api_key: setting(checkedText((s) => s.trim().length >= 8, 'api_key looks too short; copy it from the Kombo dashboard "Secrets" page.'), { secret: true, required: true }),
  webhook_secret: setting(checkedText((s) => s.trim().length >= 8, 'webhook_secret looks too short; copy it from the Kombo dashboard webhooks tab.'), { secret: true, required: true }),
  integration_id: setting(
    checkedText((s) => /^[a-z0-9_]+:[A-Za-z0-9_-]{4,100}$/.test(s), 'integration_id looks like "<tool>:<id>", e.g. recruitee:HWUTwvyx2wLoSUHphiWVrp28 (Kombo dashboard → Integrations).'),
    { required: true },
  ),
  base_url: setting(checkedText(isHttpUrl, `base_url must be an http(s) URL such as ${REGION_BASE_URLS.eu}.`)),
  region: setting(checkedText((s) => s in REGION_BASE_URLS, 'region must be eu or us.')),
  signature_encoding: setting(checkedText((s) => (SIGNATURE_ENCODINGS as readonly string[]).includes(s), 'signature_encoding must be base64url or hex.')),
});
export const SETTINGS = settingNames(SettingsSchema);

export function validateSettings(values: Record<string, string>): string[] {
  return settingsProblems(SettingsSchema, values, (x) => (x.base_url !== undefined && x.region !== undefined ? ['Give either region or base_url, not both.'] : []));
}

export function baseUrlFrom(values: { base_url?: unknown; region?: unknown }): string {
  if (typeof values.base_url === 'string' && values.base_url) return values.base_url.replace(/\/+$/, '');
  if (values.region === 'us') return REGION_BASE_URLS.us;
  return REGION_BASE_URLS.eu;
}

/** Everything needed to talk to Kombo for one connection. */
export interface KomboSettings {
  apiKey: string;
  webhookSecret: string;
  baseUrl: string;
  integrationId: string | null;
  signatureEncoding: SignatureEncoding;
  tool: string | null;
}

export function settingsOf(svc: Services, connection: ConnectionRow): KomboSettings {
  const s = readSettings(SettingsSchema, svc, connection);
  const integrationId = s.integration_id ?? null;
  const tool = connection.config.tool;
  return {
    apiKey: s.api_key ?? '',
    webhookSecret: s.webhook_secret ?? '',
    baseUrl: baseUrlFrom(s),
    integrationId,
    signatureEncoding: s.signature_encoding === 'hex' ? 'hex' : 'base64url',
    tool: typeof tool === 'string' ? tool : (integrationId?.split(':')[0] ?? null),
  };
}

/**
 * The provider's own Kombo environment (one API key and webhook secret for all its customers), used to
 * invite customers with Kombo Connect: from the environment, overridable per call (CLI --set).
 */
export function environmentSettings(overrides: Record<string, string> = {}, env: ConnectorConfig['komboEnvironment'] = connectorConfig().komboEnvironment) {
  const values: Record<string, string> = {};
  const pick = (name: keyof typeof env) => {
    const v = overrides[name] ?? env[name];
    if (v !== undefined && v !== '') values[name] = v;
  };
  pick('api_key');
  pick('webhook_secret');
  pick('signature_encoding');
  if (overrides.base_url ?? overrides.region) {
    if (overrides.base_url) values.base_url = overrides.base_url;
    if (overrides.region) values.region = overrides.region;
  } else {
    pick('base_url');
    if (!values.base_url) pick('region');
  }
  return values;
}
