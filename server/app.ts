import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { generateSpecs } from 'hono-openapi';
import { completeDocument } from './http/openapi.ts';
import { baselineHeaders, bodyLimit, methodNotAllowed, onError } from './http/middleware.ts';
import { clientAddressMiddleware } from './http/rate-limit.ts';
import { compress } from './http/compress.ts';
import { pages } from './routes/pages.ts';
import { connectorAdmin, connectorPages, partner, webhooks } from './routes/webhooks.ts';
import { widgetApi } from './routes/widget-api.ts';
import { insightsApi } from './routes/insights-api.ts';
import { candidateApi } from './routes/candidate-api.ts';
import { candidatePages } from './routes/candidate-pages.ts';
import { proctoringApi } from './routes/proctoring-api.ts';
import { reportPages } from './routes/report.ts';
import { passwordPages } from './routes/password-pages.ts';
import { insightsPages } from './routes/insights-page.ts';
import { dashboardApi } from './routes/dashboard-api.ts';
import { dashboardPages } from './dashboard/pages.ts';
import type { Services } from './services.ts';

/** Composes the BFF; used by main.ts and by tests (`app.request(...)` needs no port). */
export function createApp(svc: Services) {
  const app = new Hono();
  app.use('*', requestId());
  app.use('*', baselineHeaders({ https: svc.config.publicUrl.startsWith('https:') }));
  app.use('*', methodNotAllowed(app)); // 405 + Allow before login checks and rate limits
  app.use('*', bodyLimit()); // every body counted as it arrives: 413 at the limit, chunked or not
  app.use('*', clientAddressMiddleware(svc.config.trustProxy)); // TRUST_PROXY: how rate limits see the client
  app.use('*', compress()); // dynamic HTML and JSON over 1 KB; built files come pre-compressed
  app.onError(onError(svc.log));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `Nothing at ${c.req.method} ${c.req.path}.` } }, 404));

  // Before the widget API: its 16 KB body guard covers /api/*; the dashboard's partner form (a logo) has its own limit.
  app.route('/api/dashboard', dashboardApi(svc)); // the provider dashboard (dashboard/), behind the login
  app.route('/api', widgetApi(svc));
  app.route('/api', connectorAdmin(svc)); // each connector's adminRoutes at /api/<provider> (Lever's postings)
  app.route('/api/insights', insightsApi(svc));
  // Candidate mode (API + /t/<token>) and the provider's login and full report.
  app.route('/api/candidate/proctoring', proctoringApi(svc));
  app.route('/api/candidate', candidateApi(svc));
  app.route('/', candidatePages(svc));
  app.route('/', reportPages(svc));
  app.route('/', passwordPages(svc)); // set a password from an e-mailed link, ask for a reset
  app.route('/', insightsPages(svc));
  app.route('/', connectorPages(svc)); // each connector's pageRoutes: "Connect your ATS" (Kombo Connect, embedded), the partner form's logos
  app.route('/', dashboardPages(svc));
  app.route('/webhooks', webhooks(svc));
  app.route('/partner', partner(svc));
  app.route('/', pages(svc));

  let openapi: Promise<unknown> | null = null;
  app.get('/openapi.json', async (c) => {
    openapi ??= generateSpecs(app, {
      documentation: {
        openapi: '3.1.0',
        info: { title: 'Assay BFF', version: '1.0.0', description: 'Widget API, candidate API, partner endpoints and webhooks of Assay.' },
        servers: [{ url: svc.config.publicUrl }],
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, dashboardCookie: { type: 'apiKey', in: 'cookie', name: 'assay_dash' } } },
      },
    })
      .then((doc) => completeDocument(doc as never, app))
      .catch((err) => {
        openapi = null; // try again on the next request
        throw err;
      });
    return c.json(await openapi);
  });
  return app;
}
