// Recruitee marketplace partner URLs (ats-native.md §3.3): Recruitee calls them with the customer's Bearer token.
// Recruitee sends no e-mail to the candidate: send_candidate places the order and we send the invitation.
// Below: the dashboard's partner settings form (Recruitee's and StackOne's) and the logos it uploads.
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { safeEqual } from '../../crypto/secrets.ts';
import { requireInPlanOf } from '../../accounts/settings.ts';
import { addConnection } from '../../dashboard/connections.ts';
import { ApiError, asInput } from '../../errors.ts';
import { DASHBOARD_COOKIE, errorResponses, jsonContent } from '../../http/openapi.ts';
import { valid } from '../../http/validate.ts';
import { newId, randomToken } from '../../ids.ts';
import { placeOrder, REFUSAL_CODES } from '../../orders/place-order.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import { DESCRIPTION_MAX, NAME_MAX, PROVIDER, settingsOf } from './settings.ts';
import { PackageId } from '../shared.ts';
import type { DashboardApi, VendorSetupSection } from '../types.ts';
import { orderablePackages } from '../../orders/assessments.ts';
import type { ConnectHow } from '../../dashboard/integrations.ts';

const MAX_BYTES = 16 * 1024;
const CONNECTION_ID = /^con_[0-9a-z]{8,40}$/;

const IdLike = v.union([v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)), v.pipe(v.number(), v.integer(), v.minValue(0))]);
const Name = v.nullish(v.pipe(v.string(), v.maxLength(200)));

/** Recruitee's send_candidate body; the default partner inputs are first_name, last_name and email. */
export const SendCandidateSchema = v.looseObject({
  first_name: Name,
  last_name: Name,
  email: v.nullish(v.pipe(v.string(), v.maxLength(320))),
  candidate_id: IdLike,
  company_id: IdLike,
  report_id: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
  test_id: IdLike,
  test_name: Name,
});

const TestsSchema = v.array(v.object({ id: v.string(), name: v.string() }));
const SendAnswerSchema = v.object({ id: v.string(), status: v.string() });

const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });
/** Recruitee's error body (see recruiteeErrorBody below). */
const RecruiteeErrorSchema = v.object({ error: v.string() });
/** Refusals in Recruitee's body; `x-error-codes` names the cause behind each sentence (our usual code). */
const errors = (codes: Record<number, string[]>) =>
  Object.fromEntries(Object.entries(codes).map(([s, c]) => [s, { description: `Refused (${c.join(', ')})`, content: json(RecruiteeErrorSchema), 'x-error-codes': c }]));
const AUTH_ERRORS = { 401: ['token_missing', 'token_invalid'], 403: ['connection_inactive'], 404: ['unknown_connection'] };

async function authorise(svc: Services, connectionId: string, header: string | undefined): Promise<ConnectionRow> {
  if (!CONNECTION_ID.test(connectionId)) throw new ApiError(404, 'unknown_connection', 'No such connection.');
  const connection = await svc.store.connections.getById(connectionId);
  if (!connection || connection.provider !== PROVIDER) throw new ApiError(404, 'unknown_connection', 'No such connection.');
  const m = /^Bearer\s+(\S{1,1024})\s*$/i.exec(header ?? '');
  if (!m) throw new ApiError(401, 'token_missing', 'Send the integration token as "Authorization: Bearer <token>".');
  const { customerToken } = settingsOf(svc, connection);
  // 401 tells Recruitee the token is invalid (§3.3); an inactive connection is refused the same way.
  if (!customerToken || !safeEqual(m[1]!, customerToken)) throw new ApiError(401, 'token_invalid', 'The integration token is not valid; ask your assessment provider for a new one.');
  if (connection.status !== 'active') throw new ApiError(403, 'connection_inactive', `This integration is ${connection.status}; ask your assessment provider to re-activate it.`);
  return connection;
}

/**
 * Recruitee shows a partner's own refusal text only when the body is `{"error": "<string>"}`; any other 4xx body
 * becomes "There was a problem with the {partner.name} API" (https://docs.recruitee.com/reference-link/error-handling).
 * So these vendor-facing URLs answer a refusal as `{"error": "<the sentence the widget shows>"}` (the message of
 * our usual `{error: {code, message}}`), the one deliberate exception to the house error shape.
 */
const recruiteeErrorBody: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.status < 400 || c.res.status >= 500) return;
  const body = (await c.res.clone().json().catch(() => null)) as { error?: { message?: unknown } } | null;
  const message = body?.error?.message;
  if (typeof message !== 'string') return;
  const headers = new Headers(c.res.headers);
  headers.delete('content-length');
  c.res = new Response(JSON.stringify({ error: message }), { status: c.res.status, headers });
};

