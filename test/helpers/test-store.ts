// Which store this test run's servers use. The vitest project "postgres" (vitest.config.ts) sets
// ASSAY_TEST_STORE=postgres and its global setup (pg-global-setup.ts) starts one PostgreSQL cluster for the
// run, named in ASSAY_TEST_PG_URL; every server a test starts then gets a database of its own in it.
import pg from 'pg';

export const STORE_ENV = 'ASSAY_TEST_STORE';
export const PG_URL_ENV = 'ASSAY_TEST_PG_URL';

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

/** A new empty database in the run's cluster; the server's migrations create the schema. */
export async function createTestDatabase(): Promise<string> {
  const name = `assay_${process.pid}_${++n}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(clusterUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
