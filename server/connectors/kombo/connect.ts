// Kombo Connect: a customer connects their ATS through a link we ask Kombo for; the integration Kombo
// creates is then bound to the account that asked (by our account id, sent as end_user_origin_id).
import { safeEqual } from '../../crypto/secrets.ts';
import { newId } from '../../ids.ts';
import type { Services } from '../../services.ts';
import type { AccountRow, ConnectionRow, Repos } from '../../store/types.ts';
import { KomboClient } from './client.ts';
import { enqueuePush } from './packages.ts';
import { baseUrlFrom, PROVIDER, settingsOf, validateSettings } from './settings.ts';

export class ConnectError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ConnectError';
  }
}

/**
 * Asks Kombo for a setup link for `account` and keeps a `pending` connection holding our Kombo
 * environment's key and secret; the integration is bound to it when Kombo reports it.
 */
export async function createConnectLink(
  svc: Services,
  input: { account: AccountRow; env: Record<string, string>; email: string; tool?: string | null; linkType: 'MAGIC_LINK' | 'EMBEDDED'; actor: string; language?: string },
): Promise<{ link: string; connection: ConnectionRow }> {
  const env = input.env;
  if (!env.api_key || !env.webhook_secret) {
    throw new ConnectError('kombo_not_configured', 'Kombo Connect needs our Kombo API key and webhook secret: set KOMBO_API_KEY and KOMBO_WEBHOOK_SECRET (and KOMBO_BASE_URL or KOMBO_REGION), or pass them with --set.');
  }
  const problems = validateSettings(env);
  if (problems.length) throw new ConnectError('invalid_setting', problems.join(' '));
  if (input.tool !== undefined && input.tool !== null && !/^[a-z0-9_]{2,50}$/.test(input.tool)) throw new ConnectError('invalid_tool', 'The ATS is given by its Kombo tool slug, e.g. recruitee or greenhouse.');
  const client = new KomboClient({ baseUrl: baseUrlFrom(env), apiKey: env.api_key });
  // Network first, then storage: never call out inside a transaction.
  const link = await client.createLink({
    end_user_email: input.email,
    end_user_organization_name: input.account.settings.company_name ?? input.account.name,
    end_user_origin_id: input.account.id,
    integration_category: 'ASSESSMENT',
    ...(input.tool ? { integration_tool: input.tool } : {}),
    link_type: input.linkType,
    ...(input.language ? { language: input.language } : {}),
  });
  const config: Record<string, unknown> = { tool: input.tool ?? null, invited: { email: input.email, link_type: input.linkType, at: new Date().toISOString() } };
  if (env.base_url) config.base_url = env.base_url;
  if (env.region) config.region = env.region;
  if (env.signature_encoding) config.signature_encoding = env.signature_encoding;
  const connection = await svc.store.transaction(async (tx) => {
    const c = await tx.connections.create({
      id: newId('con'),
      account_id: input.account.id,
      provider: PROVIDER,
      status: 'pending',
      config,
      secrets_enc: svc.box.sealJson({ api_key: env.api_key, webhook_secret: env.webhook_secret }),
    });
    await tx.audit.add({ account_id: input.account.id, actor: input.actor, action: 'connection.invited', target: c.id, details: { provider: PROVIDER, tool: input.tool ?? null, link_type: input.linkType } });
    return c;
  });
  return { link, connection };
}

export type BindResult =
  | { kind: 'bound'; connection: ConnectionRow }
  | { kind: 'already'; connection: ConnectionRow }
  | { kind: 'ignored'; reason: string };

/**
 * Binds a Kombo integration to the account whose id Kombo echoes as origin id, on that account's own
 * pending invitation, never by an organisation name. `sameEnvironmentAs` (the connection whose secret
 * verified the webhook) must share the pending connection's webhook secret, so one Kombo environment
 * can never bind into another's invitation. Queues the package push in the same transaction.
 */
