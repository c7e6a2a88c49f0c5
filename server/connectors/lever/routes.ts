// Lever's HTTP: the OAuth redirect target (partner route, /partner/lever/oauth/callback), the admin API
// (/api/lever/postings…) and onConnected, which starts the OAuth consent.
//
// The OAuth redirect target: one fixed redirect URI for every customer (Lever matches it exactly); the
// single-use state names the connection.
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { valid } from '../../http/validate.ts';
import { errorResponses } from '../../http/openapi.ts';
import type { Services } from '../../services.ts';
import { completeAuthorization, redirectUri, startAuthorization } from './client.ts';
import { listPostings, mapPosting } from './sync.ts';
import { PROVIDER } from './settings.ts';
import { verifySessionToken, type WidgetSession } from '../../context/session-token.ts';
import { ApiError } from '../../errors.ts';
import { jsonBodyGuard } from '../../http/middleware.ts';
import { raises, SESSION_ERRORS } from '../../http/error-codes.ts';
import type { ConnectionRow } from '../../store/types.ts';
import type { ConnectedOutput } from '../types.ts';
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
export const PackageId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'Not a package id.'));

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
    async (c) => {
      const s = c.get('session');
      const q = c.req.valid('query');
      const connection = await connectionFor(svc, s.accountId, q.connection_id);
      const postings = await listPostings(svc, connection, { state: q.state });
      const packages = (await svc.store.packages.list(s.accountId, { activeOnly: true })).map((p) => ({ id: p.id, name: p.name }));
      return c.json({ connection_id: connection.id, postings, packages });
    },
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
    async (c) => {
      const s = c.get('session');
      const body = c.req.valid('json');
      const connection = await connectionFor(svc, s.accountId, body.connection_id);
      const posting = await mapPosting(svc, connection, c.req.valid('param').id, body.package_id, `ats:${s.sub}`);
      return c.json({ connection_id: connection.id, posting });
    },
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
