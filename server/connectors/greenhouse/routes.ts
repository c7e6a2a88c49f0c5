// Greenhouse Assessment Partner API, the side Greenhouse calls (contracts/ats-native.md §1.1):
//   GET  /:connectionId/list_tests      → [{ partner_test_id, partner_test_name }]   (our active packages)
//   POST /:connectionId/send_test       → { partner_interview_id }                   (an order + its invitation)
//   GET  /:connectionId/test_status?partner_interview_id=…  → { partner_status, partner_profile_url, partner_score, metadata }
//   POST /:connectionId/response_error  → 200 { status: 200 }                        (Greenhouse found our answer malformed)
// Every call carries `Authorization: Basic base64("<partner_api_key>:")`; the key identifies the tenant.
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { readResultSummary, roundPercent } from '../../../shared/result/summary.ts';
import { safeEqual } from '../../crypto/secrets.ts';
import { requireInPlanOf } from '../../accounts/settings.ts';
import { addConnection } from '../../dashboard/connections.ts';
import { ApiError, asInput, UsageError } from '../../errors.ts';
import { randomToken } from '../../ids.ts';
import { jsonBodyGuard } from '../../http/middleware.ts';
import { valid } from '../../http/validate.ts';
import { raises, remapsStatus } from '../../http/error-codes.ts';
import { DASHBOARD_COOKIE, errorResponses, jsonContent } from '../../http/openapi.ts';
import { reportUrl } from '../../orders/order-json.ts';
import { placeOrder, REFUSAL_CODES } from '../../orders/place-order.ts';
import type { Services } from '../../services.ts';
import type { AccountRow, ConnectionRow, OrderView } from '../../store/types.ts';
import { ghMeta, idsFromProfileUrl, trackCandidate, withGhMeta } from './client.ts';
import { PROVIDER, settingsOf } from './settings.ts';
import { orderablePackages } from '../../orders/assessments.ts';
import type { ConnectedOutput, DashboardApi, VendorSetupSection } from '../types.ts';
import { partnerUrl, webhookUrl } from '../shared.ts';
import type { ConnectHow } from '../../dashboard/integrations.ts';

type Env = { Variables: { connection: ConnectionRow; account: AccountRow } };

const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });
/** A route's own refusals: every one but 401 is answered 404 here (onlyDocumentedRefusals). */
const errors = (...codes: string[]) => errorResponses({ 404: codes });
/** Documented in each route: Greenhouse authenticates with `Authorization: Basic base64("<partner_api_key>:")`. */
const AUTH = ' Greenhouse authenticates with HTTP Basic: the partner_api_key as user name, empty password.';

const name = v.nullish(v.pipe(v.string(), v.maxLength(200)));
// Greenhouse may add properties but never removes or changes them: loose objects.
export const SendTestSchema = v.looseObject({
  // [I] documented as String; old examples sent numbers, so both are accepted
  partner_test_id: v.union([v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)), v.pipe(v.number(), v.integer(), v.transform(String))], 'partner_test_id must be the id of one of our tests.'),
  candidate: v.looseObject({
    first_name: name,
    last_name: name,
    preferred_name: name,
    email: v.nullish(v.pipe(v.string(), v.maxLength(320))),
    phone_number: v.nullish(v.pipe(v.string(), v.maxLength(100))),
    resume_url: v.nullish(v.pipe(v.string(), v.maxLength(4000))),
    greenhouse_profile_url: v.nullish(v.pipe(v.string(), v.maxLength(2000))),
  }),
  sent_by: v.nullish(v.pipe(v.string(), v.maxLength(320))),
  url: v.pipe(v.string('url must be the take-home test URL Greenhouse will accept our PATCH on.'), v.trim(), v.maxLength(2000), v.url('url must be an absolute URL.')),
});
const TestListSchema = v.array(v.object({ partner_test_id: v.string(), partner_test_name: v.string() }));
const SendTestAnswerSchema = v.object({ partner_interview_id: v.string() });
const TestStatusQuery = v.object({ partner_interview_id: v.pipe(v.string('partner_interview_id is required.'), v.trim(), v.minLength(1, 'partner_interview_id is required.'), v.maxLength(200)) });
const TestStatusSchema = v.object({
  partner_status: v.string(),
  partner_profile_url: v.nullable(v.string()),
  partner_score: v.nullable(v.number()),
  metadata: v.nullable(v.record(v.string(), v.union([v.string(), v.number(), v.boolean(), v.null()]))),
});
const ResponseErrorSchema = v.looseObject({
  api_call: v.pipe(v.string(), v.maxLength(100)),
  errors: v.array(v.pipe(v.string(), v.maxLength(2000))),
  partner_test_id: v.nullish(v.union([v.string(), v.number()])),
  partner_test_name: v.nullish(v.string()),
  partner_interview_id: v.nullish(v.union([v.string(), v.number()])),
  candidate_email: v.nullish(v.string()),
});

