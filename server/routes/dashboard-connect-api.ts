// The dashboard API's connect flows (registered by dashboard-api.ts, behind its login, same-origin and admin
// checks): Lever's Configure and its posting mapping page, and the StackOne / Recruitee partner settings form.
// The work is in server/dashboard/partner-connect.ts and the Lever connector (the functions the CLI uses).
import { Hono } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { listPostings, mapPosting } from '../connectors/lever/sync.ts';
import { DESCRIPTION_MAX, NAME_MAX } from '../connectors/recruitee/settings.ts';
import { connectLever, connectPartner, LOGO_KEY, LOGO_MAX_BYTES, type StoredLogo } from '../dashboard/partner-connect.ts';
import { ApiError, UsageError } from '../errors.ts';
import { errorResponses as errors } from '../http/openapi.ts';
import { valid } from '../http/validate.ts';
import type { Services } from '../services.ts';
import type { UserRow } from '../store/types.ts';
import { connectionFor, PackageId, PostingId, PostingSchema } from '../connectors/lever/routes.ts';

/** The partner form's body limit: the logo (base64, a third larger) and the text fields. */
export const CONNECT_FORM_MAX = Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 16 * 1024;

const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });
const cookie = [{ dashboardCookie: [] }];

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

/** The connect functions speak the CLI's UsageError; here it is the caller's input: a 400. */
async function asInput<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) throw new ApiError(400, err.code, err.message);
    throw err;
  }
}

export function dashboardConnectRoutes(svc: Services, api: Hono<{ Variables: { user: UserRow } }>): void {
  const actor = (u: UserRow) => `user:${u.id}`;

  api.post(
    '/connections/lever',
    describeRoute({
      summary: "Configure Lever: a pending connection and the consent URL (Lever's authorize page); after Accept, Lever sends the admin back to the mapping page",
      tags: ['dashboard'],
      security: cookie,
      responses: { 201: { description: 'Pending', content: json(v.object({ connection_id: v.string(), authorize_url: v.string() })) }, ...errors({ 400: ['invalid_setting', 'missing_setting', 'missing_option'], 403: ['not_in_plan'], 409: ['lever_unavailable', 'lever_connected'] }) },
    }),
    async (c) => c.json(await asInput(() => connectLever(svc, c.get('user').account_id, actor(c.get('user')), c.get('user').email)), 201),
  );

  for (const provider of ['stackone', 'recruitee'] as const) {
    api.post(
      `/connections/${provider}`,
      describeRoute({
        summary: `Connect ${provider === 'stackone' ? 'StackOne' : 'Recruitee'} with the partner settings form (codename, name, description, logo, static package id); answers, once, what to copy`,
        tags: ['dashboard'],
        security: cookie,
        responses: { 201: { description: 'Connected', content: json(PartnerSetupSchema) }, ...errors({
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

  const ConnectionQuery = v.object({ connection_id: v.optional(v.pipe(v.string(), v.regex(/^con_[0-9a-z]{8,40}$/, 'Not a connection id.'))) });
  api.get(
    '/lever/postings',
    describeRoute({
      summary: "The account's Lever postings with their mapped package, and the packages to map to (as `assay lever:postings`)",
      tags: ['dashboard'],
      security: cookie,
      responses: { 200: { description: 'Postings', content: json(v.object({ connection_id: v.string(), postings: v.array(PostingSchema), packages: v.array(v.object({ id: v.string(), name: v.string() })) })) }, ...errors({ 400: ['connection_ambiguous'], 404: ['lever_not_connected'], 409: ['connection_pending', 'connection_revoked'], 502: ['lever_unavailable'] }) },
    }),
    valid('query', ConnectionQuery),
    async (c) => {
      const accountId = c.get('user').account_id;
      const connection = await connectionFor(svc, accountId, c.req.valid('query').connection_id);
      const postings = await listPostings(svc, connection);
      const packages = (await svc.store.packages.list(accountId, { activeOnly: true })).map((p) => ({ id: p.id, name: p.name }));
      return c.json({ connection_id: connection.id, postings, packages });
    },
  );

  api.put(
    '/lever/postings/:id/mapping',
    describeRoute({
      summary: 'Map a Lever posting to a package (tag `assay:<package id>` on the posting), or unmap with `package_id: null` (as `assay lever:map`)',
      tags: ['dashboard'],
      security: cookie,
      responses: { 200: { description: 'The posting', content: json(v.object({ connection_id: v.string(), posting: PostingSchema })) }, ...errors({
        400: ['connection_ambiguous'],
        404: ['lever_not_connected', 'posting_unknown'],
        409: ['connection_pending', 'connection_revoked'],
        422: ['package_unknown', 'package_inactive', 'assessment_unpublished'],
        502: ['lever_unavailable'],
      }) },
    }),
    valid('param', v.object({ id: PostingId })),
    valid('json', v.strictObject({ package_id: v.nullable(PackageId), connection_id: v.optional(v.pipe(v.string(), v.regex(/^con_[0-9a-z]{8,40}$/, 'Not a connection id.'))) })),
    async (c) => {
      const user = c.get('user');
      const body = c.req.valid('json');
      const connection = await connectionFor(svc, user.account_id, body.connection_id);
      const posting = await mapPosting(svc, connection, c.req.valid('param').id, body.package_id, actor(user));
      return c.json({ connection_id: connection.id, posting });
    },
  );
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
