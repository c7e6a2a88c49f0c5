// Lever's HTTP: the OAuth redirect target (partner route, /partner/lever/oauth/callback), the admin API
// (/api/lever/postings…), the dashboard's Configure and mapping page (dashboardRoutes) and onConnected, which
// starts the OAuth consent.
//
// The OAuth redirect target: one fixed redirect URI for every customer (Lever matches it exactly); the
// single-use state names the connection.
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { valid } from '../../http/validate.ts';
import { DASHBOARD_COOKIE, errorResponses } from '../../http/openapi.ts';
import { PackageId } from '../shared.ts';
import type { Services } from '../../services.ts';
import { completeAuthorization, redirectUri, startAuthorization } from './client.ts';
import { listPostings, mapPosting } from './sync.ts';
import { PROVIDER } from './settings.ts';
import { verifySessionToken, type WidgetSession } from '../../context/session-token.ts';
import { requireInPlanOf } from '../../accounts/settings.ts';
import { addConnection } from '../../dashboard/connections.ts';
import { ApiError, asInput } from '../../errors.ts';
import { jsonBodyGuard } from '../../http/middleware.ts';
import { raises, SESSION_ERRORS } from '../../http/error-codes.ts';
import type { ConnectionRow } from '../../store/types.ts';
import type { ConnectedOutput, DashboardApi } from '../types.ts';
import type { ConnectHow } from '../../dashboard/integrations.ts';

const Query = v.object({
  state: v.pipe(v.string(), v.minLength(10), v.maxLength(300)),
  code: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(2000))),
  error: v.optional(v.pipe(v.string(), v.maxLength(200))),
  error_description: v.optional(v.pipe(v.string(), v.maxLength(1000))),
});

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function leverPartnerRoutes(svc: Services) {
  const app = new Hono();
  app.get(
    '/oauth/callback',
    describeRoute({
      summary: "Lever's OAuth redirect: checks the single-use state, exchanges the code and activates the connection",
      tags: ['lever'],
      responses: {
        303: { description: 'Connected from the dashboard: on to its Lever mapping page' },
        200: { description: 'Connected (an HTML page for the person who consented)', content: { 'text/html': { schema: { type: 'string' } } } },
        ...errorResponses({ 400: ['oauth_state_invalid', 'lever_authorization_denied', 'invalid_query'], 409: ['connection_revoked'], 502: ['lever_token_exchange_failed'] }),
      },
    }),
    valid('query', Query),
    async (c) => {
      const connection = await completeAuthorization(svc, c.req.valid('query'));
      c.header('Cache-Control', 'no-store');
      // Started from the dashboard (Integrations → Lever → Configure): back to it, to map postings.
      if (connection.return_to === '/dashboard/integrations/lever') return c.redirect(connection.return_to, 303);
      return c.html(
        `<!doctype html><html lang="en"><meta charset="utf-8"><title>Lever connected</title><h1>Lever is connected</h1><p>Assay can now read your postings and stages and write results to Lever (connection ${esc(connection.id)}). You can close this window.</p></html>`,
      );
    },
  );
  return app;
}

// The JSON API behind the widget's Lever admin view: the account's Lever postings with their mapped
// package, and mapping a posting to a package. Widget session (Bearer), admin role only, scoped by the
// session's account — never by anything the caller names.

type Env = { Variables: { session: WidgetSession } };

const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });
const bearer = [{ bearerAuth: [] }];

const ConnectionId = v.pipe(v.string(), v.regex(/^con_[0-9a-z]{8,40}$/, 'Not a connection id.'));
export const PostingId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,100}$/, 'Not a Lever posting id.'));

export const PostingSchema = v.object({
  id: v.string(),
  text: v.string(),
  state: v.string(),
  team: v.nullable(v.string()),
  location: v.nullable(v.string()),
  url: v.nullable(v.string()),
  tags: v.array(v.string()),
  mapping: v.nullable(v.object({ package_id: v.string(), package_name: v.nullable(v.string()), package_active: v.boolean() })),
});
const PostingListSchema = v.object({
  connection_id: v.string(),
  postings: v.array(PostingSchema),
  packages: v.array(v.object({ id: v.string(), name: v.string() })),
});
const ListQuery = v.object({
  connection_id: v.optional(ConnectionId),
  state: v.optional(v.picklist(['published', 'internal', 'closed', 'draft', 'pending', 'rejected'])),
});
const MappingBody = v.strictObject({
  /** null removes the mapping (and our tag). */
  package_id: v.nullable(PackageId),
  connection_id: v.optional(ConnectionId),
});
const MappingResponse = v.object({ connection_id: v.string(), posting: PostingSchema });

