// `npm start` builds the widget only when dist/ is missing or older than its sources, so a fresh clone
// starts with one command and a restart does not rebuild (or disturb a running build).
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['dist/widget/.vite/manifest.json', 'dist/embed/embed.js', 'dist/dashboard/index.html'].map((p) => join(ROOT, p));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const built = outputs.every(existsSync) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
const sources = Math.max(newest(join(ROOT, 'widget')), newest(join(ROOT, 'shared')), newest(join(ROOT, 'dashboard')), ...['vite.config.ts', 'vite.embed.config.ts', 'vite.dashboard.config.ts'].map((f) => statSync(join(ROOT, f)).mtimeMs));
if (built < sources) {
  process.stderr.write(built ? 'assay: widget sources changed, rebuilding…\n' : 'assay: building the widget (first start)…\n');
  execSync('npm run build', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
