// `npm start` builds only when dist/ is missing or older than its sources (widget, shared code, server),
// so a fresh clone starts with one command and a restart does not rebuild (or disturb a running build).
// Plain JavaScript: `npm start` runs node only (the compiled server, dist/server/main.js), never tsx.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['dist/widget/.vite/manifest.json', 'dist/embed/embed.js', 'dist/dashboard/index.html', 'dist/server/main.js'].map((p) => join(ROOT, p));

/** @param {string} dir @returns {number} */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const built = outputs.every(existsSync) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
const configs = ['vite.config.ts', 'vite.embed.config.ts', 'vite.dashboard.config.ts', 'scripts/build-server.ts', 'scripts/precompress.ts', 'package.json'].map((f) => join(ROOT, f)).filter(existsSync);
const sources = Math.max(...['widget', 'dashboard', 'shared', 'server'].map((d) => newest(join(ROOT, d))), ...configs.map((f) => statSync(f).mtimeMs));
if (built < sources) {
  process.stderr.write(built ? 'assay: sources changed, rebuilding…\n' : 'assay: building the widget and the server (first start)…\n');
  execSync('npm run build', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
