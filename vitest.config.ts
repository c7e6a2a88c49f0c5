import { defineConfig } from 'vitest/config';

/**
 * Integration and reliability files that run on SQLite only (the "sqlite" project), not again on PostgreSQL.
 * About the embedded SQLite deployment itself:
 * - data-folder: the permissions of assay.db and its WAL files in the data folder.
 * - lazy-packages: a SQLite deployment never loads the PostgreSQL driver.
 * - cli-docs: runs the docs' CLI examples exactly as written, i.e. on the default store (./data), where
 *   its server seeded the demo account.
 * - npm-start: `npm start` in a fresh clone, as a newcomer runs it (the default store; no test server).
 * - outbox-outcome-durable, outbox-write-lock: SQLite's file as a second connection or another process sees it
 *   (group commit, the write lock); they open SQLite stores themselves.
 * - outbox-lease: two instances on one database, which is PostgreSQL's deployment; it starts its own cluster
 *   whichever project runs it, so once is enough.
 * What they check is answered before (or without) the store, so a second store adds nothing:
 * - outbound-cap: callVendor against a loopback vendor, no server at all.
 * - compression: built files and answers compressed on the wire.
 * - bounded-caches: 404s for missing static asset paths and the server's memory.
 * - body-limits: 413 while the body streams, before a route reads it; the server's memory.
 * - methods: 405 for undocumented methods, before any login check or rate limit.
 * - redirects: normalising the login's `next` path.
 * Every other file starts a server (or services) and exercises its store, so it runs on both.
 */
const SQLITE_ONLY = [
  'test/reliability/data-folder.test.ts',
  'test/integration/lazy-packages.test.ts',
  'test/integration/cli-docs.test.ts',
  'test/integration/npm-start.test.ts',
  'test/integration/outbox-outcome-durable.test.ts',
  'test/integration/outbox-write-lock.test.ts',
  'test/integration/outbox-lease.test.ts',
  'test/reliability/outbound-cap.test.ts',
  'test/integration/compression.test.ts',
  'test/reliability/bounded-caches.test.ts',
  'test/reliability/body-limits.test.ts',
  'test/reliability/methods.test.ts',
  'test/reliability/redirects.test.ts',
];

/**
 * Files left out of `npm test`'s postgres project for time; `npm run test:postgres` (ASSAY_TEST_PG_ALL=1) runs them.
 * crash took 275 s on PostgreSQL (142 s on SQLite), hostile-input 183 s (66 s), on a loaded 2-core machine (load
 * ~20). Both are reliability files: the crash test's promise (no acknowledged webhook lost to SIGKILL) is about
 * the server's own group commit on SQLite; on PostgreSQL durability is the database's commit.
 * Every test/integration file runs on both stores in `npm test` (bar SQLITE_ONLY's, each with its reason).
 */
const PG_LONG = [
  'test/reliability/crash.test.ts',
  'test/reliability/hostile-input.test.ts',
];
const PG_ALL = process.env.ASSAY_TEST_PG_ALL === '1';

// Tests start real servers and Chromium: two cores, so keep file-level parallelism modest.
// Two projects: every test on the default store (SQLite), and the integration and reliability suites again
// with every server on PostgreSQL (one cluster for the run, a database per server: test/helpers/test-store.ts).
export default defineConfig({
  test: {
    exclude: ['node_modules/**', 'dist/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    pool: 'forks',
    // Nothing a test starts outlives it: each file is checked after its hooks, the run at its end.
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/file-setup.ts'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.{ts,tsx}'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/integration/**/*.test.ts', 'test/reliability/**/*.test.ts'],
          exclude: ['node_modules/**', 'dist/**', ...SQLITE_ONLY, ...(PG_ALL ? [] : PG_LONG)],
          env: { ASSAY_TEST_STORE: 'postgres' },
          globalSetup: ['test/helpers/pg-global-setup.ts'],
        },
      },
    ],
  },
});
