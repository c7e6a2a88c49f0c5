// Set a password from an e-mailed link (an invitation or a reset) at /password#<token>, and ask for a
// reset link at /password/forgot. The token is in the fragment: the browser never sends it in a request
// line, so no access log (ours or a proxy's) records it; a small script of ours copies it into the form,
// which posts it in the body, and removes it from the address bar.
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { ApiError } from '../errors.ts';
import { fromOwnPages, readBounded } from '../http/middleware.ts';
import { clientAddress, rateLimit } from '../http/rate-limit.ts';
import { MIN_PASSWORD, PASSWORD_PATH, requestPasswordReset, setPasswordWithLink } from '../dashboard/team.ts';
import type { Services } from '../services.ts';
import { esc, layout, PAGE_CSP } from './page-layout.ts';

const CSS = '/report/report.css';
const SCRIPT = `${PASSWORD_PATH}/link.js`;
/** The pages' CSP plus our one script. */
const CSP = `${PAGE_CSP}; script-src 'self'`;
const LINK_SCRIPT = `// Copies the link's token from the fragment into the form, then drops it from the address bar.
(function () {
  var t = location.hash.slice(1);
  var input = document.getElementById('token');
  if (t && input) { input.value = t; history.replaceState(null, '', location.pathname); }
  if (!input || !input.value) { var m = document.getElementById('no-link'); if (m) m.hidden = false; }
})();
`;

type Status = 200 | 400 | 403;

export function passwordPages(svc: Services) {
  const app = new Hono();
  const publicOrigin = new URL(svc.config.publicUrl).origin;
  const page = (c: Context, title: string, body: string, status: Status = 200, script = false) => {
    c.header('Content-Security-Policy', script ? CSP : PAGE_CSP);
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(layout({ lang: 'en', title: `${title} — Assay`, css: CSS, body: `<section class="card" aria-labelledby="title">${body}</section>${script ? `<script src="${SCRIPT}"></script>` : ''}` }), status);
  };
  const setForm = (c: Context, o: { token?: string; error?: string } = {}, status: Status = 200) =>
    page(
      c,
      'Choose your password',
      `<h1 id="title">Choose your password</h1>
<p id="no-link" class="error" role="alert" hidden>Open this page from the link in your e-mail: the address has no link code in it.</p>
${o.error ? `<p class="error" role="alert" id="set-error">${esc(o.error)}</p>` : ''}
<form method="post" action="${PASSWORD_PATH}" novalidate>
<input type="hidden" id="token" name="token" value="${esc(o.token ?? '')}">
<label for="password">New password</label>
<p class="muted" id="password-hint">At least ${MIN_PASSWORD} characters.</p>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD}" aria-describedby="password-hint${o.error ? ' set-error' : ''}"${o.error ? ' aria-invalid="true"' : ''}>
<label for="repeat">Repeat the password</label>
<input id="repeat" name="repeat" type="password" autocomplete="new-password" required>
<button type="submit">Set password</button>
</form>`,
      status,
      true,
    );
  const form = async (c: Context) => {
    await readBounded(c, 8192);
    return (await c.req.parseBody().catch(() => ({}))) as Record<string, unknown>;
  };
  const field = (f: Record<string, unknown>, k: string, max: number) => (typeof f[k] === 'string' ? (f[k] as string).slice(0, max) : '');

  app.get(SCRIPT, (c) => c.body(LINK_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));
  app.get(PASSWORD_PATH, (c) => setForm(c));
  app.post(PASSWORD_PATH, async (c) => {
    if (!fromOwnPages(c, publicOrigin, { form: true })) return setForm(c, { error: 'This form must be sent from its own page. Open the link from your e-mail again.' }, 403);
    const f = await form(c);
    const token = field(f, 'token', 200);
    const password = field(f, 'password', 2048);
    if (password !== field(f, 'repeat', 2048)) return setForm(c, { token, error: 'The two passwords are not the same.' }, 400);
    try {
      const user = await setPasswordWithLink(svc, token, password);
      return page(
        c,
        'Password set',
        `<h1 id="title">Your password is set</h1><p role="status">Log in with ${esc(user.email)} and your new password.</p><p><a href="/login?next=%2Fdashboard">Log in</a></p>`,
      );
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // A weak password keeps the link (it was not used); a used or expired one says to ask for a new one.
      if (err.code !== 'link_invalid') return setForm(c, { token, error: err.message }, 400);
      return page(c, 'Link expired', `<h1 id="title">This link does not work any more</h1><p class="error" role="alert">${esc(err.message)}</p><p><a href="${PASSWORD_PATH}/forgot">Get a new link</a></p>`, 400);
    }
  });

  const forgotForm = (c: Context, o: { error?: string } = {}, status: Status = 200) =>
    page(
      c,
      'Forgot your password',
      `<h1 id="title">Forgot your password?</h1>
<p>We send a link to choose a new one to your e-mail address.</p>
${o.error ? `<p class="error" role="alert" id="forgot-error">${esc(o.error)}</p>` : ''}
<form method="post" action="${PASSWORD_PATH}/forgot" novalidate>
<label for="email">E-mail address</label>
<input id="email" name="email" type="email" autocomplete="username" required${o.error ? ' aria-invalid="true" aria-describedby="forgot-error"' : ''}>
<button type="submit">Send the link</button>
</form>`,
      status,
    );
  app.get(`${PASSWORD_PATH}/forgot`, (c) => forgotForm(c));
  app.post(
    `${PASSWORD_PATH}/forgot`,
    rateLimit(svc.store.limits, { name: 'password-forgot', limit: 10, windowMs: 15 * 60_000, key: (c) => clientAddress(c) }),
    async (c) => {
      if (!fromOwnPages(c, publicOrigin, { form: true })) return forgotForm(c, { error: 'This form must be sent from its own page. Reload it and try again.' }, 403);
      const email = field(await form(c), 'email', 254).trim().toLowerCase();
      if (!v.is(v.pipe(v.string(), v.email()), email)) return forgotForm(c, { error: 'Enter the e-mail address you log in with.' }, 400);
      await requestPasswordReset(svc, email);
      // The same answer whether or not the address has a login: nobody learns who has one.
      return page(c, 'Check your e-mail', `<h1 id="title">Check your e-mail</h1><p role="status">If ${esc(email)} has a login, a link to choose a new password is on its way. It works once, for an hour.</p><p><a href="/login">Back to log in</a></p>`);
    },
  );
  return app;
}
