// vitest globalSetup of the "postgres" project: one throw-away PostgreSQL cluster for the whole run, whose
// URL every test process inherits (ASSAY_TEST_PG_URL); each server started gets its own database in it
// (test/helpers/server.ts). Stopped at the end of the run, before the run's leftover check.
import { startPostgres } from './postgres.ts';
import { PG_URL_ENV } from './test-store.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const cluster = await startPostgres({ maxConnections: 400 });
  process.env[PG_URL_ENV] = cluster.url();
  return async () => {
    delete process.env[PG_URL_ENV];
    await cluster.stop();
  };
}
