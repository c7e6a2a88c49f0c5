// A Greenhouse connection's settings (API.md "Connections"), in Greenhouse's words; secret ones sealed at rest.
import * as v from 'valibot';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import { checkedText, isHttpUrl, readSettings, setting, settingNames, settingsProblems } from '../shared.ts';

export const PROVIDER = 'greenhouse';
export const DEFAULT_HARVEST_URL = 'https://harvest.greenhouse.io/v1';

const notEmpty = (name: string) => checkedText((s) => s.trim() !== '', `${name} must not be empty.`);

/**
 * partner_api_key: the key Greenhouse sends us on Assessment Partner calls (Basic-auth user). webhook_secret: the
 * Secret Key of the Greenhouse webhooks. harvest_api_key / on_behalf_of / base_url: our Harvest API calls.
 */
export const SettingsSchema = v.object({
  partner_api_key: setting(
    v.pipe(
      v.string(),
      // Greenhouse: the key must be fewer than 171 characters (changelog Oct 4, 2024). It is the Basic-auth user, so no ':'.
      v.check((k) => k.length < 171, (i) => `partner_api_key must be fewer than 171 characters (Greenhouse's limit); it has ${String(i.input).length}.`),
      v.check((k) => k.length >= 16, 'partner_api_key must have at least 16 characters (it is the only thing that authenticates Greenhouse).'),
      v.check((k) => /^[\x21-\x7e]+$/.test(k) && !k.includes(':'), 'partner_api_key may only contain printable ASCII characters without spaces or ":".'),
    ),
    { secret: true, required: true },
  ),
  webhook_secret: setting(notEmpty('webhook_secret'), { secret: true }),
  harvest_api_key: setting(notEmpty('harvest_api_key'), { secret: true }),
  on_behalf_of: setting(checkedText((s) => /^\d{1,20}$/.test(s), 'on_behalf_of must be the numeric id of a Greenhouse user.')),
  base_url: setting(checkedText(isHttpUrl, `base_url must be an http(s) URL such as ${DEFAULT_HARVEST_URL}.`)),
});
export const SETTINGS = settingNames(SettingsSchema);

/** Problems with a set of settings, as sentences (used by `connections:add`). */
export function validateGreenhouseSettings(values: Record<string, string>): string[] {
  return settingsProblems(SettingsSchema, values);
}

export interface GreenhouseSettings {
  partnerApiKey: string | null;
  webhookSecret: string | null;
  harvestApiKey: string | null;
  onBehalfOf: string | null;
  baseUrl: string;
}

export function settingsOf(svc: Services, connection: ConnectionRow): GreenhouseSettings {
  const s = readSettings(SettingsSchema, svc, connection);
  return {
    partnerApiKey: s.partner_api_key ?? null,
    webhookSecret: s.webhook_secret ?? null,
    harvestApiKey: s.harvest_api_key ?? null,
    onBehalfOf: s.on_behalf_of ?? null,
    baseUrl: (s.base_url ?? DEFAULT_HARVEST_URL).replace(/\/+$/, ''),
  };
}
