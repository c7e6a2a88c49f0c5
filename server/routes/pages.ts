import { Hono } from 'hono';
import * as jose from 'jose';
import type { Context } from 'hono';
import { readDist, sendDist, type DistFile } from '../http/static.ts';
import type { Services } from '../services.ts';
import type { AccountRow } from '../store/types.ts';
import { exactOrigin, originAllowed } from '../context/frame-origin.ts';
import { demoPage, DEMO_CSS, DEMO_JS, DEMO_CANDIDATES } from './demo-page.ts';

/** A CSP source list for frame-ancestors from an account's allowed origins (already validated when stored). */
export function frameAncestors(origins: string[]): string {
  const safe = origins.filter((o) => /^https?:\/\/[a-z0-9.*-]+(:(\d+|\*))?$/i.test(o));
  return safe.length ? safe.join(' ') : "'none'";
}

const WIDGET_CSP = (ancestors: string) =>
  `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors ${ancestors}; base-uri 'none'; form-action 'self'; object-src 'none'`;

/**
 * The account whose frame origins apply: `account=`, else `iss=` (the loader reads the context token's
 * issuer when the integrator gave no account), else the issuer of a `?context=` token.
 */
async function accountForWidget(svc: Services, c: Context): Promise<AccountRow | null> {
  const id = c.req.query('account');
  if (id && id.length <= 100) {
    const acc = await svc.store.accounts.get(id);
    if (acc) return acc;
  }
  const issParam = c.req.query('iss');
  if (issParam && issParam.length <= 500) {
    const acc = await svc.store.accounts.getByIssuer(issParam);
    if (acc) return acc;
  }
  // Some ATSs can only pass the context in the query: the issuer (checked later by the API) picks the origins.
  const ctx = c.req.query('context');
  if (ctx) {
    try {
      const iss = jose.decodeJwt(ctx).iss;
      const acc = typeof iss === 'string' ? await svc.store.accounts.getByIssuer(iss) : null;
      if (acc) return acc;
    } catch {
      /* not a JWT: no origins */
    }
  }
  return null;
}

/**
 * frame-ancestors for the widget page. A page that declares itself (`parent=`) but is not allowed
 * may frame it anyway, alone: the session is then refused (POST /api/session checks the same
 * origin against the context's account), so the integrator reads why in the frame instead of
 * staring at a blank box. Without a session the widget can do nothing.
 */
function widgetAncestors(acc: AccountRow | null, parentParam: string | undefined): string {
  if (!acc) return "'self'";
  const parent = exactOrigin(parentParam);
  if (parent && !originAllowed(parent, acc.frame_origins)) return parent;
  return frameAncestors(acc.frame_origins);
}

function fileResponse(c: Context, file: DistFile, immutable: boolean, extra: Record<string, string> = {}) {
  return sendDist(c, file, { 'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache', ...extra });
}

export function pages(svc: Services) {
  const app = new Hono();

  app.get('/healthz', async (c) => {
    await svc.store.accounts.get('__health__');
    return c.json({ ok: true });
  });

  app.get('/favicon.ico', (c) => c.body(null, 204));

  app.get('/embed.js', async (c) => {
    const f = await readDist('embed/embed.js');
    if (!f) return c.text('The widget is not built yet: run npm run build.', 503);
    return fileResponse(c, f, false, { 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cache-Control': 'public, max-age=300' });
  });

  app.get('/widget/assets/*', async (c) => {
    const f = await readDist(c.req.path.slice(1));
    if (!f) return c.text('Not found', 404);
    return fileResponse(c, f, true, { 'Cross-Origin-Resource-Policy': 'cross-origin' });
  });

  const widgetHtml = async (c: Context, file: string) => {
    const f = await readDist(`widget/${file}`);
    if (!f) return c.text('The widget is not built yet: run npm run build.', 503);
    const ancestors = widgetAncestors(await accountForWidget(svc, c), c.req.query('parent'));
    // No X-Frame-Options here: it cannot express a list, and frame-ancestors supersedes it.
    return fileResponse(c, f, false, { 'Content-Security-Policy': WIDGET_CSP(ancestors), 'Cache-Control': 'no-store' });
  };
  app.get('/widget', (c) => c.redirect('/widget/' + (new URL(c.req.url).search || ''), 302));
  app.get('/widget/', (c) => widgetHtml(c, 'index.html'));
  app.get('/widget/index.html', (c) => widgetHtml(c, 'index.html'));

  if (svc.config.demo) {
    app.get('/', (c) => c.redirect('/demo', 302));
    app.get('/demo', async (c) => {
      const demo = await svc.store.accounts.get('demo');
      if (!demo) return c.text('The demo account does not exist in this data folder.', 404);
      c.header('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'");
      c.header('Cache-Control', 'no-store');
      return c.html(demoPage(demo.name));
    });
    app.get('/demo/demo.js', (c) => c.body(DEMO_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
    app.get('/demo/demo.css', (c) => c.body(DEMO_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
    // Plays the ATS backend: mints a short-lived context for the demo account with its own secret.
    app.on(['GET', 'POST'], '/demo/context', async (c) => {
      const demo = await svc.store.accounts.get('demo');
      if (!demo?.context_secret_enc) return c.json({ error: { code: 'demo_unavailable', message: 'The demo account has no signing secret.' } }, 404);
      const who = DEMO_CANDIDATES.find((d) => d.key === c.req.query('candidate')) ?? DEMO_CANDIDATES[0]!;
      const role = ['recruiter', 'admin', 'viewer'].includes(c.req.query('role') ?? '') ? c.req.query('role')! : 'recruiter';
      const context = await new jose.SignJWT({
        role,
        candidate: { id: who.id, email: who.email, first_name: who.first_name, last_name: who.last_name },
        application: { id: who.application },
        job: { id: 'job-frontend', name: 'Frontend Engineer' },
        locale: 'en',
      })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(demo.issuer)
        .setAudience(demo.audience)
        .setSubject('demo-recruiter')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(svc.box.open(demo.context_secret_enc)));
      c.header('Cache-Control', 'no-store');
      return c.json({ context });
    });
  }
  return app;
}
