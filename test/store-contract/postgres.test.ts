// The store contract against PostgreSQL: a throw-away cluster for this file; every test starts from
// empty tables (TRUNCATE, much quicker than a database per test).
import { afterAll, beforeAll } from 'vitest';
import { openPostgresStore } from '../../server/store/postgres/store.ts';
import { startPostgres, type PgCluster } from '../helpers/postgres.ts';
import { storeContract } from './contract.ts';

let cluster: PgCluster;
let url: string;
beforeAll(async () => {
  cluster = await startPostgres();
  url = await cluster.createDatabase();
});
afterAll(async () => {
  await cluster?.stop();
});

storeContract({
  name: 'postgres',
  async open() {
    const store = await openPostgresStore(url);
    const tables = (await store.pool.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'")).rows.map((r) => `"${r.t}"`);
    await store.pool.query(`TRUNCATE ${tables.join(', ')} CASCADE`);
    return store;
  },
});
