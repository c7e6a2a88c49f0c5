// Recruitee marketplace partner URLs (ats-native.md §3.3): Recruitee calls them with the customer's Bearer token.
// Recruitee sends no e-mail to the candidate: send_candidate places the order and we send the invitation.
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { safeEqual } from '../../crypto/secrets.ts';
import { ApiError } from '../../errors.ts';
import { placeOrder, REFUSAL_CODES } from '../../orders/place-order.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import { PROVIDER, settingsOf } from './settings.ts';
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
