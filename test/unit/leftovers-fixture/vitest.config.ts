// A vitest run that leaks on purpose, started by test/unit/leftovers.test.ts with the project's own
// global setup and per-file check, to prove they catch, kill and report what a test leaves running.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  test: {
    root: here('./'),
    include: ['*.leak.ts'],
    pool: 'forks',
    globalSetup: [here('../../helpers/global-setup.ts')],
    setupFiles: [here('../../helpers/file-setup.ts')],
  },
});
