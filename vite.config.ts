// Builds the widget's iframe pages (recruiter app and candidate mode) into dist/widget, served at /widget/.
// Vitest is configured separately (vitest.config.ts).
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { precompressDir } from './scripts/precompress.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** .br and .gz beside every built file, served by Accept-Encoding (server/http/static.ts). */
const precompress = (): Plugin => ({ name: 'assay-precompress', apply: 'build', closeBundle: () => void precompressDir(here('./dist/widget')) });

export default defineConfig({
  root: here('./widget'),
  base: '/widget/',
  publicDir: false,
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false, reactAliasesEnabled: false }), precompress()],
  build: {
    outDir: here('./dist/widget'),
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // No inline <script>/data: URLs, so the pages run under a strict CSP.
    assetsInlineLimit: 0,
    // The views' shared code is already loaded by the shell; a preload helper would cost more than it saves.
    modulePreload: false,
    rollupOptions: {
      input: {
        index: here('./widget/index.html'),
        candidate: here('./widget/candidate.html'),
      },
    },
  },
});
