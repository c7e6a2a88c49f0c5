// Serves the dashboard app (built by vite.dashboard.config.ts into dist/dashboard) at /dashboard and its
// client-side pages (/dashboard/candidates, /dashboard/integrations…), behind the existing login.
import { Hono, type Context } from 'hono';
import { readDist, sendDist } from '../http/static.ts';
import { sessionUser } from '../routes/report.ts';
import type { Services } from '../services.ts';
import { mintApiCookie } from './session.ts';

/** Our scripts and styles only, nothing framed, no inline code; API calls to ourselves. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/** The app's own paths; anything else under /dashboard/ is a 404 like any unknown address. */
const VIEWS = /^\/dashboard(\/(candidates|integrations|integrations\/lever|jobs|team|settings))?\/?$/;

export function dashboardPages(svc: Services) {
  const app = new Hono();

  app.get('/dashboard/assets/*', async (c) => {
    const f = await readDist(c.req.path.slice(1));
    if (!f) return c.text('Not found', 404);
    return sendDist(c, f, { 'Cache-Control': 'public, max-age=31536000, immutable' });
  });

  const page = async (c: Context) => {
    const url = new URL(c.req.url);
    if (!VIEWS.test(url.pathname)) return c.notFound(); // the app's own 404, as for any unknown address
    const me = await sessionUser(svc, c);
    if (!me) return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
    mintApiCookie(svc, c);
    const f = await readDist('dashboard/index.html');
    if (!f) return c.text('The dashboard is not built yet: run npm run build.', 503);
    return sendDist(c, f, { 'Content-Security-Policy': DASHBOARD_CSP, 'Cache-Control': 'no-store' });
  };
  app.get('/dashboard', page);
  app.get('/dashboard/*', page);
  return app;
}
