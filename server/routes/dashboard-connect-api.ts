// The dashboard API's StackOne / Recruitee partner settings form (registered by dashboard-api.ts, behind its
// login, same-origin and admin checks), and the logos it uploads. The work is in server/dashboard/partner-connect.ts;
// Greenhouse's form and Lever's Configure and mapping page are their connectors' (`dashboardRoutes`).
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import { DESCRIPTION_MAX, NAME_MAX } from '../connectors/recruitee/settings.ts';
import { connectPartner, LOGO_KEY, LOGO_MAX_BYTES, type StoredLogo } from '../dashboard/partner-connect.ts';
import { ApiError, asInput } from '../errors.ts';
import { DASHBOARD_COOKIE, errorResponses as errors, jsonContent } from '../http/openapi.ts';
import { valid } from '../http/validate.ts';
import type { Services } from '../services.ts';
import type { UserRow } from '../store/types.ts';
import type { DashboardApi } from '../connectors/types.ts';
import { PackageId } from '../connectors/lever/routes.ts';

/** The partner form's body limit: the logo (base64, a third larger) and the text fields. */
export const CONNECT_FORM_MAX = Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 16 * 1024;

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

export function dashboardConnectRoutes(svc: Services, api: DashboardApi): void {
  const actor = (u: UserRow) => `user:${u.id}`;

  for (const provider of ['stackone', 'recruitee'] as const) {
    api.post(
      `/connections/${provider}`,
      describeRoute({
        summary: `Connect ${provider === 'stackone' ? 'StackOne' : 'Recruitee'} with the partner settings form (codename, name, description, logo, static package id); answers, once, what to copy`,
        tags: ['dashboard'],
        security: DASHBOARD_COOKIE,
        responses: { 201: { description: 'Connected', content: jsonContent(PartnerSetupSchema) }, ...errors({
          400: ['logo_empty', 'logo_too_large', 'logo_wrong_type', 'missing_setting', 'unknown_package', 'invalid_setting', 'missing_option'],
          403: ['not_in_plan'],
          409: [provider === 'stackone' ? 'stackone_unavailable' : 'recruitee_unavailable'],
        }) },
      }),
      valid('json', PartnerFormSchema),
      async (c) => {
        const f = c.req.valid('json');
        const form = { ...f, static_package_id: f.static_package_id || undefined, account_id: f.account_id || undefined, company_id: f.company_id || undefined };
        return c.json(await asInput(() => connectPartner(svc, c.get('user').account_id, provider, form, actor(c.get('user')))), 201);
      },
    );
  }
}

/** GET /partner/logos/<connection id>: the uploaded logo, public (Recruitee shows it on its marketplace). */
export function partnerLogos(svc: Services) {
  const app = new Hono();
  app.get('/:id', async (c) => {
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
