import { defineConfig } from 'vitest/config';

// Tests start real servers and Chromium: two cores, so keep file-level parallelism modest.
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['node_modules/**', 'dist/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    pool: 'forks',
    // Nothing a test starts outlives it: each file is checked after its hooks, the run at its end.
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/file-setup.ts'],
  },
});
