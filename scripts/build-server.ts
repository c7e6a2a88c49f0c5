// Compiles the server (server/ and the shared/ code it imports) into ES modules, entry dist/server/main.js,
// which `npm start` runs with plain node: no TypeScript loader thread, no esbuild service at run time.
// Dependencies stay external (resolved from node_modules as before). Code imported with `await import()`
// (the PostgreSQL store) goes to its own chunk beside main.js, so its dependencies (pg) load only when used.
// Files that locate things beside themselves (`new URL('../../content/', import.meta.url)`: content
// packages, dist/, client scripts) get their own source location back, so the compiled server reads the
// same files as the TypeScript one.
import { build, type Plugin } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_OUT = join(ROOT, 'dist/server/main.js');

const sourceLocation = (outdir: string): Plugin => ({
  name: 'assay-source-location',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
      const rel = relative(outdir, args.path).split('\\').join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
    });
  },
});

/** Into dist/server, or (tests) another folder; the compiled code finds content/ and dist/ from where it is. */
export async function buildServer(outdir = dirname(SERVER_OUT)): Promise<void> {
  await rm(outdir, { recursive: true, force: true }); // no chunks of an earlier build left behind
  await build({
    // main.js for `npm start`; cli.js for `npx assay` (bin/assay.mjs runs it when it is newer than the sources).
    entryPoints: { main: join(ROOT, 'server/main.ts'), cli: join(ROOT, 'server/cli/main.ts') },
    outdir,
    splitting: true,
    chunkNames: '[name]-[hash]', // beside main.js: the relative source locations hold for every chunk
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [sourceLocation(outdir)],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildServer();
