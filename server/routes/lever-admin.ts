// The JSON API behind the widget's Lever admin view: the account's Lever postings with their mapped
// package, and mapping a posting to a package. Widget session (Bearer), admin role only, scoped by the
// session's account — never by anything the caller names.
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { listPostings, mapPosting } from '../connectors/lever/postings.ts';
import { PROVIDER } from '../connectors/lever/settings.ts';
import { verifySessionToken, type WidgetSession } from '../context/session-token.ts';
import { ApiError } from '../errors.ts';
import { jsonBodyGuard } from '../http/middleware.ts';
import { valid } from '../http/validate.ts';
import { raises, SESSION_ERRORS } from '../http/error-codes.ts';
import { errorResponses as errors } from '../http/openapi.ts';
import type { Services } from '../services.ts';
import type { ConnectionRow } from '../store/types.ts';

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
      responses: { 200: { description: 'Postings', content: json(PostingListSchema) }, ...errors({ 400: ['connection_ambiguous'], 404: ['lever_not_connected'], 409: ['connection_pending', 'connection_revoked'], 502: ['lever_unavailable'] }) },
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
      responses: { 200: { description: 'The posting with its mapping', content: json(MappingResponse) }, ...errors({ 400: ['connection_ambiguous'], 404: ['lever_not_connected', 'posting_unknown'], 409: ['connection_pending', 'connection_revoked'], 422: ['package_unknown', 'package_inactive'], 502: ['lever_unavailable'] }) },
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
