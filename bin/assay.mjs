#!/usr/bin/env node
// `npx assay <command>`: runs the TypeScript CLI through tsx (no build step needed). It calls runCli itself
// rather than relying on an "am I the main module" check, which fails when npm starts the bin through a
// symlink (node_modules/.bin/assay), so `npx assay`, `node bin/assay.mjs` and `npm run assay` behave the same.
import { register } from 'tsx/esm/api';
register();
process.umask(0o077); // files created in DATA_DIR (database, e-mail copies) are the owner's only
const { runCli, exitAfterFlush } = await import('../server/cli/main.ts');
exitAfterFlush(await runCli(process.argv.slice(2)));
