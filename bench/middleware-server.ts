// The middleware ladder (bench/middleware.ts): a Hono hello-world with Assay's real route table and the first
// LADDER_STEPS of Assay's real middleware, in server/app.ts's order, imported from server/ (not copies).
// Started like the bare server (node --import tsx, PORT=0, one JSON "listening" line on stdout).
// LADDER_STEPS=-1: no route table either (a bare hello-world built by this same file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono, type MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createServices } from '../server/services.ts';
import { baselineHeaders, bodyLimit, methodNotAllowed } from '../server/http/middleware.ts';
import { clientAddressMiddleware } from '../server/http/rate-limit.ts';
import { compress } from '../server/http/compress.ts';
import { requireSession } from '../server/routes/widget-api.ts';
import '../server/connectors/register.ts';
import { serveAndAnnounce } from './lib/listen.ts';
import { LADDER, LADDER_MASTER_KEY, LADDER_PATH } from './lib/ladder.ts';

const steps = Number(process.env.LADDER_STEPS ?? LADDER.length);
const dataDir = mkdtempSync(join(tmpdir(), 'assay-ladder-'));
const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ASSAY_MASTER_KEY: LADDER_MASTER_KEY });
const svc = await createServices(config);

const app = new Hono();
const made: Record<(typeof LADDER)[number]['key'], () => MiddlewareHandler> = {
  requestId: () => requestId(),
  baselineHeaders: () => baselineHeaders({ https: config.publicUrl.startsWith('https:') }),
  methodNotAllowed: () => methodNotAllowed(app),
  bodyLimit: () => bodyLimit(),
  clientAddress: () => clientAddressMiddleware(config.trustProxy),
  compress: () => compress(),
  session: () => requireSession(svc) as unknown as MiddlewareHandler,
};
for (const step of LADDER.slice(0, Math.max(0, steps))) app.use('*', made[step.key]());
app.get(LADDER_PATH, (c) => c.text('Hello Hono!'));
if (steps >= 0) {
  // Assay's route table, so the router and the 405 check match against what they match in production.
  const real = createApp(svc);
  const seen = new Set<string>([`GET ${LADDER_PATH}`]);
  for (const r of real.routes) {
    if (r.method === 'ALL' || seen.has(`${r.method} ${r.path}`)) continue;
    seen.add(`${r.method} ${r.path}`);
    app.on(r.method, r.path, (c) => c.text('not measured', 404));
  }
}

process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
serveAndAnnounce(app);
