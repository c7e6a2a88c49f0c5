// Adding a connection: the one function behind `assay connections:add` and the dashboard's connect
// forms, so neither can skip the other's validation (known settings, required ones, the connector's rules).
import { requireInPlanOf } from '../accounts/settings.ts';
import { UsageError } from '../errors.ts';
import { newId, randomToken } from '../ids.ts';
import { PROVIDERS } from '../../shared/providers.ts';
import { partnerUrls } from '../connectors/greenhouse/routes.ts';
import type { ConnectedOutput, VendorSetupSection } from '../connectors/types.ts';
import type { Services } from '../services.ts';
import type { ConnectionRow } from '../store/types.ts';

export async function addConnection(
  svc: Services,
  o: {
    accountId: string;
    provider: string;
    settings: Record<string, string>;
    actor: string;
    /** The new connection's id, when a setting must name it (e.g. a logo URL); else a fresh one. */
    id?: string;
    /** Connector state written with the connection, in the same transaction (e.g. an uploaded logo). */
    state?: Record<string, unknown>;
  },
): Promise<{ connection: ConnectionRow; after: ConnectedOutput | undefined }> {
  const { accountId, provider, settings } = o;
  const connector = svc.connectors[provider];
  if (!connector) throw new UsageError('unknown_provider', `"${provider}" is not a provider this build knows (${Object.keys(svc.connectors).join(', ') || PROVIDERS.join(', ')}).`);
  if (!(await svc.store.accounts.get(accountId))) throw new UsageError('unknown_account', `There is no account "${accountId}".`);
  const known = new Set([...connector.settings.secret, ...connector.settings.public]);
  for (const k of Object.keys(settings)) if (!known.has(k)) throw new UsageError('unknown_setting', `"${k}" is not a ${provider} setting; use ${[...known].join(', ')}.`);
  for (const k of connector.settings.required) if (!settings[k]) throw new UsageError('missing_setting', `${provider} needs --set ${k}=….`);
  const problems = connector.validateSettings?.(settings) ?? [];
  if (problems.length) throw new UsageError('invalid_setting', problems.join(' '));
  const secrets = Object.fromEntries(Object.entries(settings).filter(([k]) => connector.settings.secret.includes(k)));
  const config = Object.fromEntries(Object.entries(settings).filter(([k]) => !connector.settings.secret.includes(k)));
  const conn = await svc.store.transaction(async (tx) => {
    const c = await tx.connections.create({ id: o.id ?? newId('con'), account_id: accountId, provider, status: 'active', config, secrets_enc: svc.box.sealJson(secrets) });
    for (const [k, value] of Object.entries(o.state ?? {})) await tx.connectorState.put(c.id, k, value);
    await tx.audit.add({ account_id: accountId, actor: o.actor, action: 'connection.added', target: c.id, details: { provider } });
    return c;
  });
  const after = (connector.onConnected ? await connector.onConnected(svc, conn) : undefined) || undefined;
  // onConnected may have changed the connection (e.g. pending until OAuth consent).
  return { connection: (await svc.store.connections.getById(conn.id)) ?? conn, after };
}

/** What the admin copies into Greenhouse after connecting: shown once, right after Save. */
export interface GreenhouseSetup {
  connection_id: string;
  webhook_url: string;
  webhook_secret: string;
  partner_api_key: string;
  /** The web hook events to create in Greenhouse, one per event. */
  events: string[];
  partner_urls: Record<string, string>;
  setup: VendorSetupSection[];
}

/**
 * Greenhouse, as seed 004 has it: the admin pastes a Harvest key and saves; we make the webhook secret and
 * the partner API key, and show them with the endpoint URL and the events to tick.
 */
export async function connectGreenhouse(svc: Services, accountId: string, harvestApiKey: string, actor: string): Promise<GreenhouseSetup> {
  await requireInPlanOf(svc, accountId, 'greenhouse');
  const key = harvestApiKey.trim();
  if (!/^[\x21-\x7e]{8,200}$/.test(key)) throw new UsageError('invalid_setting', 'Paste the Harvest API key as Greenhouse shows it (8 to 200 characters, no spaces).');
  const settings: Record<string, string> = { harvest_api_key: key, partner_api_key: randomToken(24), webhook_secret: randomToken(24) };
  if (svc.config.greenhouseHarvestUrl) settings.base_url = svc.config.greenhouseHarvestUrl;
  const { connection } = await addConnection(svc, { accountId, provider: 'greenhouse', settings, actor });
  const setup = (await svc.connectors.greenhouse!.vendorSetup?.(svc, connection)) ?? [];
  const events = setup.flatMap((s) => s.fields).find((f) => f.label === 'When')?.value?.split(', ') ?? [];
  const partner_urls = partnerUrls(svc, connection);
  return {
    connection_id: connection.id,
    webhook_url: `${svc.config.publicUrl}/webhooks/greenhouse/${connection.id}`,
    webhook_secret: settings.webhook_secret!,
    partner_api_key: settings.partner_api_key!,
    events,
    partner_urls,
    setup,
  };
}

/**
 * Disconnect (revoke): nothing more is processed or written for the connection, what its connector keeps
 * for it is forgotten (`onRevoked`: Lever's OAuth tokens), later webhooks are refused with 410 connection_revoked. `assay connections:revoke` calls this too.
 */
/** Returns the connection as it was before (null: not this account's), so a caller can tell an earlier revocation. */
export async function revokeConnection(svc: Services, accountId: string, id: string, actor: string): Promise<ConnectionRow | null> {
  const c = await svc.store.connections.get(accountId, id);
  if (!c) return null;
  if (c.status === 'revoked') return c;
  await svc.store.transaction(async (tx) => {
    await tx.connections.update(accountId, id, { status: 'revoked' });
    await svc.connectors[c.provider]?.onRevoked?.(tx, c);
    await tx.audit.add({ account_id: accountId, actor, action: 'connection.revoked', target: id, details: { provider: c.provider } });
  });
  return c;
}
