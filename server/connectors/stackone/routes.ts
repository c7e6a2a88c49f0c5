// Our "Package's List Endpoint": StackOne POSTs here when a recruiter opens the picker in Recruitee.
import { Hono } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { safeEqual } from '../../crypto/secrets.ts';
import { ApiError } from '../../errors.ts';
import { randomToken } from '../../ids.ts';
import { partnerFormRoute, type PartnerVendorPart } from '../recruitee/routes.ts';
import type { DashboardApi } from '../types.ts';
import { errorResponses } from '../../http/openapi.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, PackageRow } from '../../store/types.ts';
import { hmacMatches } from '../shared.ts';
import { PROVIDER, settingsOf } from './settings.ts';
import { orderablePackages } from '../../orders/assessments.ts';
import type { ConnectHow } from '../../dashboard/integrations.ts';

const MAX_BYTES = 16 * 1024;
const CONNECTION_ID = /^con_[0-9a-z]{8,40}$/;

/** What StackOne sends: `{ "account_id": "…", "provider": "recruitee" }` (guide; not re-verified elsewhere). */
const PackageListRequest = v.looseObject({
  account_id: v.optional(v.nullable(v.union([v.pipe(v.string(), v.maxLength(200)), v.number()]))),
  provider: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(100)))),
});

/** "Must conform to the GET /ats/assessments/packages structure" (unified-apis.md §2.5). */
export const PackageListAnswerSchema = v.object({
  data: v.array(v.object({ id: v.string(), name: v.string(), description: v.nullable(v.string()) })),
  next: v.nullable(v.string()),
});
export type PackageListAnswer = v.InferOutput<typeof PackageListAnswerSchema>;

export function packageListAnswer(packages: PackageRow[]): PackageListAnswer {
  return { data: packages.map((p) => ({ id: p.id, name: p.name, description: p.description || null })), next: null };
}

/**
 * The key from `Authorization: Basic …`: StackOne's guide shows base64(api key); base64(key:) is accepted too.
 * UNCONFIRMED: which key StackOne sends (a partner key you enter, or your StackOne API key) is not documented;
 * partner_api_key holds whichever it is.
 */
export function basicKeyOf(header: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]{1,2048})\s*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  return decoded.endsWith(':') ? decoded.slice(0, -1) : decoded;
}

/** The connection a partner call names in its path, or a 404 that says nothing about other accounts. */
export async function partnerConnection(svc: Services, provider: string, connectionId: string): Promise<ConnectionRow> {
  if (!CONNECTION_ID.test(connectionId)) throw new ApiError(404, 'unknown_connection', 'No such connection.');
  const connection = await svc.store.connections.getById(connectionId);
  if (!connection || connection.provider !== provider) throw new ApiError(404, 'unknown_connection', 'No such connection.');
  if (connection.status !== 'active') throw new ApiError(403, 'connection_inactive', `This ${provider} connection is ${connection.status}; ask the provider to re-activate it.`);
  return connection;
}

const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });

export function stackOnePartnerRoutes(svc: Services): Hono {
  const app = new Hono();
  app.post(
    '/:connectionId/packages',
    describeRoute({
      summary: "StackOne's Package's List Endpoint: the account's active packages",
      description:
        'Called by StackOne when a recruiter is about to send a test. `Authorization: Basic base64(partner_api_key)` and `x-stackone-signature` (base64url HMAC-SHA256 of the raw body with the webhook secret) are required.',
      tags: ['partner'],
      responses: { 200: { description: 'Packages', content: json(PackageListAnswerSchema) }, ...errorResponses({ 400: ['malformed_json', 'invalid_body'], 401: ['partner_key_not_configured', 'auth_missing', 'auth_invalid', 'invalid_signature'], 403: ['connection_inactive', 'account_mismatch'], 404: ['unknown_connection'], 413: ['body_too_large'] }) },
    }),
    async (c) => {
      const connection = await partnerConnection(svc, PROVIDER, c.req.param('connectionId'));
      const s = settingsOf(svc, connection);
      const unauthorized = (code: string, message: string) => new ApiError(401, code, message, { 'WWW-Authenticate': 'Basic realm="assay-stackone"' });
      if (!s.partnerApiKey) throw unauthorized('partner_key_not_configured', "This connection has no partner_api_key, so StackOne's package-list calls cannot be accepted; use the static Package ID or add the key.");
      const given = basicKeyOf(c.req.header('authorization'));
      if (given === null) throw unauthorized('auth_missing', 'Send the partner API key as "Authorization: Basic base64(<key>)".');
      if (!safeEqual(given, s.partnerApiKey)) throw unauthorized('auth_invalid', 'The partner API key is not the one configured for this connection.');
      const len = Number(c.req.header('content-length') ?? '0');
      if (len > MAX_BYTES) throw new ApiError(413, 'body_too_large', `Request bodies may be at most ${MAX_BYTES} bytes.`);
      const raw = new Uint8Array(await c.req.arrayBuffer());
      if (raw.byteLength > MAX_BYTES) throw new ApiError(413, 'body_too_large', `Request bodies may be at most ${MAX_BYTES} bytes.`);
      // UNCONFIRMED: how StackOne computes x-stackone-signature on this call is not documented (§2.5 [NF]); we
      // assume the webhook scheme (base64url HMAC-SHA256 of the raw body, webhook signing secret).
      const sig = c.req.header('x-stackone-signature');
      if (!sig) throw new ApiError(401, 'invalid_signature', 'The x-stackone-signature header is missing.');
      if (!hmacMatches(s.webhookSecret, raw, sig, ['base64url'])) throw new ApiError(401, 'invalid_signature', 'The x-stackone-signature does not match the body.');
      let body: unknown = {};
      if (raw.byteLength > 0) {
        try {
          body = JSON.parse(new TextDecoder().decode(raw));
        } catch {
          throw new ApiError(400, 'malformed_json', 'The request body is not valid JSON.');
        }
      }
      const parsed = v.safeParse(PackageListRequest, body);
      if (!parsed.success) throw new ApiError(400, 'invalid_body', `Expected { "account_id", "provider" }: ${parsed.issues[0]!.message}`);
      const acct = parsed.output.account_id;
      if (acct !== undefined && acct !== null && s.accountId && String(acct) !== s.accountId)
        throw new ApiError(403, 'account_mismatch', `This endpoint belongs to StackOne account ${s.accountId}, not ${String(acct)}.`);
      const packages = await orderablePackages(svc.store, connection.account_id);
      return c.json(packageListAnswer(packages));
    },
  );
  return app;
}

/** The dashboard's partner settings form, once the provider's StackOne app is configured. */
export const dashboardConnect = (svc: Services): ConnectHow => (svc.config.stackoneApp ? 'partner_form' : 'unavailable');

/** StackOne's part of the partner form: the linked account, a static Package ID, and the secrets we make and show once. */
const stackOnePart: PartnerVendorPart = async (svc, accountId, form) => {
  const app = svc.config.stackoneApp;
  if (!app) throw new ApiError(409, 'stackone_unavailable', 'Connecting StackOne is not available yet: your assessment provider has not set it up. Ask them to enable it.');
  if (!form.account_id) throw new ApiError(400, 'missing_setting', 'Enter the StackOne account id of your linked Recruitee account.');
  if (form.static_package_id && !(await svc.store.packages.get(accountId, form.static_package_id))) throw new ApiError(400, 'unknown_package', 'Choose one of your packages as the static Package ID.');
  // UNCONFIRMED: StackOne's document does not say who makes the webhook's signing secret; we make it and show it.
  const shown = { external_trigger_token: null, webhook_secret: randomToken(24), partner_api_key: randomToken(24) };
  const settings: Record<string, string> = { api_key: app.apiKey, account_id: form.account_id, webhook_secret: shown.webhook_secret, partner_api_key: shown.partner_api_key };
  if (form.static_package_id) settings.static_package_id = form.static_package_id;
  if (app.baseUrl) settings.base_url = app.baseUrl;
  return { settings, shown };
};

/** StackOne in the dashboard's API (Connector.dashboardRoutes): the partner form (its Recruitee configuration asks the same profile). */
export const dashboardRoutes = (svc: Services, api: DashboardApi): void => partnerFormRoute(svc, api, PROVIDER, stackOnePart);
