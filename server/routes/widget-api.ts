import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { toJsonSchema } from '@valibot/to-json-schema';
import {
  isUsableEmail,
  CreateOrderSchema,
  IdempotencyKeySchema,
  OrderEnvelopeSchema,
  OrderListSchema,
  PackageListSchema,
  SessionRequestSchema,
  SessionSchema,
} from '../../shared/api.ts';
import { verifyContextToken, type VerifiedContext } from '../context/verify-context.ts';
import { exactOrigin, notAllowedMessage, originAllowed } from '../context/frame-origin.ts';
import { mintSessionToken, verifySessionToken, type WidgetSession } from '../context/session-token.ts';
import { sha256Hex } from '../crypto/secrets.ts';
import { ApiError, notFound } from '../errors.ts';
import { jsonBodyGuard } from '../http/middleware.ts';
import { raises, SESSION_ERRORS } from '../http/error-codes.ts';
import { errorResponses as errors } from '../http/openapi.ts';
import { memoryFile, sendDist, type DistFile } from '../http/static.ts';
import { valid } from '../http/validate.ts';
import { EMAIL_MISSING, placeOrder, REFUSAL_CODES, reissueInvitation } from '../orders/place-order.ts';
import { actor, undoCancel, transition, UNDO_CANCEL_WINDOW_MS } from '../orders/transition.ts';
import { toOrderJson } from '../orders/order-json.ts';
import type { Services } from '../services.ts';
import type { OrderRow, Repos } from '../store/types.ts';
import { clientAddress, rateLimit } from '../http/rate-limit.ts';

export type Env = { Variables: { session: WidgetSession } };

const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });
const bearer = [{ bearerAuth: [] }];

export function requireSession(svc: Services): MiddlewareHandler<Env> {
  const mw: MiddlewareHandler<Env> = async (c, next) => {
    const h = c.req.header('authorization') ?? '';
    const m = /^Bearer ([A-Za-z0-9._~+/=-]{10,4096})$/.exec(h);
    if (!m) throw new ApiError(401, 'session_missing', 'Send the widget session token as "Authorization: Bearer <token>".');
    c.set('session', await verifySessionToken(m[1]!, svc.sessionKey));
    await next();
  };
  return raises(mw, SESSION_ERRORS);
}

/** What a context token can be refused with (server/context/verify-context.ts). */
const CONTEXT_ERRORS = [
  'context_malformed', 'context_unknown_issuer', 'context_algorithm_not_allowed', 'context_key_mismatch', 'context_not_yet_valid', 'context_lifetime_too_long',
  'context_claims_invalid', 'context_expired', 'context_wrong_audience', 'context_signature_invalid', 'context_key_unknown', 'context_invalid',
];

/**
 * The frame's own account (what frame-ancestors was computed from) must be the context's, and the
 * page that framed it (the handshake's parent origin) must be one the context's account allows.
 */
function checkFraming(body: { parent?: string; account?: string; iss?: string }, account: VerifiedContext['account'], self: string[]) {
  if ((body.account && body.account !== account.id) || (body.iss && body.iss !== account.issuer)) {
    throw new ApiError(403, 'context_account_mismatch', 'This frame was opened for another Assay account than the context token belongs to.');
  }
  if (body.parent === undefined) return;
  const parent = exactOrigin(body.parent);
  if (!parent) throw new ApiError(400, 'invalid_parent', 'parent must be an origin like https://ats.example.com.');
  if (!self.includes(parent) && !originAllowed(parent, account.frame_origins)) throw new ApiError(403, 'frame_origin_not_allowed', notAllowedMessage(parent, account.id));
}

const ROLE_ERRORS = { 403: ['role_not_allowed'] } as const;
const canOrder = (s: WidgetSession) => {
  if (s.role === 'viewer') throw new ApiError(403, 'role_not_allowed', 'Your role in the ATS (viewer) can see assessments but not send or change them.');
};

