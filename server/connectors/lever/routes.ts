// Lever's OAuth redirect target, mounted at /partner/lever/oauth/callback: one fixed redirect URI for every
// customer (Lever matches it exactly); the single-use state names the connection.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import { valid } from '../../http/validate.ts';
import { errorResponses } from '../../http/openapi.ts';
import type { Services } from '../../services.ts';
import { completeAuthorization } from './oauth.ts';

const Query = v.object({
  state: v.pipe(v.string(), v.minLength(10), v.maxLength(300)),
  code: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(2000))),
  error: v.optional(v.pipe(v.string(), v.maxLength(200))),
  error_description: v.optional(v.pipe(v.string(), v.maxLength(1000))),
});

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function leverPartnerRoutes(svc: Services) {
  const app = new Hono();
  app.get(
    '/oauth/callback',
    describeRoute({
      summary: "Lever's OAuth redirect: checks the single-use state, exchanges the code and activates the connection",
      tags: ['lever'],
      responses: {
        303: { description: 'Connected from the dashboard: on to its Lever mapping page' },
        200: { description: 'Connected (an HTML page for the person who consented)', content: { 'text/html': { schema: { type: 'string' } } } },
        ...errorResponses({ 400: ['oauth_state_invalid', 'lever_authorization_denied', 'invalid_query'], 409: ['connection_revoked'], 502: ['lever_token_exchange_failed'] }),
      },
    }),
    valid('query', Query),
    async (c) => {
      const connection = await completeAuthorization(svc, c.req.valid('query'));
      c.header('Cache-Control', 'no-store');
      // Started from the dashboard (Integrations → Lever → Configure): back to it, to map postings.
      if (connection.return_to === '/dashboard/integrations/lever') return c.redirect(connection.return_to, 303);
      return c.html(
        `<!doctype html><html lang="en"><meta charset="utf-8"><title>Lever connected</title><h1>Lever is connected</h1><p>Assay can now read your postings and stages and write results to Lever (connection ${esc(connection.id)}). You can close this window.</p></html>`,
      );
    },
  );
  return app;
}
