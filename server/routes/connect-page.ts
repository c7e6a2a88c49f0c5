// The provider dashboard's "Connect your ATS" page at /connect: a tool choice and a button that starts
// Kombo Connect (embedded link) for the logged-in user's own account. The work happens in an external
// script (connect-page.client.js) calling the JSON routes in server/connectors/kombo/routes.ts:
//   POST /partner/kombo/connect/embedded → { link }, opened in a popup; Kombo's setup gives a token;
//   POST /partner/kombo/connect/embedded/activate { token } binds by GET /connect/integration-by-token,
// so a customer can never attach someone else's integration.
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import type { Services } from '../services.ts';
import { layout, PAGE_CSP, PAGE_CSS } from './page-layout.ts';
import { dashboardHeader, sessionUser } from './report.ts';

const CSS_PATH = '/connect/connect.css';
const JS_PATH = '/connect/connect.js';
const SCRIPT = readFileSync(new URL('./connect-page.client.js', import.meta.url), 'utf8');

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
  app.get(JS_PATH, (c) => c.body(SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }));

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
