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
import { sessionCookieName, dashboardHeader, sessionUser } from '../../routes/report.ts';
import { ApiError } from '../../errors.ts';
import { PermanentError, RetryableError } from '../../http/client.ts';
import { jsonBodyGuard } from '../../http/middleware.ts';
import { clientAddress, rateLimit } from '../../http/rate-limit.ts';
import { valid } from '../../http/validate.ts';
import { raises } from '../../http/error-codes.ts';
import { errorResponses as errors } from '../../http/openapi.ts';
import type { Services } from '../../services.ts';
import type { AccountRow, UserRow, ConnectionRow } from '../../store/types.ts';
import { environmentSettings, baseUrlFrom, PROVIDER, settingsOf, validateSettings } from './settings.ts';
import { newId } from '../../ids.ts';
import { KomboClient } from './client.ts';
import { bindIntegration, type BindResult } from './sync.ts';
import { layout, PAGE_CSP, PAGE_CSS } from '../../routes/page-layout.ts';
import type { ConnectHow } from '../../dashboard/integrations.ts';

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

// Kombo Connect: a customer connects their ATS through a link we ask Kombo for; the integration Kombo
// creates is then bound to the account that asked (by our account id, sent as end_user_origin_id).

export class ConnectError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ConnectError';
  }
}

/**
 * Asks Kombo for a setup link for `account` and keeps a `pending` connection holding our Kombo
 * environment's key and secret; the integration is bound to it when Kombo reports it.
 */
export async function createConnectLink(
  svc: Services,
  input: { account: AccountRow; env: Record<string, string>; email: string; tool?: string | null; linkType: 'MAGIC_LINK' | 'EMBEDDED'; actor: string; language?: string },
): Promise<{ link: string; connection: ConnectionRow }> {
  const env = input.env;
  if (!env.api_key || !env.webhook_secret) {
    throw new ConnectError('kombo_not_configured', 'Kombo Connect needs our Kombo API key and webhook secret: set KOMBO_API_KEY and KOMBO_WEBHOOK_SECRET (and KOMBO_BASE_URL or KOMBO_REGION), or pass them with --set.');
  }
  const problems = validateSettings(env);
  if (problems.length) throw new ConnectError('invalid_setting', problems.join(' '));
  if (input.tool !== undefined && input.tool !== null && !/^[a-z0-9_]{2,50}$/.test(input.tool)) throw new ConnectError('invalid_tool', 'The ATS is given by its Kombo tool slug, e.g. recruitee or greenhouse.');
  const client = new KomboClient({ baseUrl: baseUrlFrom(env), apiKey: env.api_key });
  // Network first, then storage: never call out inside a transaction.
  const link = await client.createLink({
    end_user_email: input.email,
    end_user_organization_name: input.account.settings.company_name ?? input.account.name,
    end_user_origin_id: input.account.id,
    integration_category: 'ASSESSMENT',
    ...(input.tool ? { integration_tool: input.tool } : {}),
    link_type: input.linkType,
    ...(input.language ? { language: input.language } : {}),
  });
  const config: Record<string, unknown> = { tool: input.tool ?? null, invited: { email: input.email, link_type: input.linkType, at: new Date().toISOString() } };
  if (env.base_url) config.base_url = env.base_url;
  if (env.region) config.region = env.region;
  if (env.signature_encoding) config.signature_encoding = env.signature_encoding;
  const connection = await svc.store.transaction(async (tx) => {
    const c = await tx.connections.create({
      id: newId('con'),
      account_id: input.account.id,
      provider: PROVIDER,
      status: 'pending',
      config,
      secrets_enc: svc.box.sealJson({ api_key: env.api_key, webhook_secret: env.webhook_secret }),
    });
    await tx.audit.add({ account_id: input.account.id, actor: input.actor, action: 'connection.invited', target: c.id, details: { provider: PROVIDER, tool: input.tool ?? null, link_type: input.linkType } });
    return c;
  });
  return { link, connection };
}

/**
 * The embedded flow: Kombo's Connect SDK hands the browser a short-lived token; we ask Kombo which
 * integration it created and bind it only if Kombo says it was made for this very account.
 */
export async function activateEmbedded(svc: Services, account: AccountRow, token: string): Promise<BindResult & { integration_id?: string }> {
  const pending = (await svc.store.connections.listByAccount(account.id)).filter((c) => c.provider === PROVIDER && c.status !== 'revoked');
  const creds = pending.find((c) => c.status === 'pending') ?? pending[0];
  if (!creds) throw new ConnectError('no_invitation', 'Start with "Connect your ATS" first: there is no Kombo connection link for this account.');
  const s = settingsOf(svc, creds);
  const integ = await new KomboClient({ baseUrl: s.baseUrl, apiKey: s.apiKey }).integrationByToken(token);
  if (!integ) throw new ConnectError('token_invalid', 'Kombo does not know this setup token, or it has expired; run "Connect your ATS" again.');
  if (integ.end_user_origin_id !== account.id) throw new ConnectError('integration_not_yours', 'This integration was set up for another company, so it was not connected to yours.');
  const r = await bindIntegration(svc, { originId: account.id, integrationId: integ.id, tool: integ.tool, via: 'embedded', sameEnvironmentAs: creds });
  return { ...r, integration_id: integ.id };
}

