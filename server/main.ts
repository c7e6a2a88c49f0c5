import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { UsageError } from './errors.ts';
import { createServices } from './services.ts';
import { seedDemo } from './accounts/create-account.ts';
import { registerJobs } from './outbox/jobs.ts';
import { startBackground } from './background.ts';
import './connectors/register.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`assay: ${err.code}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const svc = await createServices(config);
  if (config.demo) {
    const demo = await seedDemo(svc);
    if (demo) svc.log.info('demo account created', { file: `${config.dataDir}/demo.json`, user: demo.user.email });
  }
  registerJobs(svc);
  const stopBackground = config.workers ? startBackground(svc) : async () => {};
  const app = createApp(svc);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const url = `http://${config.host}:${info.port}`;
    // One machine-readable line so tests and scripts can find the port (PORT=0 picks a free one).
    process.stdout.write(JSON.stringify({ msg: 'listening', url, public_url: config.publicUrl, port: info.port, data_dir: config.dataDir }) + '\n');
  });
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    server.close();
    await stopBackground();
    await svc.store.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  process.stderr.write(`assay: failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
