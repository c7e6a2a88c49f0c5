// Which store this test run's servers use. The vitest project "postgres" (vitest.config.ts) sets
// ASSAY_TEST_STORE=postgres and its global setup (pg-global-setup.ts) starts one PostgreSQL cluster for the
// run, named in ASSAY_TEST_PG_URL; every server a test starts then gets a database of its own in it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../../server/store/postgres/store.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import type { Store } from '../../server/store/types.ts';

export const STORE_ENV = 'ASSAY_TEST_STORE';
export const PG_URL_ENV = 'ASSAY_TEST_PG_URL';
/** The database of the run's cluster holding the migrated, empty schema every test database is copied from. */
export const PG_TEMPLATE_ENV = 'ASSAY_TEST_PG_TEMPLATE';
export const TEMPLATE_DATABASE = 'assay_template';

export function testStore(): 'sqlite' | 'postgres' {
  const v = process.env[STORE_ENV] ?? 'sqlite';
  if (v !== 'sqlite' && v !== 'postgres') throw new Error(`${STORE_ENV} must be "sqlite" or "postgres", not "${v}".`);
  return v;
}

function clusterUrl(): string {
  const url = process.env[PG_URL_ENV];
  if (!url) throw new Error(`${STORE_ENV}=postgres needs the cluster the "postgres" project's global setup starts (${PG_URL_ENV} is unset): run it as \`vitest run --project postgres\`.`);
  return url;
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: clusterUrl() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

let n = 0;
const pgOfDataDir = new Map<string, Record<string, string>>();

/**
 * A new database in the run's cluster: a copy of the template the global setup migrated (so the server's
 * migrations find nothing to do), or empty when there is none (the server's migrations create the schema).
 */
export async function createTestDatabase(): Promise<string> {
  const name = `assay_${process.pid}_${++n}`;
  const template = process.env[PG_TEMPLATE_ENV];
  await admin(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  const url = new URL(clusterUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/**
 * What loadConfig needs for a services instance a test builds in its own process on a fresh data folder:
 * DATA_DIR, and on the PostgreSQL run a database of its own with a master key.
 */
export async function storeEnvFor(dataDir: string): Promise<Record<string, string>> {
  if (testStore() !== 'postgres') return { DATA_DIR: dataDir };
  // The same data folder means the same data: one database per folder, for as long as the process lives.
  let env = pgOfDataDir.get(dataDir);
  if (!env) {
    env = { DATA_DIR: dataDir, DATABASE_URL: await createTestDatabase(), ASSAY_MASTER_KEY: randomBytes(32).toString('base64') };
    pgOfDataDir.set(dataDir, env);
  }
  return env;
}

/** The data folder is gone: on PostgreSQL its database is dropped too. */
export async function forgetStore(dataDir: string): Promise<void> {
  const env = pgOfDataDir.get(dataDir);
  if (!env) return;
  pgOfDataDir.delete(dataDir);
  await dropTestDatabase(env.DATABASE_URL!);
}

/**
 * The store a started server runs on (its storeEnv), opened in the test's process beside it — to arrange a
 * case or read through the repositories, as a second instance would.
 */
export async function openServerStore(storeEnv: Record<string, string | undefined>): Promise<Store> {
  if (storeEnv.DATABASE_URL) return openPostgresStore(storeEnv.DATABASE_URL, { max: 2 });
  return openSqliteStore(storeEnv.DATA_DIR!);
}