// The provider dashboard's "Connect your ATS" page at /connect: a tool choice and a button that starts
// Kombo Connect (embedded link) for the logged-in user's own account. The work happens in an external
// script (CONNECT_SCRIPT, at the end of this file) calling the JSON routes at the top of this file:
//   POST /partner/kombo/connect/embedded → { link }, opened in a popup; Kombo's setup gives a token;
//   POST /partner/kombo/connect/embedded/activate { token } binds by GET /connect/integration-by-token,
// so a customer can never attach someone else's integration.

const CSS_PATH = '/connect/connect.css';
const JS_PATH = '/connect/connect.js';

/** Kombo tool slugs offered here; "" lets the customer pick the ATS on Kombo's own page. */
export const TOOLS: [slug: string, name: string][] = [
  ['recruitee', 'Recruitee'],
  ['greenhouse', 'Greenhouse'],
  ['workable', 'Workable'],
  ['personio', 'Personio'],
  ['teamtailor', 'Teamtailor'],
  ['smartrecruiters', 'SmartRecruiters'],
  ['', 'Another ATS (choose in Kombo)'],
];

// The page's own script and fetches to ourselves; nothing inline. Kombo opens in a popup window, which
// CSP does not govern.
const CONNECT_CSP = PAGE_CSP.replace("default-src 'none';", "default-src 'none'; script-src 'self'; connect-src 'self';");

const CONNECT_CSS =
  PAGE_CSS +
  `.top nav{margin-left:auto;display:flex;gap:1rem}
.top nav a{font-weight:600}
select{display:block;width:100%;max-width:24rem;padding:.5rem .6rem;border:1px solid var(--border);border-radius:6px;background:var(--card);color:var(--fg);font:inherit}
.steps{margin:0 0 .75rem;padding-left:1.25rem}
.ok{border-left:4px solid var(--ok);padding:.5rem .75rem;background:var(--card)}
[hidden]{display:none!important}
`;

function body(): string {
  const options = TOOLS.map(([slug, name]) => `<option value="${slug}">${name}</option>`).join('');
  return `<section class="card" aria-labelledby="title">
<h1 id="title">Connect your ATS</h1>
<p>Connect your applicant tracking system through Kombo, so recruiters can send our assessments from inside it and see the scores there.</p>
<ol class="steps">
<li>Choose your ATS and press <strong>Connect your ATS</strong>. Kombo opens in a new window.</li>
<li>Follow Kombo’s steps there. When Kombo shows an activation token, paste it below (or it arrives here by itself).</li>
</ol>
<noscript><p class="error">This page needs JavaScript to open Kombo Connect.</p></noscript>
<form id="connect-form" novalidate>
<label for="tool">Your ATS</label>
<select id="tool" name="tool">${options}</select>
<button type="submit" id="connect">Connect your ATS</button>
</form>
<p id="popup-fallback" hidden>Your browser blocked the Kombo window. <a id="popup-link" href="#" target="_blank" rel="noopener">Open Kombo Connect</a> in a new tab instead.</p>
<form id="activate-form" hidden novalidate>
<label for="token">Activation token from Kombo</label>
<input id="token" name="token" type="text" autocomplete="off" spellcheck="false" aria-describedby="token-help">
<p id="token-help" class="muted">Shown by Kombo when the setup is done.</p>
<button type="submit" id="activate">Finish connecting</button>
</form>
<div id="connect-status" role="status" aria-live="polite"></div>
<div id="connect-alert" role="alert"></div>
</section>`;
}

export function connectPage(svc: Services) {
  const app = new Hono();

  const loginFirst = (c: Context) => c.redirect(`/login?next=${encodeURIComponent('/connect')}`, 302);

  app.get(CSS_PATH, (c) => c.body(CONNECT_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));
  app.get(JS_PATH, (c) => c.body(CONNECT_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }));

  app.get('/connect', async (c) => {
    const me = await sessionUser(svc, c);
    if (!me) return loginFirst(c);
    c.header('Content-Security-Policy', CONNECT_CSP);
    c.header('Cache-Control', 'no-store');
    // Lets Kombo's window (a popup we open) post the activation token back; everything else stays isolated.
    c.header('Cross-Origin-Opener-Policy', 'same-origin-allow-popups');
    const html = layout({ lang: 'en', title: 'Connect your ATS — Assay', css: CSS_PATH, header: dashboardHeader(me.user, { current: '/connect' }), body: body() });
    return c.html(html.replace('</head>', `<script src="${JS_PATH}" defer></script>\n</head>`));
  });

  return app;
}

