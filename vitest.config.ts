import { defineConfig } from 'vitest/config';

/**
 * Files of the PostgreSQL run that are about the embedded SQLite file itself, so they run on SQLite only:
 * - data-folder: the permissions of assay.db and its WAL files in the data folder.
 * - cli-docs: runs the docs' CLI examples exactly as written, i.e. on the default store (./data), where
 *   its server seeded the demo account.
 */
const SQLITE_ONLY = ['test/reliability/data-folder.test.ts', 'test/integration/cli-docs.test.ts'];

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
          exclude: ['node_modules/**', 'dist/**', ...SQLITE_ONLY],
          env: { ASSAY_TEST_STORE: 'postgres' },
          globalSetup: ['test/helpers/pg-global-setup.ts'],
        },
      },
    ],
  },
});
