// vitest globalSetup of the "postgres" project: one throw-away PostgreSQL cluster for the whole run, whose
// URL every test process inherits (ASSAY_TEST_PG_URL); each server started gets its own database in it
// (test/helpers/server.ts). Stopped at the end of the run, before the run's leftover check.
//
// Cheaper than a cluster (or a migration run) per server: the cluster runs with fsync, synchronous_commit and
// full_page_writes off (test/helpers/postgres.ts; a crash of a throw-away test cluster loses nothing we
// keep — never settings for a real deployment), and the migrations run once here, into a template database
// that every test database is copied from (CREATE DATABASE … TEMPLATE), so a server starting finds its
// schema current instead of migrating it.
import { openPostgresStore } from '../../server/store/postgres/store.ts';
import { startPostgres } from './postgres.ts';
import { PG_TEMPLATE_ENV, PG_URL_ENV, TEMPLATE_DATABASE } from './test-store.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const cluster = await startPostgres({ maxConnections: 400 });
  try {
    const store = await openPostgresStore(await cluster.createDatabase(TEMPLATE_DATABASE), { max: 1 });
    await store.close();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  process.env[PG_URL_ENV] = cluster.url();
  process.env[PG_TEMPLATE_ENV] = TEMPLATE_DATABASE;
  return async () => {
    delete process.env[PG_URL_ENV];
    delete process.env[PG_TEMPLATE_ENV];
    await cluster.stop();
  };
}
