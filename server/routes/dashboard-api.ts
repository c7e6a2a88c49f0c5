// The provider dashboard's JSON API under /api/dashboard: the strict session cookie (server/dashboard/
// session.ts), writes only from our own pages (Sec-Fetch-Site / Origin), every query scoped to the
// user's account, errors in the one shape. The work is done in server/dashboard/*, which the CLI shares.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { ORDER_SOURCES, ORDER_STATUSES } from '../../shared/api.ts';
import { cancelOrder, candidateFilters, listCandidates, resendOrder } from '../dashboard/candidates.ts';
import { revokeConnection } from '../dashboard/connections.ts';
import { checkConnection, CONNECT_HOW, listIntegrations, retryJob } from '../dashboard/integrations.ts';
import { CONNECT_FORM_MAX } from '../connectors/recruitee/routes.ts';
import { DASHBOARD_ROLES, requireAdmin, roleOf } from '../dashboard/roles.ts';
import { apiUser } from '../dashboard/session.ts';
import { registerTeamAndSettings } from './dashboard-team-api.ts';
import { settingsView } from '../accounts/settings.ts';
import { ApiError } from '../errors.ts';
import { fromOwnPages, jsonBodyGuard } from '../http/middleware.ts';
import { rateLimit } from '../http/rate-limit.ts';
import { valid } from '../http/validate.ts';
import { errorsOf, raises } from '../http/error-codes.ts';
import { errorResponses as errors } from '../http/openapi.ts';
import type { Services } from '../services.ts';
import type { UserRow } from '../store/types.ts';
import { jobRoutes } from './dashboard-jobs.ts';

type Env = { Variables: { user: UserRow } };

const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });
const cookie = [{ dashboardCookie: [] }];

// A real day only: Date.parse takes 2026-02-30 as 2 March, so the day must come back unchanged.
const isRealDay = (s: string) => {
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(s);
};
const Day = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-01-31.'), v.check(isRealDay, 'Not a real date.'));
const Id = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
export const CandidatesQuerySchema = v.strictObject({
  status: v.optional(v.picklist(ORDER_STATUSES, `Status must be one of ${ORDER_STATUSES.join(', ')}.`)),
  source: v.optional(v.picklist(ORDER_SOURCES, `Source must be one of ${ORDER_SOURCES.join(', ')}.`)),
  package_id: v.optional(Id(100)),
  job_id: v.optional(Id(200)),
  from: v.optional(Day),
  to: v.optional(Day),
  q: v.optional(v.pipe(v.string(), v.maxLength(200, 'Search for at most 200 characters.'))),
  cursor: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,200}$/, 'Not a page cursor.'))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'A number of rows, 1 to 100.'), v.transform(Number), v.minValue(1), v.maxValue(100))),
});

const CandidateOrderSchema = v.object({
  id: v.string(),
  status: v.picklist(ORDER_STATUSES),
  reason: v.nullable(v.string()),
  source: v.string(),
  candidate: v.object({ name: v.nullable(v.string()), email: v.nullable(v.string()), erased: v.boolean() }),
  package: v.object({ id: v.string(), name: v.string() }),
  job: v.object({ id: v.nullable(v.string()), name: v.nullable(v.string()) }),
  score: v.nullable(v.number()),
  band: v.nullable(v.string()),
  invited_at: v.nullable(v.string()),
  started_at: v.nullable(v.string()),
  completed_at: v.nullable(v.string()),
  created_at: v.string(),
  report_url: v.string(),
  can_resend: v.boolean(),
  can_cancel: v.boolean(),
});
const CandidatePageSchema = v.object({ orders: v.array(CandidateOrderSchema), next_cursor: v.nullable(v.string()) });
const Named = v.object({ id: v.string(), name: v.string() });
const FiltersSchema = v.object({ statuses: v.array(v.string()), sources: v.array(v.string()), packages: v.array(Named), jobs: v.array(Named) });
const MeSchema = v.object({ user: v.object({ id: v.string(), email: v.string(), name: v.string(), role: v.picklist(DASHBOARD_ROLES) }), account: v.object({ id: v.string(), name: v.string(), features: v.array(v.string()) }) });
const OrderParam = v.object({ id: v.pipe(v.string(), v.regex(/^ord_[0-9a-z]{8,40}$/, 'Not an order id.')) });