export function widgetApi(svc: Services) {
  const api = new Hono<Env>();
  const packageLists = new Map<string, { version: number; file: DistFile }>();
  api.use('*', jsonBodyGuard(16 * 1024));

  api.post(
    '/session',
    describeRoute({
      summary: 'Exchange an ATS context token for a short-lived widget session token',
      tags: ['widget'],
      responses: { 200: { description: 'Session', content: json(SessionSchema) }, ...errors({ 400: ['invalid_parent'], 401: CONTEXT_ERRORS, 403: ['context_account_mismatch', 'frame_origin_not_allowed'], 503: ['context_keys_unavailable'] }) },
    }),
    valid('json', SessionRequestSchema), // before the limit: a malformed body is a 400, never a 429
    rateLimit(svc.store.limits, { name: 'session', limit: svc.config.sessionRatePerMin, windowMs: 60_000, key: (c) => clientAddress(c) }),
    async (c) => {
      const body = c.req.valid('json');
      const { account, claims } = await verifyContextToken(body.context, svc.store, svc.box);
      checkFraming(body, account, [new URL(c.req.url).origin, new URL(svc.config.publicUrl).origin]);
      const candidate = await svc.store.transaction((tx) =>
        tx.candidates.upsert({
          account_id: account.id,
          source: 'ats',
          external_id: claims.candidate.id,
          email: claims.candidate.email?.trim() || null,
          first_name: claims.candidate.first_name ?? null,
          last_name: claims.candidate.last_name ?? null,
          locale: claims.locale ?? null,
        }),
      );
      const locale = claims.locale ?? account.settings.locale ?? 'en';
      const session: WidgetSession = {
        accountId: account.id,
        applicationId: claims.application.id,
        candidateId: candidate.id,
        role: claims.role,
        sub: claims.sub,
        jobId: claims.job?.id ?? null,
        jobName: claims.job?.name ?? null,
        locale,
      };
      const { token, expiresAt } = await mintSessionToken(session, svc.sessionKey);
      const name = [candidate.first_name, candidate.last_name].filter(Boolean).join(' ') || null;
      return c.json({
        token,
        expires_at: new Date(expiresAt).toISOString(),
        account: { id: account.id, name: account.name },
        role: claims.role,
        candidate: { id: candidate.id, name, email: candidate.email },
        // What the server would refuse for any package, known now: the picker says it before Send.
        refusal: isUsableEmail(candidate.email) ? null : EMAIL_MISSING,
        application: { id: claims.application.id },
        job: { id: session.jobId, name: session.jobName },
        locale,
      });
    },
  );

  api.use('/packages', requireSession(svc));
  api.use('/orders', requireSession(svc));
  api.use('/orders/*', requireSession(svc));

  api.get(
    '/packages',
    describeRoute({ summary: "The account's active packages", tags: ['widget'], security: bearer, responses: { 200: { description: 'Packages', content: json(PackageListSchema) } } }),
    async (c) => {
      const s = c.get('session');
      // Cached per account as the bytes sent, beside the list's version (one point read; any write to the
      // account's packages, by any process or instance, changes it).
      const version = await svc.store.packages.listVersion(s.accountId);
      let hit = packageLists.get(s.accountId);
      if (!hit || hit.version !== version) {
        const rows = await svc.store.packages.list(s.accountId, { activeOnly: true });
        const body = JSON.stringify({ packages: rows.map((p) => ({ id: p.id, name: p.name, description: p.description, type: p.type, duration_minutes: p.duration_minutes })) });
        // Compressed and given its ETag once per version, not on every request.
        hit = { version, file: memoryFile(Buffer.from(body), 'application/json') };
        if (packageLists.size >= 10_000) packageLists.clear();
        packageLists.set(s.accountId, hit);
      }
      // Private: the list is the account's, fetched with its session (no shared cache may keep it).
      return sendDist(c, hit.file, { 'Cache-Control': 'private, no-cache' });
    },
  );

  api.get(
    '/orders',
    describeRoute({ summary: "Orders of the context's application, newest first", tags: ['widget'], security: bearer, responses: { 200: { description: 'Orders', content: json(OrderListSchema) } } }),
    async (c) => {
      const s = c.get('session');
      const rows = await svc.store.orders.listForWidget(s.accountId, s.applicationId);
      return c.json({ orders: rows.map((o) => toOrderJson(o, svc.config.publicUrl)) });
    },
  );

  api.post(
    '/orders',
    describeRoute({
      summary: "Order a package for the context's candidate and application",
      description: 'Honours `Idempotency-Key`: a replay returns the first order. Refusals are 422 with a sentence a recruiter can read.',
      tags: ['widget'],
      security: bearer,
      parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'Replays of the same request with the same key return the first order; an empty or malformed key is 400 invalid_idempotency_key.', schema: (({ $schema: _, ...schema }) => schema)(toJsonSchema(IdempotencyKeySchema)) as never }],
      responses: { 201: { description: 'Order created', content: json(OrderEnvelopeSchema) }, 200: { description: 'Idempotent replay', content: json(OrderEnvelopeSchema) }, ...errors({ 400: ['invalid_idempotency_key'], 401: ['session_invalid'], 403: ROLE_ERRORS[403], 404: ['not_found'], 422: ['idempotency_key_reused', ...REFUSAL_CODES] }) },
    }),
    valid('json', CreateOrderSchema),
    async (c) => {
      const s = c.get('session');
      canOrder(s);
      const { package_id, extra_time_percent = 0 } = c.req.valid('json');
      const keyRaw = c.req.header('idempotency-key');
      let key: string | null = null;
      if (keyRaw !== undefined) {
        const k = v.safeParse(IdempotencyKeySchema, keyRaw.replace(/^"(.*)"$/, '$1'));
        if (!k.success) throw new ApiError(400, 'invalid_idempotency_key', k.issues[0]!.message);
        key = `${s.sub}:${k.output}`;
      }
      const requestHash = sha256Hex(JSON.stringify([package_id, s.applicationId, s.candidateId, ...(extra_time_percent ? [extra_time_percent] : [])]));
      const outcome = await svc.store.transaction(async (tx) => {
        if (key) {
          const prior = await tx.idempotency.get(s.accountId, key);
          if (prior) {
            if (prior.request_hash !== requestHash) throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
            return { replay: true, orderId: prior.order_id };
          }
        }
        const account = await tx.accounts.get(s.accountId);
        if (!account) throw new ApiError(401, 'session_invalid', 'The account of this session no longer exists.');
        const cand = await tx.candidates.get(s.accountId, s.candidateId);
        if (!cand) throw new ApiError(401, 'session_invalid', 'The candidate of this session no longer exists.');
        const placed = await placeOrder(tx, svc.box, {
          account,
          source: 'widget',
          packageId: package_id,
          candidate: { externalId: cand.external_id, email: cand.email, firstName: cand.first_name, lastName: cand.last_name, locale: cand.locale ?? s.locale },
          applicationId: s.applicationId,
          job: { id: s.jobId, name: s.jobName },
          createdBy: s.sub,
          extraTimePercent: extra_time_percent,
          actor: actor.recruiter(s.sub),
        });
        if (placed.kind === 'refused') throw new ApiError(422, placed.refusal.code, placed.refusal.message);
        if (key) await tx.idempotency.put(s.accountId, key, requestHash, placed.order.id);
        return { replay: false, orderId: placed.order.id };
      });
      svc.outbox.wake();
      const view = await svc.store.orders.view(s.accountId, outcome.orderId);
      if (!view) throw notFound('order');
      return c.json({ order: toOrderJson(view, svc.config.publicUrl) }, outcome.replay ? 200 : 201);
    },
  );

  const IdParam = v.object({ id: v.pipe(v.string(), v.regex(/^ord_[0-9a-z]{8,40}$/, 'Not an order id.')) });
  // An order is the session's own when it is in the token's account and belongs to the session's application.
  const own = <T extends OrderRow>(s: WidgetSession, o: T | null): T => {
    if (!o || o.application_id !== s.applicationId) throw notFound('order');
    return o;
  };
  const loadOwn = async (s: WidgetSession, id: string) => own(s, await svc.store.orders.view(s.accountId, id));
  /** Runs `change` on the session's own order, read and written in one store transaction. */
  const changeOwn = (s: WidgetSession, id: string, change: (tx: Repos, o: OrderRow) => Promise<unknown>) =>
    svc.store.transaction(async (tx) => change(tx, own(s, await tx.orders.get(s.accountId, id))));

  api.get(
    '/orders/:id',
    describeRoute({ summary: 'One order', tags: ['widget'], security: bearer, responses: { 200: { description: 'Order', content: json(OrderEnvelopeSchema) }, ...errors({ 404: ['not_found'] }) } }),
    valid('param', IdParam),
    async (c) => {
      const o = await loadOwn(c.get('session'), c.req.valid('param').id);
      return c.json({ order: toOrderJson(o, svc.config.publicUrl) });
    },
  );

  api.post(
    '/orders/:id/cancel',
    describeRoute({ summary: 'Cancel a pending or in-progress order', tags: ['widget'], security: bearer, responses: { 200: { description: 'Order', content: json(OrderEnvelopeSchema) }, ...errors({ ...ROLE_ERRORS, 404: ['not_found'], 409: ['order_not_cancellable', 'invalid_transition'] }) } }),
    valid('param', IdParam),
    async (c) => {
      const s = c.get('session');
      canOrder(s);
      const id = c.req.valid('param').id;
      await changeOwn(s, id, async (tx, o) => {
        if (o.status === 'cancelled') return;
        if (o.status !== 'pending' && o.status !== 'in_progress') throw new ApiError(409, 'order_not_cancellable', `This order is ${o.status.replace('_', ' ')} and can no longer be cancelled.`);
        // Undoable: the link is kept (the candidate page says the test is no longer available) and the ATS is told
        // only once the undo window has passed; then the link is revoked for good.
        await transition(tx, o, 'cancelled', { reason: 'Cancelled by a recruiter.', actor: actor.recruiter(s.sub), undoable: true });
      });
      svc.outbox.wake();
      return c.json({ order: toOrderJson(await loadOwn(s, id), svc.config.publicUrl) });
    },
  );

  api.post(
    '/orders/:id/undo-cancel',
    describeRoute({
      summary: 'Undo a cancel: the order returns to the status it had',
      description: `Only within ${UNDO_CANCEL_WINDOW_MS / 1000} s of the cancel, while the candidate's link was kept; the ATS hears nothing of the cancel. Afterwards: 409 undo_not_possible.`,
      tags: ['widget'],
      security: bearer,
      responses: { 200: { description: 'Order', content: json(OrderEnvelopeSchema) }, ...errors({ ...ROLE_ERRORS, 404: ['not_found'], 409: ['undo_not_possible', 'invalid_transition'] }) },
    }),
    valid('param', IdParam),
    async (c) => {
      const s = c.get('session');
      canOrder(s);
      const id = c.req.valid('param').id;
      await changeOwn(s, id, (tx, o) => undoCancel(tx, o, { actor: actor.recruiter(s.sub) }));
      return c.json({ order: toOrderJson(await loadOwn(s, id), svc.config.publicUrl) });
    },
  );

  api.post(
    '/orders/:id/resend',
    describeRoute({ summary: 'Re-send the invitation (a new link; the old one stops working)', tags: ['widget'], security: bearer, responses: { 200: { description: 'Order', content: json(OrderEnvelopeSchema) }, ...errors({ ...ROLE_ERRORS, 404: ['not_found'], 409: ['order_not_resendable'] }) } }),
    valid('param', IdParam), // before the limit: a malformed id is a 400, never a 429, and costs nothing
    rateLimit(svc.store.limits, { name: 'resend', limit: 10, windowMs: 60_000, key: (c) => (c.get('session') as WidgetSession | undefined)?.accountId ?? 'anon' }),
    async (c) => {
      const s = c.get('session');
      canOrder(s);
      const id = c.req.valid('param').id;
      await changeOwn(s, id, async (tx, o) => {
        if (o.status !== 'pending' && o.status !== 'in_progress') throw new ApiError(409, 'order_not_resendable', `This order is ${o.status.replace('_', ' ')}; send a new test instead.`);
        const account = (await tx.accounts.get(s.accountId))!;
        await reissueInvitation(tx, svc.box, account, o);
        await tx.audit.add({ account_id: s.accountId, actor: `ats:${s.sub}`, action: 'order.resent', target: id, details: {} });
      });
      svc.outbox.wake();
      return c.json({ order: toOrderJson(await loadOwn(s, id), svc.config.publicUrl) });
    },
  );

  return api;
}