/** The Basic-auth user, when the header is Basic at all. */
function basicUser(header: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? decoded : decoded.slice(0, i);
}

function authenticate(svc: Services): MiddlewareHandler<Env> {
  const mw: MiddlewareHandler<Env> = async (c, next) => {
    const id = c.req.param('connectionId') ?? '';
    if (!/^con_[0-9a-z]{8,40}$/.test(id)) throw new ApiError(404, 'unknown_connection', 'No such connection.');
    const connection = await svc.store.connections.getById(id);
    if (!connection || connection.provider !== PROVIDER || connection.status === 'revoked') throw new ApiError(404, 'unknown_connection', 'No such connection.');
    const key = settingsOf(svc, connection).partnerApiKey;
    const user = basicUser(c.req.header('authorization'));
    if (!key || user === null || !safeEqual(user, key)) {
      throw new ApiError(401, 'invalid_api_key', 'Send the API key you were given as the Basic-auth user name (empty password).', { 'WWW-Authenticate': 'Basic realm="assay"' });
    }
    const account = await svc.store.accounts.get(connection.account_id);
    if (!account) throw new ApiError(404, 'unknown_connection', 'No such connection.');
    c.set('connection', connection);
    c.set('account', account);
    await next();
  };
  return raises(mw, { 401: ['invalid_api_key'], 404: ['unknown_connection'] });
}

/** The take-home-test URL must be Greenhouse's (or the host of the configured Harvest base_url), since we PATCH it with the key. */
function patchUrlAllowed(url: string, baseUrl: string): boolean {
  try {
    const u = new URL(url);
    const base = new URL(baseUrl);
    if (u.username || u.password) return false;
    // UNCONFIRMED: Greenhouse hosts the URL on app.greenhouse.io (app.eu.greenhouse.io for EU tenants)
    if (u.protocol === 'https:' && (u.hostname === 'greenhouse.io' || u.hostname.endsWith('.greenhouse.io'))) return true;
    return u.host === base.host && u.protocol === base.protocol;
  } catch {
    return false;
  }
}

const ACTIVE = new Set(['pending', 'in_progress']);

/**
 * Greenhouse documents only 401 and 404 for unsuccessful partner calls ("Unsuccessful requests should generate
 * … one of" 401 / 404: greenhouse-api-docs source/includes/assessment/_errors.md); any other refusal (a bad
 * body, an unknown test, a refused order) answers 404 with our error body, its code and message unchanged.
 */
const onlyDocumented = (s: number) => (s >= 400 && s < 500 && s !== 401 && s !== 404 ? 404 : s);
const onlyDocumentedRefusals: MiddlewareHandler<Env> = remapsStatus(async (c, next) => {
  await next();
  const s = c.res.status;
  if (onlyDocumented(s) !== s) c.res = new Response(c.res.body, { status: onlyDocumented(s), headers: c.res.headers });
}, onlyDocumented);