export function recruiteePartnerRoutes(svc: Services): Hono {
  const app = new Hono();
  app.use('*', recruiteeErrorBody);

  app.get(
    '/:connectionId/tests',
    describeRoute({
      summary: "Recruitee's tests URL: the account's active packages as [{ id, name }]",
      tags: ['partner'],
      responses: { 200: { description: 'Tests', content: json(TestsSchema) }, ...errors(AUTH_ERRORS) },
    }),
    async (c) => {
      const connection = await authorise(svc, c.req.param('connectionId'), c.req.header('authorization'));
      const packages = await orderablePackages(svc.store, connection.account_id);
      return c.json(packages.map((p) => ({ id: p.id, name: p.name })));
    },
  );

  app.post(
    '/:connectionId/send_candidate',
    describeRoute({
      summary: "Recruitee's send_candidate URL: order a test for a candidate and invite them",
      description: 'Recruitee has already created the report; `report_id` is the order key, so a repeated call never orders twice. Refusals are 422 `{"error": "<sentence>"}`, the body Recruitee shows to the recruiter as is.',
      tags: ['partner'],
      responses: { 201: { description: 'Order placed', content: json(SendAnswerSchema) }, 200: { description: 'Already placed', content: json(SendAnswerSchema) }, ...errors({ ...AUTH_ERRORS, 400: ['malformed_json', 'invalid_body'], 403: ['connection_inactive', 'company_mismatch'], 413: ['body_too_large'], 422: [...REFUSAL_CODES] }) },
    }),
    async (c) => {
      const connection = await authorise(svc, c.req.param('connectionId'), c.req.header('authorization'));
      const len = Number(c.req.header('content-length') ?? '0');
      if (len > MAX_BYTES) throw new ApiError(413, 'body_too_large', `Request bodies may be at most ${MAX_BYTES} bytes.`);
      const raw = await c.req.text();
      if (raw.length > MAX_BYTES) throw new ApiError(413, 'body_too_large', `Request bodies may be at most ${MAX_BYTES} bytes.`);
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        throw new ApiError(400, 'malformed_json', 'The request body is not valid JSON.');
      }
      const parsed = v.safeParse(SendCandidateSchema, body);
      if (!parsed.success) {
        const issue = parsed.issues[0]!;
        const path = (issue.path ?? []).map((p) => String(p.key)).join('.');
        throw new ApiError(400, 'invalid_body', `${path ? `"${path}": ` : ''}${issue.message}`);
      }
      const b = parsed.output;
      const s = settingsOf(svc, connection);
      if (s.companyId && String(b.company_id) !== s.companyId)
        throw new ApiError(403, 'company_mismatch', 'This integration token belongs to another Recruitee company.');
      const account = await svc.store.accounts.get(connection.account_id);
      if (!account) throw new ApiError(404, 'unknown_connection', 'No such connection.');
      const outcome = await svc.store.transaction(async (tx) => {
        const placed = await placeOrder(tx, svc.box, {
          account,
          source: 'recruitee',
          sourceOrderId: b.report_id,
          connectionId: connection.id,
          packageId: String(b.test_id),
          candidate: { externalId: String(b.candidate_id), email: b.email ?? null, firstName: b.first_name ?? null, lastName: b.last_name ?? null, locale: null },
          // UNCONFIRMED: send_candidate carries no application (placement) id; the report lives on the candidate's
          // profile, so the Recruitee candidate id is the application id the recruiter widget is opened with.
          applicationId: String(b.candidate_id),
          job: { id: null, name: null },
          createdBy: null,
          meta: { report_id: b.report_id, company_id: String(b.company_id), candidate_id: String(b.candidate_id) },
        });
        if (placed.kind === 'refused') throw new ApiError(422, placed.refusal.code, placed.refusal.message);
        return placed;
      });
      svc.outbox.wake();
      return c.json({ id: outcome.order.id, status: outcome.order.status }, outcome.kind === 'created' ? 201 : 200);
    },
  );

  return app;
}

/** The dashboard's partner settings form, once the provider's Recruitee partner is configured. */
export const dashboardConnect = (svc: Services): ConnectHow => (svc.config.recruiteePartner ? 'partner_form' : 'unavailable');

// The marketplace partner settings form of the dashboard (seed 001): codename, name, description, logo. Recruitee's
// own marketplace profile, which StackOne's Recruitee configuration form asks for too, so StackOne's connector uses
// it (partnerFormRoute) with its own part. Every connection is made by addConnection, the function `assay
// connections:add` uses, with the provider-wide credentials from server/config.ts — never asked of the customer.

