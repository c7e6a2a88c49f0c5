import { ApiError, UsageError } from '../errors.ts';
import { addConnection, revokeConnection, updateConnectionSettings } from '../dashboard/connections.ts';
import { PROVIDER_LABELS, PROVIDERS, type Provider } from '../../shared/providers.ts';
import { webhookUrl } from '../connectors/shared.ts';
import type { Command, CommandContext } from './main.ts';
import type { Services } from '../services.ts';
import type { ConnectionRow } from '../store/types.ts';

/** A string option's trimmed value; a usage error when `required` and absent. */
export const str = (ctx: CommandContext, name: string, required = false): string | undefined => {
  const val = ctx.args[name];
  if (typeof val === 'string' && val.trim() !== '') return val.trim();
  if (required) throw new UsageError('missing_option', `--${name} is required.`);
  return undefined;
};

export const parseSettings = (ctx: CommandContext): Record<string, string> => {
  const raw = ctx.args.set;
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const out: Record<string, string> = {};
  for (const item of items) {
    const i = item.indexOf('=');
    if (i < 1) throw new UsageError('invalid_setting', `--set takes key=value, not "${item}".`);
    out[item.slice(0, i).trim()] = item.slice(i + 1);
  }
  return out;
};

/** Public view of a connection: settings by name, secrets only as "set". */
export function describeConnection(svc: Services, c: ConnectionRow) {
  const secrets = svc.box.openJson<Record<string, string>>(c.secrets_enc);
  return {
    connection_id: c.id,
    account_id: c.account_id,
    provider: c.provider,
    status: c.status,
    webhook_url: webhookUrl(svc, c),
    settings: c.config,
    secrets: Object.fromEntries(Object.keys(secrets).map((k) => [k, 'set'])),
    created_at: c.created_at,
  };
}

/**
 * The connection a command names (`<connection-id>` or `--connection`). With `provider` (a connector's own command) it
 * must be one of that provider's: otherwise a usage error `not_<provider>` saying what it is instead. `active` also
 * refuses a revoked one.
 */
export async function loadConnection(ctx: CommandContext, svc: Services, opts: { provider?: Provider; active?: boolean } = {}): Promise<ConnectionRow> {
  const id = ctx.positionals[0] ?? (typeof ctx.args.connection === 'string' ? ctx.args.connection : undefined);
  if (!id) throw new UsageError('missing_connection', 'Name the connection, e.g. con_abc123 (see connections:list).');
  const c = await svc.store.connections.getById(id);
  if (!c) throw new UsageError('unknown_connection', `There is no connection ${id}.`);
  const { provider } = opts;
  if (provider && c.provider !== provider) {
    const theirs = PROVIDER_LABELS[c.provider as Provider] ?? c.provider;
    throw new UsageError(`not_${provider}`, `${c.id} is a ${theirs} connection, not a ${PROVIDER_LABELS[provider]} one.`);
  }
  if (opts.active && c.status === 'revoked') throw new UsageError('connection_revoked', `${c.id} was revoked; add a new connection instead.`);
  return c;
}

/** ApiErrors of the code the dashboard shares read the same on the command line: 4xx → usage error, 5xx → failure. */
async function asCli<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError) {
      if (err.status < 500) throw new UsageError(err.code, err.message);
      throw new Error(`${err.code}: ${err.message}`);
    }
    throw err;
  }
}

/**
 * A command about one connection (`<connection-id>`), generic or a connector's own (its cli.ts, with `provider` and
 * perhaps `active`: see loadConnection): `run` gets the services and the connection, and its ApiErrors read as
 * usage errors (asCli). No command repeats the opening.
 */
export function connectionCommand(
  spec: Omit<Command, 'run'> & { provider?: Provider; active?: boolean; run(ctx: CommandContext, svc: Services, connection: ConnectionRow): Promise<void> },
): Command {
  const { provider, active, run, ...command } = spec;
  return {
    ...command,
    async run(ctx) {
      const svc = await ctx.svc();
      const connection = await loadConnection(ctx, svc, { provider, active });
      await asCli(() => run(ctx, svc, connection));
    },
  };
}