/** The dashboard offers Kombo Connect once the provider has set up its Kombo environment (api key and webhook secret). */
export function dashboardConnect(): ConnectHow {
  const env = environmentSettings();
  return env.api_key && env.webhook_secret ? 'kombo_connect' : 'kombo_unavailable';
}

// "Connect your ATS" on /connect (served as /connect/connect.js; the page allows no inline script).
// 1. Connect: POST /partner/kombo/connect/embedded { tool } -> { link }, opened in a popup window.
// 2. Kombo's setup ends with an activation token: it arrives by postMessage from the popup's exact
//    origin, or the person pastes it.
// 3. POST /partner/kombo/connect/embedded/activate { token }: the server binds the integration only if
//    Kombo says it was created for this account; the page says which ATS got connected, or why not.
// Plain ES5 for every browser, kept as text (String.raw: served byte for byte); nothing here runs on the server.
const CONNECT_SCRIPT = String.raw`(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var NAMES = { recruitee: 'Recruitee', greenhouse: 'Greenhouse', workable: 'Workable', personio: 'Personio', teamtailor: 'Teamtailor', smartrecruiters: 'SmartRecruiters', lever: 'Lever' };
  var popup = null;
  var kombo = null; // the exact origin of the Kombo link
  var busy = false;

  function say(text) { $('connect-alert').textContent = ''; $('connect-status').textContent = text; }
  function fail(text) { $('connect-status').textContent = ''; $('connect-alert').textContent = text; }
  function toolName(slug) { return NAMES[slug] || (slug ? slug.charAt(0).toUpperCase() + slug.slice(1) : 'your ATS'); }

  function post(path, body) {
    return fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (json) {
          if (res.ok) return json;
          var message = json && json.error && json.error.message;
          if (res.status === 401) message = 'Your dashboard session has ended. Log in again and retry.';
          throw new Error(message || 'Assay could not complete this step (HTTP ' + res.status + '). Try again.');
        });
      }, function () { throw new Error('Assay could not be reached. Check your connection and try again.'); });
  }

  function activate(token) {
    token = String(token || '').trim();
    if (busy) return;
    if (token.length < 8) { fail('Paste the activation token Kombo showed at the end of the setup.'); $('token').focus(); return; }
    busy = true;
    $('activate').disabled = true;
    say('Connecting…');
    post('/partner/kombo/connect/embedded/activate', { token: token }).then(function (r) {
      var ats = toolName(String(r.integration_id || '').split(':')[0]);
      $('activate-form').hidden = true;
      say('');
      var ok = $('connect-status');
      ok.className = 'ok';
      ok.textContent = ats + ' is connected. Your assessment packages are being sent to ' + ats + ' now.';
      if (popup && !popup.closed) popup.close();
    }, function (err) {
      fail('Not connected: ' + err.message);
      $('token').focus();
    }).then(function () { busy = false; $('activate').disabled = false; });
  }

  // UNCONFIRMED: the message Kombo's Connect SDK listens for is internal to the SDK; we accept
  // { token } or { activation_token } posted by the popup we opened, from the link's exact origin only.
  window.addEventListener('message', function (e) {
    if (!kombo || e.origin !== kombo || !popup || e.source !== popup) return;
    var d = e.data || {};
    var token = typeof d === 'string' ? d : d.activation_token || d.token;
    if (typeof token === 'string' && token) { $('token').value = token; activate(token); }
  });

  $('connect-form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (busy) return;
    var tool = $('tool').value;
    // Opened inside the click, so popup blockers allow it; it is pointed at Kombo once we have the link.
    // UNCONFIRMED: in production Kombo's Connect SDK (@kombo-api/connect, showKomboConnect(link)) would
    // replace this popup, the postMessage listener and the paste field: it opens the link itself and
    // resolves with the activation token. It cannot be loaded from a CDN here (strict CSP, no network).
    popup = window.open('about:blank', 'kombo-connect', 'popup,width=560,height=720');
    busy = true;
    $('connect').disabled = true;
    say('Asking Kombo for a connection link…');
    post('/partner/kombo/connect/embedded', tool ? { tool: tool } : {}).then(function (r) {
      kombo = new URL(r.link).origin;
      $('popup-link').href = r.link;
      if (popup && !popup.closed) {
        popup.location.href = r.link;
        $('popup-fallback').hidden = true;
      } else {
        $('popup-fallback').hidden = false;
      }
      $('activate-form').hidden = false;
      say('Kombo Connect is open in a new window. Finish the setup for ' + toolName(tool) + ' there, then paste the activation token here.');
    }, function (err) {
      if (popup && !popup.closed) popup.close();
      fail('Could not start Kombo Connect: ' + err.message);
    }).then(function () { busy = false; $('connect').disabled = false; });
  });

  $('activate-form').addEventListener('submit', function (e) {
    e.preventDefault();
    activate($('token').value);
  });
})();
`;