function requireAdmin(svc: Services): MiddlewareHandler<Env> {
  const mw: MiddlewareHandler<Env> = async (c, next) => {
    const m = /^Bearer ([A-Za-z0-9._~+/=-]{10,4096})$/.exec(c.req.header('authorization') ?? '');
    if (!m) throw new ApiError(401, 'session_missing', 'Send the widget session token as "Authorization: Bearer <token>".');
    const session = await verifySessionToken(m[1]!, svc.sessionKey);
    if (session.role !== 'admin') throw new ApiError(403, 'role_not_allowed', `Only an ATS admin can map Lever postings to assessments; your role is ${session.role}.`);
    c.set('session', session);
    await next();
  };
  return raises(mw, { ...SESSION_ERRORS, 403: ['role_not_allowed'] });
}

/** The session account's Lever connection: the one named, or its only one. */
export async function connectionFor(svc: Services, accountId: string, id: string | undefined): Promise<ConnectionRow> {
  if (id) {
    const c = await svc.store.connections.get(accountId, id);
    if (!c || c.provider !== PROVIDER) throw new ApiError(404, 'lever_not_connected', 'No such Lever connection in this account.');
    return c;
  }
  const all = (await svc.store.connections.listByAccount(accountId)).filter((c) => c.provider === PROVIDER && c.status !== 'revoked');
  if (all.length === 0) throw new ApiError(404, 'lever_not_connected', 'This account has no Lever connection; ask your provider to connect Lever first.');
  if (all.length > 1) throw new ApiError(400, 'connection_ambiguous', 'This account has several Lever connections; pass connection_id.');
  return all[0]!;
}

/** The postings of the account's Lever connection (live from Lever) with their mapping, and the packages to map to. */
async function postingList(svc: Services, accountId: string, q: { connection_id?: string; state?: string }) {
  const connection = await connectionFor(svc, accountId, q.connection_id);
  const postings = await listPostings(svc, connection, { state: q.state });
  const packages = (await svc.store.packages.list(accountId, { activeOnly: true })).map((p) => ({ id: p.id, name: p.name }));
  return { connection_id: connection.id, postings, packages };
}

/** Maps a posting of the account's Lever connection to a package (null: unmaps it). */
async function setMapping(svc: Services, accountId: string, postingId: string, body: v.InferOutput<typeof MappingBody>, actor: string) {
  const connection = await connectionFor(svc, accountId, body.connection_id);
  return { connection_id: connection.id, posting: await mapPosting(svc, connection, postingId, body.package_id, actor) };
}

export function leverAdminApi(svc: Services) {
  const api = new Hono<Env>();
  api.use('*', jsonBodyGuard(4 * 1024));
  api.use('*', requireAdmin(svc));

  api.get(
    '/postings',
    describeRoute({
      summary: "The account's Lever postings, each with its mapped package (admin only)",
      description: 'Read live from Lever. `packages` lists the active packages a posting can be mapped to.',
      tags: ['lever'],
      security: bearer,
      responses: { 200: { description: 'Postings', content: json(PostingListSchema) }, ...errorResponses({ 400: ['connection_ambiguous'], 404: ['lever_not_connected'], 409: ['connection_pending', 'connection_revoked'], 502: ['lever_unavailable'] }) },
    }),
    valid('query', ListQuery),
    async (c) => c.json(await postingList(svc, c.get('session').accountId, c.req.valid('query'))),
  );

  api.put(
    '/postings/:id/mapping',
    describeRoute({
      summary: 'Map a Lever posting to a package, or remove the mapping with `package_id: null` (admin only)',
      description: "Adds the tag `assay:<package id>` to the posting and keeps every other tag; a candidate moved to the trigger stage on this posting is sent the package.",
      tags: ['lever'],
      security: bearer,
      responses: { 200: { description: 'The posting with its mapping', content: json(MappingResponse) }, ...errorResponses({ 400: ['connection_ambiguous'], 404: ['lever_not_connected', 'posting_unknown'], 409: ['connection_pending', 'connection_revoked'], 422: ['package_unknown', 'package_inactive'], 502: ['lever_unavailable'] }) },
    }),
    valid('param', v.object({ id: PostingId })),
    valid('json', MappingBody),
    async (c) => c.json(await setMapping(svc, c.get('session').accountId, c.req.valid('param').id, c.req.valid('json'), `ats:${c.get('session').sub}`)),
  );

  return api;
}

/** A new connection waits for the customer's consent in Lever: pending, with the authorize URL to open. */
export async function onConnected(svc: Services, connection: ConnectionRow): Promise<ConnectedOutput> {
  if (connection.status === 'active') await svc.store.transaction((tx) => tx.connections.update(connection.account_id, connection.id, { status: 'pending' }));
  const url = await startAuthorization(svc, connection);
  return {
    message: `Pending until a Lever super admin consents. Open (valid 30 minutes, once):\n${url}\nRedirect URI to register with Lever: ${redirectUri(svc)}`,
    output: { status: 'pending', authorize_url: url, redirect_uri: redirectUri(svc) },
  };
}

