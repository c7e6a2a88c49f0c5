// `npm start` builds only when dist/ is missing or older than its sources (widget, shared code, server),
// so a fresh clone starts with one command and a restart does not rebuild (or disturb a running build).
// Plain JavaScript: `npm start` runs node only (the compiled server, dist/server/main.js), never tsx.
import { execSync } from 'node:child_process';
import { buildState, ROOT, SERVER_SOURCES } from './build-freshness.mjs';

const outputs = ['dist/widget/.vite/manifest.json', 'dist/embed/embed.js', 'dist/dashboard/index.html', 'dist/server/main.js'];
const sources = [...SERVER_SOURCES, 'widget', 'dashboard', 'vite.config.ts', 'vite.embed.config.ts', 'vite.dashboard.config.ts', 'scripts/precompress.ts'];
const state = buildState(outputs, sources);
if (state !== 'fresh') {
  process.stderr.write(state === 'stale' ? 'assay: sources changed, rebuilding…\n' : 'assay: building the widget and the server (first start)…\n');
  execSync('npm run build', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