export function partnerRoutes(svc: Services): Hono<Env> {
  const app = new Hono<Env>();
  app.use('/:connectionId/*', onlyDocumentedRefusals);
  app.use('/:connectionId/*', authenticate(svc));

  app.get(
    '/:connectionId/list_tests',
    describeRoute({ summary: 'Greenhouse list_tests: our active packages', description: AUTH.trim(), tags: ['greenhouse'], responses: { 200: { description: 'Tests', content: json(TestListSchema) } } }),
    async (c) => {
      const pkgs = await orderablePackages(svc.store, c.var.account.id);
      return c.json(pkgs.map((p) => ({ partner_test_id: p.id, partner_test_name: p.name })));
    },
  );

  app.post(
    '/:connectionId/send_test',
    describeRoute({
      summary: 'Greenhouse send_test: order a package for the candidate and e-mail the invitation',
      description: 'Idempotent per take-home-test URL; a second Send Test for a test the candidate has open returns the same partner_interview_id.' + AUTH,
      tags: ['greenhouse'],
      responses: { 200: { description: 'The order id', content: json(SendTestAnswerSchema) }, ...errors('invalid_url', 'candidate_unidentified', ...REFUSAL_CODES) },
    }),
    jsonBodyGuard(64 * 1024),
    valid('json', SendTestSchema),
    async (c) => {
      const body = c.req.valid('json');
      const { connection, account } = c.var;
      const settings = settingsOf(svc, connection);
      if (!patchUrlAllowed(body.url, settings.baseUrl)) {
        throw new ApiError(422, 'invalid_url', 'url must be the Greenhouse take-home-test URL (https on a greenhouse.io host).');
      }
      const cand = body.candidate;
      const ids = idsFromProfileUrl(cand.greenhouse_profile_url);
      const email = cand.email?.trim() || null;
      // UNCONFIRMED: without a parsable profile URL the e-mail stands in for the Greenhouse candidate id
      const externalId = ids.candidateId ?? (email ? `email:${email.toLowerCase()}` : null);
      if (!externalId) throw new ApiError(422, 'candidate_unidentified', 'candidate.greenhouse_profile_url or candidate.email is needed to know who takes the test.');
      const packageId = String(body.partner_test_id);
      const takeHomeId = /\/take_home_tests\/(\d+)/.exec(new URL(body.url).pathname)?.[1] ?? null;

      const outcome = await svc.store.transaction(async (tx) => {
        // The same request again (a retry): the same answer.
        const again = await tx.orders.findBySource(account.id, PROVIDER, body.url);
        if (again) return { order: again, created: false };
        // The test is already open for this candidate (a second Send Test, or ordered on a stage change): one order, one e-mail.
        const row = await tx.candidates.findByExternal(account.id, PROVIDER, externalId);
        if (row) {
          const open = (await tx.orders.listByCandidate(account.id, row.id)).find(
            (o) => o.source === PROVIDER && o.connection_id === connection.id && o.package_id === packageId && ACTIVE.has(o.status) && (!ids.applicationId || !o.application_id || o.application_id === ids.applicationId),
          );
          if (open) {
            const meta = ghMeta(open);
            if (!meta.urls.includes(body.url)) await tx.orders.update(account.id, open.id, { meta: withGhMeta(open, { urls: [...meta.urls, body.url] }) });
            return { order: open, created: false };
          }
        }
        const r = await placeOrder(tx, svc.box, {
          account,
          source: PROVIDER,
          sourceOrderId: body.url,
          connectionId: connection.id,
          packageId,
          candidate: { externalId, email, firstName: cand.preferred_name?.trim() || cand.first_name?.trim() || null, lastName: cand.last_name?.trim() || null, locale: null },
          applicationId: ids.applicationId,
          job: { id: null, name: null },
          createdBy: body.sent_by ? `greenhouse:${body.sent_by}` : 'greenhouse',
          meta: { greenhouse: { urls: [body.url], partner_test_id: packageId, take_home_test_id: takeHomeId } },
        });
        if (r.kind === 'refused') return { refusal: r.refusal };
        if (/^\d+$/.test(externalId)) await trackCandidate(tx, connection.id, externalId);
        if (r.kind === 'created' && !ids.applicationId && settings.harvestApiKey && /^\d+$/.test(externalId)) {
          await tx.outbox.enqueue({ account_id: account.id, kind: 'greenhouse.link_order', connection_id: connection.id, order_id: r.order.id, payload: { order_id: r.order.id }, idempotency_key: `gh-link:${r.order.id}` });
        }
        return { order: r.order, created: r.kind === 'created' };
      });
      if ('refusal' in outcome) throw new ApiError(422, outcome.refusal!.code, outcome.refusal!.message);
      svc.outbox.wake();
      if (outcome.created) svc.log.info('greenhouse send_test ordered', { connection: connection.id, order: outcome.order.id, package: packageId });
      return c.json({ partner_interview_id: outcome.order.id });
    },
  );

  app.get(
    '/:connectionId/test_status',
    describeRoute({ summary: 'Greenhouse test_status: the state and result of one order', description: AUTH.trim(), tags: ['greenhouse'], responses: { 200: { description: 'Status', content: json(TestStatusSchema) }, ...errors('unknown_partner_interview_id') } }),
    valid('query', TestStatusQuery),
    async (c) => {
      const { partner_interview_id } = c.req.valid('query');
      const { connection, account } = c.var;
      const order = /^ord_[0-9a-z]{8,40}$/.test(partner_interview_id) ? await svc.store.orders.view(account.id, partner_interview_id) : null;
      if (!order || order.source !== PROVIDER || order.connection_id !== connection.id) throw new ApiError(404, 'unknown_partner_interview_id', 'No test with this partner_interview_id was sent through this connection.');
      return c.json(testStatus(svc, account, order));
    },
  );

  app.post(
    '/:connectionId/response_error',
    describeRoute({ summary: 'Greenhouse response_error: one of our answers was malformed', description: AUTH.trim(), tags: ['greenhouse'], responses: { 200: { description: 'Recorded' } } }),
    jsonBodyGuard(64 * 1024),
    valid('json', ResponseErrorSchema),
    async (c) => {
      const body = c.req.valid('json');
      const { connection, account } = c.var;
      // No candidate_email here: the audit log holds no candidate personal data.
      const details = {
        api_call: body.api_call,
        errors: body.errors.slice(0, 20),
        partner_test_id: body.partner_test_id ?? null,
        partner_interview_id: body.partner_interview_id === undefined || body.partner_interview_id === null ? null : String(body.partner_interview_id),
      };
      await svc.store.transaction((tx) => tx.audit.add({ account_id: account.id, actor: 'greenhouse', action: 'greenhouse.response_error', target: connection.id, details }));
      svc.log.warn('greenhouse reported a malformed answer', { connection: connection.id, api_call: body.api_call, errors: details.errors });
      return c.json({ status: 200 });
    },
  );
  return app;
}