/** The dashboard's Configure (OAuth consent in Lever), once the provider's Lever app is configured. */
export const dashboardConnect = (svc: Services): ConnectHow => (svc.config.leverApp ? 'lever_oauth' : 'unavailable');

/** Lever: a pending connection with the provider's Lever app, and the consent URL that comes back to the mapping page. */
export async function connectLever(svc: Services, accountId: string, actor: string, adminEmail: string): Promise<{ connection_id: string; authorize_url: string }> {
  await requireInPlanOf(svc, accountId, PROVIDER);
  const app = svc.config.leverApp;
  if (!app) throw new ApiError(409, 'lever_unavailable', 'Connecting Lever is not available yet: your assessment provider has not set it up. Ask them to enable it.');
  const lever = (await svc.store.connections.listByAccount(accountId)).filter((c) => c.provider === PROVIDER && c.status !== 'revoked');
  if (lever.some((c) => c.status === 'active')) throw new ApiError(409, 'lever_connected', 'Lever is already connected. Disconnect it first to connect it again.');
  // A Configure that was not finished: the same connection gets a fresh consent link.
  let connection = lever.find((c) => c.status === 'pending');
  if (!connection) {
    // Lever requires a user to act as for posting tags and feedback: the admin who configures it (by e-mail, looked up in Lever).
    const settings: Record<string, string> = { client_id: app.clientId, client_secret: app.clientSecret, perform_as: adminEmail };
    if (app.apiUrl) settings.base_url = app.apiUrl;
    if (app.authUrl) settings.auth_url = app.authUrl;
    connection = (await addConnection(svc, { accountId, provider: PROVIDER, settings, actor })).connection;
  }
  return { connection_id: connection.id, authorize_url: await startAuthorization(svc, connection, { returnTo: '/dashboard/integrations/lever' }) };
}

/**
 * Lever in the dashboard's API (Connector.dashboardRoutes): Configure (POST /connections/lever: a pending
 * connection and the consent URL; after Accept, Lever sends the admin back to the mapping page) and that page's
 * postings and mapping, the same as the widget's admin API and `assay lever:postings` / `lever:map`.
 */
export function dashboardRoutes(svc: Services, api: DashboardApi): void {
  api.post(
    '/connections/lever',
    describeRoute({
      summary: "Configure Lever: a pending connection and the consent URL (Lever's authorize page); after Accept, Lever sends the admin back to the mapping page",
      tags: ['dashboard'],
      security: DASHBOARD_COOKIE,
      responses: { 201: { description: 'Pending', content: json(v.object({ connection_id: v.string(), authorize_url: v.string() })) }, ...errorResponses({ 400: ['invalid_setting', 'missing_setting', 'missing_option'], 403: ['not_in_plan'], 409: ['lever_unavailable', 'lever_connected'] }) },
    }),
    async (c) => c.json(await asInput(() => connectLever(svc, c.get('user').account_id, `user:${c.get('user').id}`, c.get('user').email)), 201),
  );

  api.get(
    '/lever/postings',
    describeRoute({
      summary: "The account's Lever postings with their mapped package, and the packages to map to (as `assay lever:postings`)",
      tags: ['dashboard'],
      security: DASHBOARD_COOKIE,
      responses: { 200: { description: 'Postings', content: json(PostingListSchema) }, ...errorResponses({ 400: ['connection_ambiguous'], 404: ['lever_not_connected'], 409: ['connection_pending', 'connection_revoked'], 502: ['lever_unavailable'] }) },
    }),
    valid('query', v.object({ connection_id: v.optional(ConnectionId) })),
    async (c) => c.json(await postingList(svc, c.get('user').account_id, c.req.valid('query'))),
  );

  api.put(
    '/lever/postings/:id/mapping',
    describeRoute({
      summary: 'Map a Lever posting to a package (tag `assay:<package id>` on the posting), or unmap with `package_id: null` (as `assay lever:map`)',
      tags: ['dashboard'],
      security: DASHBOARD_COOKIE,
      responses: { 200: { description: 'The posting', content: json(MappingResponse) }, ...errorResponses({
        400: ['connection_ambiguous'],
        404: ['lever_not_connected', 'posting_unknown'],
        409: ['connection_pending', 'connection_revoked'],
        422: ['package_unknown', 'package_inactive', 'assessment_unpublished'],
        502: ['lever_unavailable'],
      }) },
    }),
    valid('param', v.object({ id: PostingId })),
    valid('json', MappingBody),
    async (c) => c.json(await setMapping(svc, c.get('user').account_id, c.req.valid('param').id, c.req.valid('json'), `user:${c.get('user').id}`)),
  );
}
