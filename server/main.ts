import { statSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { statementCounts } from './store/sqlite/store.ts';
import { UsageError } from './errors.ts';
import { createServices } from './services.ts';
import { seedDemo } from './accounts/create-account.ts';
import { registerJobs } from './outbox/jobs.ts';
import { startBackground } from './background.ts';
import './connectors/register.ts';

async function main() {
  // Files we create (database, WAL, .eml copies, demo.json) are readable by the owner only: 0600, folders 0700.
  process.umask(0o077);
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
  let svc;
  try {
    svc = await createServices(config);
  } catch (err) {
    if (!config.databaseUrl) throw err;
    const where = new URL(config.databaseUrl);
    process.stderr.write(`assay: database_unavailable: Cannot open the PostgreSQL database ${where.hostname}:${where.port || 5432}${where.pathname} (${(err as Error).message}).\n`);
    process.exit(1);
  }
  // Every instance on one database must share the master key (secrets sealed by one are opened by all).
  const sealed = (await svc.store.accounts.list()).find((a) => a.context_secret_enc)?.context_secret_enc;
  if (sealed) {
    try {
      svc.box.open(sealed);
    } catch {
      process.stderr.write('assay: master_key_mismatch: The secrets in this database were sealed with another master key; give every instance the same ASSAY_MASTER_KEY.\n');
      process.exit(2);
    }
  }
  const shared = dataFolderShared(config.dataDir);
  if (shared) svc.log.warn('data folder is accessible to other users', { data_dir: config.dataDir, mode: shared, fix: `chmod 700 ${config.dataDir}` });
  svc.log.info(`demo mode ${config.demo ? 'on' : 'off'}`, { reason: config.demoReason });
  if (config.demo) {
    try {
      const demo = await seedDemo(svc);
      if (demo) svc.log.info('demo account created', { file: `${config.dataDir}/demo.json`, user: demo.user.email });
    } catch (err) {
      // Instances starting together on one database race to seed it: the account's unique keys let one win.
      if ((await svc.store.accounts.list()).length === 0) throw err;
      svc.log.info('demo account seeded by another instance');
    }
  }
  registerJobs(svc);
  const stopBackground = config.workers ? startBackground(svc) : async () => {};
  const app = createApp(svc);
  const requestTimeout = config.requestTimeoutMs ?? 30_000;
  const server = serve(
    {
      fetch: app.fetch,
      port: config.port,
      hostname: config.host,
      serverOptions: {
        // Idle keep-alive sockets live longer than a client's pause between calls (and behind a load balancer's 60 s);
        // these timers only run while a request is being received, so a slow body (slowloris) is cut off at
        // requestTimeout instead of Node's 300 s, checked every second rather than every 30 s.
        keepAliveTimeout: 65_000,
        requestTimeout,
        headersTimeout: Math.min(20_000, requestTimeout),
        connectionsCheckingInterval: 1000,
      },
    },
    (info) => {
      const url = `http://${config.host}:${info.port}`;
      // With PORT=0 the default public address can only be known once bound; links must point at it.
      if (!config.publicUrlGiven) config.publicUrl = `http://localhost:${info.port}`;
      // One machine-readable line so tests and scripts can find the port (PORT=0 picks a free one).
      process.stdout.write(JSON.stringify({ msg: 'listening', url, public_url: config.publicUrl, port: info.port, data_dir: config.dataDir, demo: config.demo }) + '\n');
    },
  );
  // Connections beyond the cap are closed on arrival instead of exhausting file descriptors and memory.
  (server as unknown as { maxConnections: number }).maxConnections = config.maxConnections ?? 1000;
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    server.close();
    await stopBackground();
    await svc.store.close();
    const store = svc.store as { statements?: { statements: number; bySql: Map<string, number> } | null; units?: number; commits?: { count: number; units: number } };
    if (config.storeStats && store.statements) {
      const top = statementCounts(store.statements.bySql);
      process.stderr.write(JSON.stringify({ msg: 'store stats', statements: store.statements.statements, units: store.units, commits: store.commits?.count, committed_units: store.commits?.units, top }) + '\n');
    }
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** The folder's mode as octal text when group or others have any access to it, else null. */
function dataFolderShared(dir: string): string | null {
  try {
    const mode = statSync(dir).mode & 0o777;
    return mode & 0o077 ? mode.toString(8).padStart(4, '0') : null;
  } catch {
    return null;
  }
}

main().catch((err) => {
  process.stderr.write(`assay: failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