/** Where the uploaded logo is kept (connector state of the connection) and served from. */
export const LOGO_KEY = 'partner_logo';
// UNCONFIRMED: neither StackOne nor Recruitee documents a logo limit; 100 KB keeps it a light image.
export const LOGO_MAX_BYTES = 100 * 1024;
/** The image types a logo may have, told by their first bytes (never by the name or the declared type alone). */
const LOGO_TYPES: { type: string; magic: (b: Buffer) => boolean }[] = [
  { type: 'image/png', magic: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/webp', magic: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];
export const LOGO_TYPE_NAMES = 'PNG, JPEG or WebP';

export interface StoredLogo {
  type: string;
  /** base64 */
  data: string;
}

/** The logo's bytes checked for size and type: a 400 with a sentence otherwise. */
export function checkLogo(logo: { type: string; data_base64: string }): StoredLogo {
  const bytes = Buffer.from(logo.data_base64, 'base64');
  if (bytes.byteLength === 0) throw new ApiError(400, 'logo_empty', 'The logo file is empty.');
  if (bytes.byteLength > LOGO_MAX_BYTES) throw new ApiError(400, 'logo_too_large', `The logo is ${Math.ceil(bytes.byteLength / 1024)} KB; it may be at most ${LOGO_MAX_BYTES / 1024} KB.`);
  const found = LOGO_TYPES.find((t) => t.magic(bytes));
  if (!found || found.type !== logo.type) throw new ApiError(400, 'logo_wrong_type', `The logo must be a ${LOGO_TYPE_NAMES} image.`);
  return { type: found.type, data: bytes.toString('base64') };
}

/** Public: the address Recruitee loads the logo from. */
export const logoUrl = (svc: Services, connectionId: string) => `${svc.config.publicUrl}/partner/logos/${connectionId}`;

/** The partner form's body limit: the logo (base64, a third larger) and the text fields. */
export const CONNECT_FORM_MAX = Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 16 * 1024;

export interface PartnerForm {
  codename: string;
  name: string;
  description: string;
  logo?: { type: string; data_base64: string };
  static_package_id?: string;
  /** StackOne: the linked account id from StackOne's Accounts page / Connector Hub. */
  account_id?: string;
  /** Recruitee: the company id from the Recruitee app's URL. */
  company_id?: string;
}

/** What the admin copies, shown once after saving (the tokens are sealed afterwards). */
export interface PartnerSetup {
  connection_id: string;
  provider: 'stackone' | 'recruitee';
  /** Recruitee: the External Trigger Token the customer pastes into Recruitee Marketplace → Integrate. */
  external_trigger_token: string | null;
  /** StackOne: the webhook's secret and the key StackOne sends to our package list. */
  webhook_secret: string | null;
  partner_api_key: string | null;
  logo_url: string | null;
  setup: VendorSetupSection[];
}

/** A vendor's part of the partner form: its settings beside the profile and what to show once (or a refusal, as ApiError). */
export type PartnerVendorPart = (svc: Services, accountId: string, form: PartnerForm) => Promise<{ settings: Record<string, string>; shown: Pick<PartnerSetup, 'external_trigger_token' | 'webhook_secret' | 'partner_api_key'> }>;

/** StackOne or Recruitee through the partner settings form; the rules are the connectors' own (validateSettings). */
export async function connectPartner(svc: Services, accountId: string, provider: PartnerSetup['provider'], form: PartnerForm, actor: string, vendor: PartnerVendorPart): Promise<PartnerSetup> {
  await requireInPlanOf(svc, accountId, provider);
  const id = newId('con');
  const logo = form.logo ? checkLogo(form.logo) : null;
  const profile: Record<string, string> = { codename: form.codename, partner_name: form.name, partner_description: form.description };
  if (logo) profile.partner_logo_url = logoUrl(svc, id);
  const { settings, shown } = await vendor(svc, accountId, form);
  const { connection } = await addConnection(svc, { accountId, provider, settings: { ...profile, ...settings }, actor, id, state: logo ? { [LOGO_KEY]: logo } : {} });
  const setup = (await svc.connectors[provider]?.vendorSetup?.(svc, connection)) ?? [];
  return { connection_id: connection.id, provider, ...shown, logo_url: logo ? logoUrl(svc, id) : null, setup };
}

const Text = (label: string, max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, `Enter the ${label}.`), v.maxLength(max, `The ${label} may have at most ${max} characters.`));
const PartnerFormSchema = v.strictObject({
  // The rule's own sentence (codenameProblem) is said by the connector's validateSettings.
  codename: v.pipe(v.string(), v.trim(), v.minLength(1, 'Enter the partner codename.'), v.maxLength(200, 'The partner codename is too long.')),
  name: Text('name', NAME_MAX),
  description: Text('description', DESCRIPTION_MAX),
  logo: v.optional(v.strictObject({ type: v.pipe(v.string(), v.maxLength(100)), data_base64: v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'The logo is not base64.')) })),
  static_package_id: v.optional(v.union([v.literal(''), PackageId])),
  account_id: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100))),
  company_id: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(18))),
});
const Section = v.object({ title: v.string(), where: v.string(), fields: v.array(v.object({ label: v.string(), value: v.nullable(v.string()), note: v.optional(v.string()) })) });
const PartnerSetupSchema = v.object({
  connection_id: v.string(),
  provider: v.picklist(['stackone', 'recruitee']),
  external_trigger_token: v.nullable(v.string()),
  webhook_secret: v.nullable(v.string()),
  partner_api_key: v.nullable(v.string()),
  logo_url: v.nullable(v.string()),
  setup: v.array(Section),
});