/** Our answer to test_status: `complete` with score, report link and flat metadata, else our status. */
export function testStatus(svc: Services, account: AccountRow, order: OrderView) {
  const done = order.status === 'completed';
  const r = order.result ? readResultSummary(order.result.details) : null;
  const pct = r ? r.percent : order.result ? roundPercent(order.result.score, order.result.max_score) : null;
  const metadata: Record<string, string | number | boolean | null> = { Test: order.package_name, Status: order.status };
  if (order.invited_at) metadata['Invited At'] = order.invited_at;
  if (order.started_at) metadata['Started At'] = order.started_at;
  if (order.completed_at) metadata['Completed At'] = order.completed_at;
  if (pct !== null) metadata.Score = `${pct} / 100`;
  if (r?.band) metadata.Band = r.band;
  if (order.reason && !done) metadata.Notes = order.reason;
  return {
    // Only "complete" is defined; any other string means "not complete yet".
    partner_status: done ? 'complete' : order.status,
    partner_profile_url: done ? reportUrl(svc.config.publicUrl, order.id) : null,
    partner_score: done ? pct : null,
    metadata,
  };
}

/** The four partner URLs Greenhouse must be given. */
export const partnerUrls = (svc: Services, c: ConnectionRow) =>
  Object.fromEntries((['list_tests', 'send_test', 'test_status', 'response_error'] as const).map((api) => [api, partnerUrl(svc, c, api)]));

