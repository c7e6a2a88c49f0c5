// Adding a connection, changing its settings and revoking it: the one function each behind the CLI
// (`connections:add`, `connections:set`, `connections:revoke`) and the dashboard's connect forms and Disconnect,
// so none can skip the others' validation (known settings, required ones, the connector's rules).
import { UsageError } from '../errors.ts';
import { newId } from '../ids.ts';
import { PROVIDERS } from '../../shared/providers.ts';
import type { ConnectedOutput, Connector } from '../connectors/types.ts';
import type { Services } from '../services.ts';
import type { ConnectionRow } from '../store/types.ts';

/**
 * Refuses settings a connection of `provider` cannot have: `given` (what the caller names) only with the connector's
 * declared names; `all` (what the connection would hold) with every required one and passing `validateSettings`.
 */
function refuseSettings(connector: Connector, provider: string, given: Record<string, string>, all: Record<string, string>): void {
  const known = new Set([...connector.settings.secret, ...connector.settings.public]);
  for (const k of Object.keys(given)) if (!known.has(k)) throw new UsageError('unknown_setting', `"${k}" is not a ${provider} setting; use ${[...known].join(', ')}.`);
  for (const k of connector.settings.required) if (!all[k]) throw new UsageError('missing_setting', `${provider} needs --set ${k}=….`);
  const problems = connector.validateSettings?.(all) ?? [];
  if (problems.length) throw new UsageError('invalid_setting', problems.join(' '));
}

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
  refuseSettings(connector, provider, settings, settings);
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

/**
 * Changes settings of a connection of this account (`assay connections:set`, `lever:set`): each name must be one of
 * its connector's, and the settings it ends up with must pass the same checks as connections:add (required ones,
 * `validateSettings`, the rules across settings). An empty value removes the setting. Secrets are sealed; in one
 * unit of work the connector drops what the change makes stale (`settingsChanged`) and the audit entry names the
 * keys, never the values. Returns the connection as it is now.
 */
export async function updateConnectionSettings(svc: Services, accountId: string, id: string, values: Record<string, string>, actor: string): Promise<ConnectionRow> {
  const c = await svc.store.connections.get(accountId, id);
  if (!c) throw new UsageError('unknown_connection', `There is no connection ${id}.`);
  if (c.status === 'revoked') throw new UsageError('connection_revoked', `${c.id} was revoked; add a new connection instead.`);
  const connector = svc.connectors[c.provider];
  if (!connector) throw new UsageError('unknown_provider', `"${c.provider}" is not a provider this build knows.`);
  const keys = Object.keys(values);
  if (keys.length === 0) throw new UsageError('missing_option', 'Give at least one --set key=value.');
  return svc.store.transaction(async (tx) => {
    const cur = (await tx.connections.get(accountId, id))!;
    const secrets = { ...svc.box.openJson<Record<string, string>>(cur.secrets_enc) };
    const config = { ...cur.config } as Record<string, unknown>;
    for (const [k, value] of Object.entries(values)) {
      const into: Record<string, unknown> = connector.settings.secret.includes(k) ? secrets : config;
      if (value === '') delete into[k];
      else into[k] = value;
    }
    const names = [...connector.settings.secret, ...connector.settings.public];
    const all = Object.fromEntries(names.map((k) => [k, secrets[k] ?? config[k]]).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
    refuseSettings(connector, c.provider, values, all);
    await tx.connections.update(accountId, id, { config: config as ConnectionRow['config'], secrets_enc: svc.box.sealJson(secrets) });
    const now = (await tx.connections.get(accountId, id))!;
    await connector.settingsChanged?.(tx, now, keys);
    await tx.audit.add({ account_id: accountId, actor, action: 'connection.settings_changed', target: id, details: { provider: c.provider, keys } });
    return now;
  });
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