/** POST /api/dashboard/connections/<provider>: the partner form of StackOne or Recruitee (their dashboardRoutes). */
export function partnerFormRoute(svc: Services, api: DashboardApi, provider: PartnerSetup['provider'], vendor: PartnerVendorPart): void {
  api.post(
    `/connections/${provider}`,
    describeRoute({
      summary: `Connect ${provider === 'stackone' ? 'StackOne' : 'Recruitee'} with the partner settings form (codename, name, description, logo, static package id); answers, once, what to copy`,
      tags: ['dashboard'],
      security: DASHBOARD_COOKIE,
      responses: { 201: { description: 'Connected', content: jsonContent(PartnerSetupSchema) }, ...errorResponses({
        400: ['logo_empty', 'logo_too_large', 'logo_wrong_type', 'missing_setting', 'unknown_package', 'invalid_setting', 'missing_option'],
        403: ['not_in_plan'],
        409: [provider === 'stackone' ? 'stackone_unavailable' : 'recruitee_unavailable'],
      }) },
    }),
    valid('json', PartnerFormSchema),
    async (c) => {
      const f = c.req.valid('json');
      const form = { ...f, static_package_id: f.static_package_id || undefined, account_id: f.account_id || undefined, company_id: f.company_id || undefined };
      return c.json(await asInput(() => connectPartner(svc, c.get('user').account_id, provider, form, `user:${c.get('user').id}`, vendor)), 201);
    },
  );
}

/** Recruitee's part of the partner form: the External Trigger Token the customer pastes into Recruitee, our partner secret. */
const recruiteePart: PartnerVendorPart = async (svc, _accountId, form) => {
  const partner = svc.config.recruiteePartner;
  if (!partner) throw new ApiError(409, 'recruitee_unavailable', 'Connecting Recruitee is not available yet: your assessment provider has not set it up. Ask them to enable it.');
  const shown = { external_trigger_token: randomToken(24), webhook_secret: null, partner_api_key: null };
  const settings: Record<string, string> = { customer_token: shown.external_trigger_token, partner_secret: partner.partnerSecret };
  if (form.company_id) settings.company_id = form.company_id;
  if (partner.baseUrl) settings.base_url = partner.baseUrl;
  return { settings, shown };
};

/** Recruitee in the dashboard's API (Connector.dashboardRoutes): the partner form. */
export const dashboardRoutes = (svc: Services, api: DashboardApi): void => partnerFormRoute(svc, api, PROVIDER, recruiteePart);

/** GET /partner/logos/<connection id> (Connector.pageRoutes): the uploaded logo, public (Recruitee shows it on its marketplace). */
export function partnerLogos(svc: Services) {
  const app = new Hono();
  app.get('/partner/logos/:id', async (c) => {
    const id = c.req.param('id');
    const connection = /^con_[0-9a-z]{4,40}$/.test(id) ? await svc.store.connections.getById(id) : null;
    const logo = connection && connection.status !== 'revoked' ? await svc.store.connectorState.get<StoredLogo>(id, LOGO_KEY) : null;
    if (!logo) throw new ApiError(404, 'not_found', 'There is no such logo.');
    return c.body(Buffer.from(logo.data, 'base64'), 200, {
      'Content-Type': logo.type,
      'Cache-Control': 'public, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
    });
  });
  return app;
}