/** connections:add prints the four URLs Greenhouse must be given. */
export async function onConnected(svc: Services, connection: ConnectionRow): Promise<ConnectedOutput> {
  return { message: `Greenhouse partner URLs: ${Object.values(partnerUrls(svc, connection)).join(' ')}`, output: { partner_urls: partnerUrls(svc, connection) } };
}

/** The dashboard's Greenhouse form (the customer's own keys). */
export const dashboardConnect = (): ConnectHow => 'greenhouse_form';

/** What the admin copies into Greenhouse after connecting: shown once, right after Save. */
export interface GreenhouseSetup {
  connection_id: string;
  webhook_url: string;
  webhook_secret: string;
  partner_api_key: string;
  /** The web hook events to create in Greenhouse, one per event. */
  events: string[];
  partner_urls: Record<string, string>;
  setup: VendorSetupSection[];
}

/**
 * Greenhouse, as seed 004 has it: the admin pastes a Harvest key and saves; we make the webhook secret and
 * the partner API key, and show them with the endpoint URL and the events to tick.
 */
export async function connectGreenhouse(svc: Services, accountId: string, harvestApiKey: string, actor: string): Promise<GreenhouseSetup> {
  await requireInPlanOf(svc, accountId, PROVIDER);
  const key = harvestApiKey.trim();
  if (!/^[\x21-\x7e]{8,200}$/.test(key)) throw new UsageError('invalid_setting', 'Paste the Harvest API key as Greenhouse shows it (8 to 200 characters, no spaces).');
  const settings: Record<string, string> = { harvest_api_key: key, partner_api_key: randomToken(24), webhook_secret: randomToken(24) };
  if (svc.config.greenhouseHarvestUrl) settings.base_url = svc.config.greenhouseHarvestUrl;
  const { connection } = await addConnection(svc, { accountId, provider: PROVIDER, settings, actor });
  const setup = (await svc.connectors[PROVIDER]?.vendorSetup?.(svc, connection)) ?? [];
  const events = setup.flatMap((s) => s.fields).find((f) => f.label === 'When')?.value?.split(', ') ?? [];
  const partner_urls = partnerUrls(svc, connection);
  return {
    connection_id: connection.id,
    webhook_url: webhookUrl(svc, connection),
    webhook_secret: settings.webhook_secret!,
    partner_api_key: settings.partner_api_key!,
    events,
    partner_urls,
    setup,
  };
}

const GreenhouseSetupSchema = v.object({
  connection_id: v.string(),
  webhook_url: v.string(),
  webhook_secret: v.string(),
  partner_api_key: v.string(),
  events: v.array(v.string()),
  partner_urls: v.record(v.string(), v.string()),
  setup: v.array(v.object({ title: v.string(), where: v.string(), fields: v.array(v.object({ label: v.string(), value: v.nullable(v.string()), note: v.optional(v.string()) })) })),
});

/** The dashboard's Greenhouse form: POST /api/dashboard/connections/greenhouse (Connector.dashboardRoutes). */
export function dashboardRoutes(svc: Services, api: DashboardApi): void {
  api.post(
    '/connections/greenhouse',
    describeRoute({
      summary: 'Connect Greenhouse with a Harvest API key; answers, once, the webhook URL and secret, the events to create and the partner API key',
      tags: ['dashboard'],
      security: DASHBOARD_COOKIE,
      responses: { 201: { description: 'Connected', content: jsonContent(GreenhouseSetupSchema) }, ...errorResponses({ 400: ['invalid_setting'], 403: ['not_in_plan'] }) },
    }),
    valid('json', v.strictObject({ harvest_api_key: v.pipe(v.string(), v.maxLength(200, 'The key is at most 200 characters.')) })),
    async (c) => c.json(await asInput(() => connectGreenhouse(svc, c.get('user').account_id, c.req.valid('json').harvest_api_key, `user:${c.get('user').id}`)), 201),
  );
}
