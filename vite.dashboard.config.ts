// Builds the provider dashboard (dashboard/) into dist/dashboard, served at /dashboard/ behind the login.
// Its own entry, so the widget's bundle budgets stay as they are.
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { precompressDir } from './scripts/precompress.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
// .br and .gz beside every built file, served by Accept-Encoding (server/http/static.ts).
const precompress = (): Plugin => ({ name: 'assay-precompress', apply: 'build', closeBundle: () => void precompressDir(here('./dist/dashboard')) });

export default defineConfig({
  root: here('./dashboard'),
  base: '/dashboard/',
  publicDir: false,
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false, reactAliasesEnabled: false }), precompress()],
  build: {
    outDir: here('./dist/dashboard'),
    emptyOutDir: true,
    target: 'es2022',
    // No inline <script>/data: URLs, so the page runs under a strict CSP.
    assetsInlineLimit: 0,
    modulePreload: false,
    rollupOptions: { input: { index: here('./dashboard/index.html') } },
  },
});
