// The provider dashboard's "Connect your ATS" button (Kombo Connect, embedded), as two JSON routes:
//   POST /partner/kombo/connect/embedded            { tool? }  -> { link, connection_id }
//        open `link` with Kombo's Connect SDK (showKomboConnect(link)); it resolves with a token
//   POST /partner/kombo/connect/embedded/activate   { token }  -> { connection_id, integration_id, status }
// Both act for the logged-in provider user's own account only.
//
// Login: the provider dashboard's own session (the cookie set by POST /login, server/routes/report.ts).
import { requireInPlan } from '../../accounts/settings.ts';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { getCookie } from 'hono/cookie';
import { sha256Hex } from '../../crypto/secrets.ts';
import { sessionCookieName } from '../../routes/report.ts';
import { ApiError } from '../../errors.ts';
import { PermanentError, RetryableError } from '../../http/client.ts';
import { jsonBodyGuard } from '../../http/middleware.ts';
import { clientAddress, rateLimit } from '../../http/rate-limit.ts';
import { valid } from '../../http/validate.ts';
import { raises } from '../../http/error-codes.ts';
import { errorResponses as errors } from '../../http/openapi.ts';
import type { Services } from '../../services.ts';
import type { AccountRow, UserRow } from '../../store/types.ts';
import { activateEmbedded, ConnectError, createConnectLink } from './connect.ts';
import { environmentSettings } from './settings.ts';

type Env = { Variables: { user: UserRow; account: AccountRow } };

const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });

async function providerUser(svc: Services, c: Context<Env>): Promise<void> {
  const fail = () => new ApiError(401, 'login_required', 'Log in to the provider dashboard first (POST /login), then call this with its session cookie.');
  // A cross-site page cannot send JSON here without a CORS preflight we never allow; the Origin check
  // also stops a form post from another site riding on the cookie.
  const origin = c.req.header('origin');
  if (origin && origin !== new URL(svc.config.publicUrl).origin && origin !== new URL(c.req.url).origin) {
    throw new ApiError(403, 'cross_origin', 'Call this from the provider dashboard itself.');
  }
  const raw = getCookie(c, sessionCookieName(svc.config.publicUrl.startsWith('https:')));
  if (!raw || !/^[A-Za-z0-9_-]{20,100}$/.test(raw)) throw fail();
  const session = await svc.store.users.getSession(sha256Hex(raw), Date.now());
  const user = session ? await svc.store.users.get(session.user_id) : null;
  const account = user ? await svc.store.accounts.get(user.account_id) : null;
  if (!user || !account) throw fail();
  c.set('user', user);
  c.set('account', account);
}

const toApiError = (e: unknown): Error => {
  if (e instanceof ConnectError) {
    const status = e.code === 'integration_not_yours' ? 403 : e.code === 'token_invalid' ? 404 : e.code === 'kombo_not_configured' ? 503 : 409;
    return new ApiError(status, e.code, e.message);
  }
  if (e instanceof RetryableError || e instanceof PermanentError) return new ApiError(502, 'kombo_unavailable', 'Kombo did not answer as expected; try again in a minute.');
  return e as Error;
};

const EmbeddedRequest = v.strictObject({ tool: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9_]{2,50}$/, 'tool is a Kombo tool slug such as recruitee.'))) });
const ActivateRequest = v.strictObject({ token: v.pipe(v.string(), v.minLength(8, 'token is the value Kombo Connect returned.'), v.maxLength(2048)) });

export function komboRoutes(svc: Services) {
  const app = new Hono<Env>();
  app.use('/connect/*', jsonBodyGuard(4096));
  // Per route, after the body's validation (a malformed body is a 400, never a 429) and before the login: keyed
  // by the socket's peer, as X-Forwarded-For is whatever the client sends, so keying on it let anyone skip the
  // limit with a new value each time (test/reliability/abuse.test.ts).
  const limit = rateLimit(svc.store.limits, { name: 'kombo-connect', limit: 30, windowMs: 60_000, key: (c) => clientAddress(c) });
  const login = raises<MiddlewareHandler<Env>>(
    async (c, next) => {
      await providerUser(svc, c);
      await next();
    },
    { 401: ['login_required'], 403: ['cross_origin'] },
  );

  app.post(
    '/connect/embedded',
    describeRoute({
      summary: 'Start "Connect your ATS" (Kombo Connect, embedded) for the logged-in provider user\'s account',
      description: 'Returns a Kombo Connect link for Kombo\'s Connect SDK. Auth: the provider dashboard session cookie (POST /login).',
      tags: ['kombo'],
      responses: { 200: { description: 'Link', content: json(v.object({ link: v.string(), connection_id: v.string() })) }, ...errors({ 403: ['not_in_plan'], 409: ['invalid_setting', 'invalid_tool'], 502: ['kombo_unavailable'], 503: ['kombo_not_configured'] }) },
    }),
    valid('json', EmbeddedRequest),
    limit,
    login,
    async (c) => {
      const account = c.get('account');
      requireInPlan(account, 'kombo');
      try {
        const { link, connection } = await createConnectLink(svc, {
          account,
          env: environmentSettings(),
          email: c.get('user').email,
          tool: c.req.valid('json').tool ?? null,
          linkType: 'EMBEDDED',
          actor: `user:${c.get('user').id}`,
        });
        c.header('Cache-Control', 'no-store');
        return c.json({ link, connection_id: connection.id });
      } catch (e) {
        throw toApiError(e);
      }
    },
  );

  app.post(
    '/connect/embedded/activate',
    describeRoute({
      summary: 'Finish "Connect your ATS": bind the integration Kombo Connect created to this account',
      description: 'Asks Kombo (GET /connect/integration-by-token) which integration the token stands for and binds it only when it was created for this account.',
      tags: ['kombo'],
      responses: { 200: { description: 'Bound', content: json(v.object({ connection_id: v.string(), integration_id: v.string(), status: v.string() })) }, ...errors({ 403: ['integration_not_yours'], 404: ['token_invalid'], 409: ['no_invitation', 'not_bound', 'invalid_setting'], 502: ['kombo_unavailable'], 503: ['kombo_not_configured'] }) },
    }),
    valid('json', ActivateRequest),
    limit,
    login,
    async (c) => {
      const account = c.get('account');
      try {
        const r = await activateEmbedded(svc, account, c.req.valid('json').token);
        if (r.kind === 'ignored') throw new ApiError(409, 'not_bound', `The integration was not connected: ${r.reason}.`);
        return c.json({ connection_id: r.connection.id, integration_id: r.integration_id ?? String(r.connection.config.integration_id), status: r.connection.status });
      } catch (e) {
        throw toApiError(e);
      }
    },
  );
  return new Hono().route('/', app);
}
