// Completes the generated OpenAPI document with what the routes share, so the document lists the answers the
// server really gives: one Error schema (the `{ error: { code, message } }` of server/errors.ts); on every
// operation each error status its middleware and handlers can answer, with the codes (`x-error-codes`, and the
// same list as an enum on `error.code`); 429 with Retry-After; 413 on every operation that takes a body.
// The codes come from the middleware that raises them (server/http/error-codes.ts `raises`) and from each
// route's describeRoute (`errorResponses`); test/integration/openapi-walk.test.ts checks every answer against it.
import type { Hono } from 'hono';
import { resolver } from 'hono-openapi';
import type { GenericSchema } from 'valibot';
import { chainErrors, mergeErrors, type ErrorCodes } from './error-codes.ts';
import { MAX_BODY_BYTES } from './middleware.ts';

type Response = { description?: string; content?: Record<string, { schema?: Record<string, unknown> }>; headers?: Record<string, unknown>; 'x-error-codes'?: string[] };
type Operation = { responses?: Record<string, Response> };
type Doc = { paths?: Record<string, Record<string, Operation>>; components?: Record<string, Record<string, unknown>> };

export const ERROR_SCHEMA = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
  required: ['error'],
} as const;

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** A JSON body of `schema`, for describeRoute's `content`. */
export const jsonContent = (schema: GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });
/** The dashboard's session cookie as an operation's `security`. */
export const DASHBOARD_COOKIE = [{ dashboardCookie: [] }];

const REASONS: Record<number, string> = {
  400: 'Bad request', 401: 'Not authenticated', 403: 'Not allowed', 404: 'Not found', 405: 'Method not allowed', 409: 'Conflict', 410: 'Gone',
  413: 'Body too large', 415: 'Unsupported media type', 422: 'Refused', 429: 'Too many requests', 502: 'Upstream failed', 503: 'Unavailable',
};

/** The house error answer for one status: the Error schema with `error.code` limited to these codes. */
function errorResponse(status: number, codes: readonly string[]): Response {
  const schema = codes.length
    ? { allOf: [ERROR_REF, { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string', enum: [...codes] } } } } }] }
    : ERROR_REF;
  const res: Response = {
    description: `${REASONS[status] ?? 'Error'}${codes.length ? `: ${codes.join(', ')}` : ''}`,
    content: { 'application/json': { schema } },
    'x-error-codes': [...codes],
  };
  if (status === 429) res.headers = { 'Retry-After': { description: 'Seconds until the limit resets.', schema: { type: 'integer', minimum: 1 } } };
  return res;
}

/** describeRoute responses for the errors a route's own handler raises, e.g. `errorResponses({ 404: ['not_found'] })`. */
export function errorResponses(codes: ErrorCodes): Record<number, Response> {
  return Object.fromEntries(Object.entries(codes).map(([s, c]) => [s, errorResponse(Number(s), c ?? [])]));
}

/** True for a response body in the house shape (ERROR_SCHEMA, or a validator's default rendered by hono-openapi), not a vendor's own. */
const isHouseError = (r: Response) => {
  const schema = r.content?.['application/json']?.schema as { $ref?: string; allOf?: unknown; properties?: { success?: unknown; error?: { properties?: { code?: unknown } } } } | undefined;
  return !r.content || !!schema?.properties?.error?.properties?.code || schema?.$ref === ERROR_REF.$ref || !!schema?.allOf || isValidatorDefault(schema);
};
/** hono-openapi's own 400 for a validator (`{ success, error[], data }`), which our valid() never sends. */
const isValidatorDefault = (schema: { properties?: { success?: unknown } } | undefined) => !!schema?.properties?.success;

/** Hono's route path as the document writes it: `/orders/:id` → `/orders/{id}`, no trailing slash. */
const docPath = (p: string) => p.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}').replace(/(.)\/$/, '$1');
/** Does a middleware's path (`/api/*`, `/orders`, `/:id/*`) cover a route's path? */
const covers = (pattern: string, path: string) => {
  const re = pattern
    .split(/(\/\*$|\*|:[A-Za-z0-9_]+(?:\{[^}]*\})?)/)
    .map((part) => (part === '/*' ? '(?:/.*)?' : part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`).test(path);
};

/** Per documented operation: the errors of every middleware and handler that runs for it, before its answer. */
function routeErrors(app: Hono<any, any, any>): Map<string, Record<number, string[]>> {
  const out = new Map<string, Record<number, string[]>>();
  const routes = app.routes;
  routes.forEach((r, i) => {
    if (r.method === 'ALL' || routes.findIndex((m) => m.method === r.method && m.path === r.path) !== i) return;
    const key = `${r.method.toLowerCase()} ${docPath(r.path)}`;
    // Hono runs every matching handler in the order registered: middleware whose path covers this route, then
    // the route's own handlers (validators, limits, the handler); a `use` registered after a route never runs.
    const last = routes.findLastIndex((m) => m.method === r.method && m.path === r.path);
    const chain = routes.slice(0, last + 1).filter((m) => (m.method === 'ALL' && covers(m.path, r.path)) || (m.method === r.method && m.path === r.path));
    out.set(key, chainErrors(chain.map((m) => m.handler), r.method));
  });
  return out;
}

export function completeDocument<T extends Doc>(doc: T, app?: Hono<any, any, any>): T {
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Error: ERROR_SCHEMA } };
  const derived = app ? routeErrors(app) : new Map<string, Record<number, string[]>>();
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      const responses = (op.responses ??= {});
      const fromMiddleware = derived.get(`${method} ${path}`) ?? {};
      if (['post', 'put', 'patch'].includes(method)) (fromMiddleware[413] ??= []).includes('body_too_large') || fromMiddleware[413]!.push('body_too_large');
      // A path parameter left empty (`/orders//cancel`) or holding a `/` matches no route: the app's notFound.
      if (path.includes('{')) (fromMiddleware[404] ??= []).includes('not_found') || fromMiddleware[404]!.push('not_found');
      const statuses = new Set([...Object.keys(fromMiddleware), ...Object.keys(responses).filter((s) => Number(s) >= 400)]);
      for (const s of statuses) {
        const given = responses[s];
        const codes = mergeErrors({ [s]: given?.['x-error-codes'] ?? [] }, { [s]: fromMiddleware[Number(s)] ?? [] })[Number(s)] ?? [];
        if (codes.length === 0 && (!given || isHouseError(given))) {
          delete responses[s]; // a status nothing on the way can answer (hono-openapi adds 400 for any validator)
        } else if (!given || isHouseError(given)) {
          const fresh = errorResponse(Number(s), codes);
          responses[s] = given?.description && given.description !== 'Error' && !given['x-error-codes'] ? { ...fresh, description: `${given.description}${codes.length ? ` (${codes.join(', ')})` : ''}` } : fresh;
        } else {
          // A vendor's own error body (Recruitee's `{ error: "<sentence>" }`): kept, with the codes behind it.
          given['x-error-codes'] = codes;
          if (s === '429') responses[s] = { ...given, headers: errorResponse(429, codes).headers };
        }
      }
      if (responses['413']) responses['413'].description = `${responses['413'].description} (at most ${MAX_BODY_BYTES} bytes on any operation; less where the operation says so), counted as it arrives`;
    }
  }
  return doc;
}