/**
 * `connections:set`, or with `provider` a connector's own `<provider>:set` (lever:set) for its connections only:
 * one command, calling the one settings change (`updateConnectionSettings`).
 */
export function setSettingsCommand(provider?: Provider): Command {
  const whose = provider ? `a ${PROVIDER_LABELS[provider]} connection` : 'a connection';
  return connectionCommand({
    provider,
    summary: `Change settings of ${whose} (secret ones are sealed and printed only as "set"; an empty value removes one).`,
    usage: '<connection-id> --set key=value …',
    details: "Keys are the provider's settings as connections:add takes them (API.md \"Connections\"); the connection's settings afterwards are checked as connections:add checks them.",
    options: { set: { type: 'string', multiple: true } },
    async run(ctx, svc, c) {
      const values = parseSettings(ctx);
      const now = await updateConnectionSettings(svc, c.account_id, c.id, values, 'cli');
      ctx.out(`Updated ${Object.keys(values).join(', ')} on ${c.id}.`, describeConnection(svc, now));
    },
  });
}

export const connectionCommands: Record<string, Command> = {
  'connections:add': {
    summary: 'Connect an account to an ATS or unified API; prints the webhook URL to paste into the vendor.',
    usage: `--account <id> --provider ${PROVIDERS.join('|')} --set key=value …`,
    details: 'Settings use the vendor\'s words (API.md): e.g. kombo: api_key, integration_id, webhook_secret, base_url. Secret settings are encrypted at rest.',
    options: { account: { type: 'string' }, provider: { type: 'string' }, set: { type: 'string', multiple: true } },
    async run(ctx) {
      const accountId = typeof ctx.args.account === 'string' ? ctx.args.account : undefined;
      const provider = typeof ctx.args.provider === 'string' ? ctx.args.provider : undefined;
      if (!accountId) throw new UsageError('missing_option', '--account is required.');
      if (!provider) throw new UsageError('missing_option', `--provider is required (${PROVIDERS.join(', ')}).`);
      const settings = parseSettings(ctx);
      const svc = await ctx.svc();
      // The same function the dashboard's connect forms call (server/dashboard/connections.ts).
      const { connection: conn, after } = await addConnection(svc, { accountId, provider, settings, actor: 'cli' });
      const d = { ...describeConnection(svc, conn), ...(after?.output ?? {}) };
      ctx.out(`Connected ${accountId} to ${provider}: ${conn.id}\nWebhook URL: ${d.webhook_url}${after?.message ? `\n${after.message}` : ''}`, d);
    },
  },

  'connections:set': setSettingsCommand(),

  'connections:list': {
    summary: 'List connections, optionally of one account.',
    usage: '[--account <id>]',
    options: { account: { type: 'string' } },
    async run(ctx) {
      const svc = await ctx.svc();
      const accountId = typeof ctx.args.account === 'string' ? ctx.args.account : undefined;
      const rows = accountId
        ? await svc.store.connections.listByAccount(accountId)
        : (await Promise.all(PROVIDERS.map((p) => svc.store.connections.listByProvider(p)))).flat();
      const out = rows.map((c) => describeConnection(svc, c));
      ctx.out(out.map((c) => `${c.connection_id}  ${c.provider.padEnd(10)} ${c.status.padEnd(8)} ${c.account_id}`).join('\n') || 'No connections.', { connections: out });
    },
  },

  'connections:revoke': connectionCommand({
    summary: 'Revoke a connection: nothing more is processed or written, its OAuth tokens are deleted, later webhooks are refused with 410 (remove the webhook in the vendor).',
    usage: '<connection-id>',
    options: {},
    async run(ctx, svc, c) {
      // The same function as the dashboard's Disconnect (server/dashboard/connections.ts).
      await revokeConnection(svc, c.account_id, c.id, 'cli');
      // UNCONFIRMED: Lever (Auth0) may offer token revocation at {auth_url}/oauth/revoke; we only forget our copy.
      ctx.out(`Revoked ${c.id} (${c.provider}). Its tokens are deleted; webhooks for it are refused with 410 connection_revoked; remove the webhook in ${c.provider}.`, { connection_id: c.id, provider: c.provider, status: 'revoked' });
    },
  }),
};
