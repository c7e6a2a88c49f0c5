// Each connector's settings are one valibot schema (server/connectors/<provider>/settings.ts): the setting
// names the CLI accepts, which are secret and which are required are derived from it, connections:add checks
// values with it (one sentence per problem, naming the setting), and readSettings reads a connection with it.
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../shared/providers.ts';
import { connectors } from '../../server/connectors/index.ts';
import '../../server/connectors/register.ts';
import { SettingsSchema as GreenhouseSchema } from '../../server/connectors/greenhouse/settings.ts';
import { SettingsSchema as KomboSchema } from '../../server/connectors/kombo/settings.ts';
import { readSettings, settingNames } from '../../server/connectors/shared.ts';
import { SecretBox } from '../../server/crypto/secrets.ts';
import type { Services } from '../../server/services.ts';
import type { ConnectionRow } from '../../server/store/types.ts';

describe('connector settings', () => {
  it("derives each connector's secret, public and required names from its schema", () => {
    expect(settingNames(KomboSchema)).toEqual({
      secret: ['api_key', 'webhook_secret'],
      public: ['integration_id', 'base_url', 'region', 'signature_encoding'],
      required: ['api_key', 'webhook_secret', 'integration_id'],
    });
    expect(settingNames(GreenhouseSchema)).toEqual({ secret: ['partner_api_key', 'webhook_secret', 'harvest_api_key'], public: ['on_behalf_of', 'base_url'], required: ['partner_api_key'] });
    for (const p of PROVIDERS) {
      const s = connectors[p]!.settings;
      expect(s.required.every((k) => s.secret.includes(k) || s.public.includes(k)), p).toBe(true);
    }
  });

  it('refuses bad values with one sentence per problem, naming the setting, and accepts good ones', () => {
    const problems = (p: string, values: Record<string, string>) => connectors[p]!.validateSettings!(values);
    expect(problems('kombo', { integration_id: 'nonsense', signature_encoding: 'base64', region: 'eu', base_url: 'https://x.example' })).toEqual([
      'integration_id looks like "<tool>:<id>", e.g. recruitee:HWUTwvyx2wLoSUHphiWVrp28 (Kombo dashboard → Integrations).',
      'signature_encoding must be base64url or hex.',
      'Give either region or base_url, not both.',
    ]);
    expect(problems('kombo', { api_key: 'abcdefghij', webhook_secret: 'abcdefghij', integration_id: 'recruitee:HWUTwvyx2wLo', region: 'us' })).toEqual([]);
    expect(problems('greenhouse', { partner_api_key: 'a:b' })).toEqual([
      'partner_api_key must have at least 16 characters (it is the only thing that authenticates Greenhouse).',
      'partner_api_key may only contain printable ASCII characters without spaces or ":".',
    ]);
    expect(problems('greenhouse', { partner_api_key: 'k'.repeat(171) })).toEqual(["partner_api_key must be fewer than 171 characters (Greenhouse's limit); it has 171."]);
    expect(problems('lever', { base_url: 'ftp://x', trigger_stage: ' ' })).toEqual(['trigger_stage must be the name of a Lever stage (1–200 characters).', 'base_url must be an http(s) URL, not "ftp://x".']);
    expect(problems('stackone', { api_key: 'k', account_id: '1', webhook_secret: 's' })).toEqual([
      "StackOne needs a Package's List Endpoint URL or a static Package ID: set partner_api_key (the key StackOne sends to our package list) or static_package_id.",
    ]);
    expect(problems('recruitee', { customer_token: 'short', company_id: 'acme' })).toEqual([
      'customer_token should be a random token of at least 16 characters (e.g. openssl rand -hex 24); the customer pastes it into Recruitee.',
      'company_id is the number after "company=" in the Recruitee app URL.',
    ]);
  });

  it('reads a connection by the schema: secrets from the sealed part, the rest from its config, nothing else', () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const connection = { config: { integration_id: 'recruitee:abcdef', region: 'us', bound: { at: 'x' }, base_url: '' }, secrets_enc: box.sealJson({ api_key: 'key-1', other: 'x' }) } as unknown as ConnectionRow;
    expect(readSettings(KomboSchema, { box } as unknown as Services, connection)).toEqual({ api_key: 'key-1', integration_id: 'recruitee:abcdef', region: 'us' });
  });
});