/** Refuses a write that does not come from our own pages (a cross-site form, a script on another origin). */
function sameOriginWrites(svc: Services): MiddlewareHandler {
  const publicOrigin = new URL(svc.config.publicUrl).origin;
  const mw: MiddlewareHandler = async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !fromOwnPages(c, publicOrigin)) {
      throw new ApiError(403, 'cross_origin', 'Changes can only be made from the dashboard itself.');
    }
    await next();
  };
  return raises(mw, (method) => (method === 'GET' ? {} : { 403: ['cross_origin'] }));
}

const actor = (c: Context<Env>) => `user:${c.get('user').id}`;
/** Ten a minute per account (the login middleware has set the user before any route runs). */
const perAccount = (svc: Services, name: string) => rateLimit(svc.store.limits, { name, limit: 10, windowMs: 60_000, key: (c) => (c.get('user') as UserRow).account_id });

export function dashboardApi(svc: Services) {
  const api = new Hono<Env>();
  // The partner settings form carries a logo: its own, larger limit (connectors/recruitee/routes.ts).
  const bodyGuard = jsonBodyGuard(16 * 1024);
  const formGuard = jsonBodyGuard(CONNECT_FORM_MAX);
  const guard: MiddlewareHandler<Env> = (c, next) => (/\/connections\/(stackone|recruitee)$/.test(c.req.path) ? formGuard(c, next) : bodyGuard(c, next));
  api.use('*', raises(guard, (method) => errorsOf(bodyGuard, method)));
  const login: MiddlewareHandler<Env> = async (c, next) => {
    c.header('Cache-Control', 'no-store');
    const me = await apiUser(svc, c);
    if (!me) throw new ApiError(401, 'login_required', 'Log in to the dashboard first.');
    c.set('user', me.user);
    await next();
  };
  api.use('*', raises(login, { 401: ['login_required'] }));
  api.use('*', sameOriginWrites(svc));
  // Every change is an admin's; members read (candidates, reports, integrations' state).
  const adminWrites: MiddlewareHandler<Env> = async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') requireAdmin(c.get('user'));
    await next();
  };
  api.use('*', raises(adminWrites, (method) => (method === 'GET' ? {} : { 403: ['admin_only'] })));

  api.get(
    '/me',
    describeRoute({ summary: 'The logged-in dashboard user and their account', tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Me', content: json(MeSchema) } } }),
    async (c) => {
      const user = c.get('user');
      const account = await svc.store.accounts.get(user.account_id);
      if (!account) throw new ApiError(401, 'login_required', 'The account of this login no longer exists.');
      return c.json({ user: { id: user.id, email: user.email, name: user.name, role: roleOf(user) }, account: { id: account.id, name: account.settings.company_name || account.name, features: settingsView(account).features } });
    },
  );

  api.get(
    '/candidates',
    describeRoute({
      summary: "One page of the account's orders from every source, newest first",
      description: 'Keyset pagination: pass `next_cursor` as `cursor` for the next page. `q` searches the candidate’s name and e-mail address.',
      tags: ['dashboard'],
      security: cookie,
      responses: { 200: { description: 'Orders', content: json(CandidatePageSchema) }, ...errors({ 400: ['invalid_query', 'invalid_cursor'] }) },
    }),
    valid('query', CandidatesQuerySchema),
    async (c) => c.json(await listCandidates(svc, c.get('user').account_id, c.req.valid('query'))),
  );

  api.get(
    '/candidates/filters',
    describeRoute({ summary: 'The choices of the Candidates filters', tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Filters', content: json(FiltersSchema) } } }),
    async (c) => c.json(await candidateFilters(svc, c.get('user').account_id)),
  );

  api.post(
    '/orders/:id/cancel',
    describeRoute({ summary: 'Cancel an open order', tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Order', content: json(v.object({ order: CandidateOrderSchema })) }, ...errors({ 404: ['not_found'], 409: ['order_not_cancellable', 'invalid_transition'] }) } }),
    valid('param', OrderParam),
    async (c) => c.json({ order: await cancelOrder(svc, c.get('user').account_id, c.req.valid('param').id, actor(c)) }),
  );

  api.post(
    '/orders/:id/resend',
    describeRoute({ summary: 'Send the invitation again (a new link; the old one stops working)', tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Order', content: json(v.object({ order: CandidateOrderSchema })) }, ...errors({ 404: ['not_found'], 409: ['order_not_resendable', 'invalid_transition'] }) } }),
    valid('param', OrderParam), // before the limit: a malformed id is a 400, never a 429
    perAccount(svc, 'dashboard-resend'),
    async (c) => c.json({ order: await resendOrder(svc, c.get('user').account_id, c.req.valid('param').id, actor(c)) }),
  );

  const JobSchema = v.object({ id: v.string(), kind: v.string(), status: v.picklist(['failing', 'dead']), attempts: v.number(), last_error: v.nullable(v.string()), order_id: v.nullable(v.string()), updated_at: v.string(), next_attempt_at: v.nullable(v.string()) });
  const CardSchema = v.object({
    provider: v.string(),
    state: v.picklist(['not_connected', 'connected', 'needs_attention']),
    connect: v.picklist(CONNECT_HOW),
    connections: v.array(v.object({ id: v.string(), status: v.string(), created_at: v.string(), last_webhook_at: v.nullable(v.string()), last_write_back_at: v.nullable(v.string()), jobs: v.array(JobSchema) })),
  });
  const ChecksSchema = v.object({ ok: v.boolean(), findings: v.array(v.object({ ok: v.boolean(), check: v.string(), message: v.string(), fix: v.optional(v.string()) })) });
  const ConnectionParam = v.object({ id: v.pipe(v.string(), v.regex(/^con_[0-9a-z]{4,40}$/, 'Not a connection id.')) });
  const JobParam = v.object({ id: v.pipe(v.string(), v.regex(/^job_[0-9a-z]{4,40}$/, 'Not a job id.')) });

  api.get(
    '/integrations',
    describeRoute({ summary: 'One card per provider: state, last webhook, last write-back, failing and dead jobs', tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Cards', content: json(v.object({ integrations: v.array(CardSchema) })) } } }),
    async (c) => c.json({ integrations: await listIntegrations(svc, c.get('user').account_id) }),
  );

  api.post(
    '/connections/:id/check',
    describeRoute({ summary: "Run the connection's checks (as `assay connections:check`)", tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Findings', content: json(ChecksSchema) }, ...errors({ 404: ['not_found'] }) } }),
    valid('param', ConnectionParam), // before the limit: a malformed id is a 400, never a 429
    perAccount(svc, 'dashboard-check'),
    async (c) => c.json(await checkConnection(svc, c.get('user').account_id, c.req.valid('param').id)),
  );

  api.post(
    '/jobs/:id/retry',
    describeRoute({ summary: 'Retry a dead outbox job (as `assay outbox:replay`)', tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Retried', content: json(v.object({ ok: v.boolean() })) }, ...errors({ 404: ['not_found'], 409: ['job_not_retryable'] }) } }),
    valid('param', JobParam),
    async (c) => {
      await retryJob(svc, c.get('user').account_id, c.req.valid('param').id, actor(c));
      return c.json({ ok: true });
    },
  );

  api.post(
    '/connections/:id/revoke',
    describeRoute({ summary: 'Disconnect: revoke a connection (as `assay connections:revoke`)', tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Revoked', content: json(v.object({ ok: v.boolean() })) }, ...errors({ 404: ['not_found'] }) } }),
    valid('param', ConnectionParam),
    async (c) => {
      const revoked = await revokeConnection(svc, c.get('user').account_id, c.req.valid('param').id, actor(c));
      if (!revoked || revoked.status === 'revoked') throw new ApiError(404, 'not_found', 'No such connection here, or it is already disconnected.');
      return c.json({ ok: true });
    },
  );

  jobRoutes(api, svc);

  // Each connector's own: its connect form and pages (Greenhouse's form, Lever's Configure and postings, the partner form).
  for (const connector of Object.values(svc.connectors)) connector.dashboardRoutes?.(svc, api);
  registerTeamAndSettings(api, svc); // Team and Settings (server/routes/dashboard-team-api.ts)

  return api;
}