export async function bindIntegration(
  svc: Services,
  input: { originId: string | null | undefined; integrationId: string; tool: string | null; via: string; sameEnvironmentAs?: ConnectionRow },
): Promise<BindResult> {
  const result = await svc.store.transaction((tx) => bindIntegrationInTx(svc, tx, input));
  if (result.kind === 'bound') svc.outbox.wake();
  return result;
}

/** bindIntegration inside the caller's transaction (the webhook's, which records the delivery in the same unit). */
export async function bindIntegrationInTx(
  svc: Services,
  tx: Repos,
  input: { originId: string | null | undefined; integrationId: string; tool: string | null; via: string; sameEnvironmentAs?: ConnectionRow },
): Promise<BindResult> {
  const originId = input.originId;
  if (!originId) return { kind: 'ignored', reason: 'the integration has no origin id, so it belongs to no account of ours' };
  const envSecret = input.sameEnvironmentAs ? settingsOf(svc, input.sameEnvironmentAs).webhookSecret : null;
  const all = await tx.connections.listByProvider(PROVIDER);
  const existing = all.find((c) => c.config.integration_id === input.integrationId && c.status !== 'revoked');
  if (existing) {
    if (existing.account_id !== originId) return { kind: 'ignored', reason: 'this integration is bound to another account already' };
    return { kind: 'already', connection: existing };
  }
  const account = await tx.accounts.get(originId);
  if (!account) return { kind: 'ignored', reason: 'no account has this origin id' };
  const pending = (await tx.connections.listByAccount(account.id))
    .filter((c) => c.provider === PROVIDER && c.status === 'pending' && !c.config.integration_id)
    .filter((c) => !c.config.tool || !input.tool || c.config.tool === input.tool)
    .filter((c) => envSecret === null || safeEqual(settingsOf(svc, c).webhookSecret, envSecret))
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
  const target = pending[0];
  if (!target) return { kind: 'ignored', reason: 'the account has no open Kombo invitation from this Kombo environment' };
  const config = { ...target.config, integration_id: input.integrationId, tool: input.tool ?? target.config.tool ?? input.integrationId.split(':')[0], bound: { at: new Date().toISOString(), via: input.via } };
  await tx.connections.update(account.id, target.id, { status: 'active', config });
  const bound: ConnectionRow = { ...target, status: 'active', config };
  await tx.audit.add({ account_id: account.id, actor: `kombo:${input.via}`, action: 'connection.bound', target: target.id, details: { provider: PROVIDER, integration_id: input.integrationId } });
  await enqueuePush(tx, bound);
  return { kind: 'bound', connection: bound };
}

/**
 * The embedded flow: Kombo's Connect SDK hands the browser a short-lived token; we ask Kombo which
 * integration it created and bind it only if Kombo says it was made for this very account.
 */
export async function activateEmbedded(svc: Services, account: AccountRow, token: string): Promise<BindResult & { integration_id?: string }> {
  const pending = (await svc.store.connections.listByAccount(account.id)).filter((c) => c.provider === PROVIDER && c.status !== 'revoked');
  const creds = pending.find((c) => c.status === 'pending') ?? pending[0];
  if (!creds) throw new ConnectError('no_invitation', 'Start with "Connect your ATS" first: there is no Kombo connection link for this account.');
  const s = settingsOf(svc, creds);
  const integ = await new KomboClient({ baseUrl: s.baseUrl, apiKey: s.apiKey }).integrationByToken(token);
  if (!integ) throw new ConnectError('token_invalid', 'Kombo does not know this setup token, or it has expired; run "Connect your ATS" again.');
  if (integ.end_user_origin_id !== account.id) throw new ConnectError('integration_not_yours', 'This integration was set up for another company, so it was not connected to yours.');
  const r = await bindIntegration(svc, { originId: account.id, integrationId: integ.id, tool: integ.tool, via: 'embedded', sameEnvironmentAs: creds });
  return { ...r, integration_id: integ.id };
}
