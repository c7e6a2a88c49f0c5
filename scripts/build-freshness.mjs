// Is a build output newer than every source it was built from? One rule for `npm start` (scripts/ensure-build.mjs)
// and `npx assay` (bin/assay.mjs, which runs the compiled CLI only when it is fresh, else the TypeScript through tsx).
// Plain JavaScript and node: only, so both run before anything is built.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** @param {string} dir @returns {number} the newest mtime of any file under dir */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * 0 when an output is missing; otherwise whether every output is at least as new as every source.
 * @param {string[]} outputs files, relative to the repository
 * @param {string[]} sources folders and files, relative to the repository (missing ones are skipped)
 * @returns {'missing' | 'stale' | 'fresh'}
 */
export function buildState(outputs, sources) {
  const outs = outputs.map((p) => join(ROOT, p));
  if (!outs.every(existsSync)) return 'missing';
  const built = Math.min(...outs.map((p) => statSync(p).mtimeMs));
  const newestSource = Math.max(
    0,
    ...sources.map((s) => join(ROOT, s)).filter(existsSync).map((p) => (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs)),
  );
  return built >= newestSource ? 'fresh' : 'stale';
}

/** What the compiled server and CLI (dist/server/) are built from. */
export const SERVER_SOURCES = ['server', 'shared', 'scripts/build-server.ts', 'package.json'];
