import type { Config } from './config.ts';
import { SecretBox, deriveKey } from './crypto/secrets.ts';
import { createLogger, type Logger } from './log.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { OutboxWorker } from './outbox/worker.ts';
import type { Store } from './store/types.ts';
import { openSqliteStore } from './store/sqlite/store.ts';
import { connectors } from './connectors/index.ts';
import type { Connector } from './connectors/types.ts';

/** Everything a route, connector or job needs, built once per process. */
export interface Services {
  config: Config;
  store: Store;
  box: SecretBox;
  log: Logger;
  mailer: Mailer;
  outbox: OutboxWorker;
  sessionKey: Uint8Array;
  connectors: Record<string, Connector>;
}

export async function createServices(config: Config, overrides: Partial<Services> = {}): Promise<Services> {
  const log = overrides.log ?? createLogger(config.logLevel);
  // DATABASE_URL: PostgreSQL, shared by any number of instances; otherwise the embedded SQLite file.
  // The PostgreSQL store (and its driver, pg) is loaded only when configured: SQLite deployments never carry it.
  const store =
    overrides.store ??
    (config.databaseUrl
      ? await (await import('./store/postgres/store.ts')).openPostgresStore(config.databaseUrl, { onError: (err) => log.warn('database connection lost', { error: err.message }) })
      : openSqliteStore(config.dataDir, 'assay.db', { countStatements: config.storeStats }));
  return {
    config,
    store,
    box: new SecretBox(config.masterKey),
    log,
    mailer: overrides.mailer ?? createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir }),
    outbox: overrides.outbox ?? new OutboxWorker(store, log, config.outboxLeaseMs ? { leaseMs: config.outboxLeaseMs } : {}),
    sessionKey: deriveKey(config.masterKey, 'widget session'),
    connectors: overrides.connectors ?? connectors,
  };
}
