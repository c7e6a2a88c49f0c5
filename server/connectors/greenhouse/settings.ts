// Greenhouse connection settings (API.md "Connections"), in Greenhouse's words; secrets sealed at rest.
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import { secretsOf } from '../shared.ts';

export const PROVIDER = 'greenhouse';
export const DEFAULT_HARVEST_URL = 'https://harvest.greenhouse.io/v1';

export interface GreenhouseSettings {
  partnerApiKey: string | null;
  webhookSecret: string | null;
  harvestApiKey: string | null;
  onBehalfOf: string | null;
  baseUrl: string;
}

export function settingsOf(svc: Services, connection: ConnectionRow): GreenhouseSettings {
  const s = secretsOf(svc, connection);
  const pub = (k: string) => (typeof connection.config[k] === 'string' && connection.config[k] !== '' ? (connection.config[k] as string) : null);
  return {
    partnerApiKey: s.partner_api_key || null,
    webhookSecret: s.webhook_secret || null,
    harvestApiKey: s.harvest_api_key || null,
    onBehalfOf: pub('on_behalf_of'),
    baseUrl: (pub('base_url') ?? DEFAULT_HARVEST_URL).replace(/\/+$/, ''),
  };
}

/** Problems with a set of settings, as sentences (used by `connections:add`). */
export function validateGreenhouseSettings(values: Record<string, string>): string[] {
  const out: string[] = [];
  const key = values.partner_api_key;
  if (key !== undefined) {
    // Greenhouse: the key must be fewer than 171 characters (changelog Oct 4, 2024). It is the Basic-auth user, so no ':'.
    if (key.length >= 171) out.push(`partner_api_key must be fewer than 171 characters (Greenhouse's limit); it has ${key.length}.`);
    if (key.length < 16) out.push('partner_api_key must have at least 16 characters (it is the only thing that authenticates Greenhouse).');
    if (!/^[\x21-\x7e]+$/.test(key) || key.includes(':')) out.push('partner_api_key may only contain printable ASCII characters without spaces or ":".');
  }
  for (const k of ['webhook_secret', 'harvest_api_key'] as const) {
    if (values[k] !== undefined && values[k]!.trim() === '') out.push(`${k} must not be empty.`);
  }
  if (values.on_behalf_of !== undefined && !/^\d{1,20}$/.test(values.on_behalf_of)) out.push('on_behalf_of must be the numeric id of a Greenhouse user.');
  if (values.base_url !== undefined) {
    try {
      const u = new URL(values.base_url);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
    } catch {
      out.push(`base_url must be an http(s) URL such as ${DEFAULT_HARVEST_URL}.`);
    }
  }
  return out;
}
