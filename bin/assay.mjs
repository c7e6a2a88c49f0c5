#!/usr/bin/env node
// `npx assay <command>`. It calls runCli itself rather than relying on an "am I the main module" check, which
// fails when npm starts the bin through a symlink (node_modules/.bin/assay), so `npx assay`, `node bin/assay.mjs`
// and `npm run assay` behave the same. It runs the compiled CLI (dist/server/cli.js, written by `npm run build`)
// when that is newer than every server source — plain node, about a third of the start-up time and 40 MB less —
// and otherwise the TypeScript through tsx, so no build step is needed and an edited source is never stale.
import { buildState, SERVER_SOURCES } from '../scripts/build-freshness.mjs';

process.umask(0o077); // files created in DATA_DIR (database, e-mail copies) are the owner's only
const compiled = buildState(['dist/server/cli.js'], SERVER_SOURCES) === 'fresh';
if (!compiled) (await import('tsx/esm/api')).register();
const { runCli, exitAfterFlush } = await import(compiled ? '../dist/server/cli.js' : '../server/cli/main.ts');
exitAfterFlush(await runCli(process.argv.slice(2)));
