// Small vitest runs with the project's own global setup and per-file check, started by the tests of the
// test tooling: test/unit/leftovers.test.ts (leaks.fixture.ts leaks on purpose) and
// test/unit/test-repeat.test.ts (flaky.fixture.ts fails on its second run).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  test: {
    root: here('./'),
    include: ['*.fixture.ts'],
    pool: 'forks',
    globalSetup: [here('../../helpers/global-setup.ts')],
    setupFiles: [here('../../helpers/file-setup.ts')],
  },
});
