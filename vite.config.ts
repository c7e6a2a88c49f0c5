// Builds the widget's iframe pages (recruiter app and candidate mode) into dist/widget, served at /widget/.
// Vitest is configured separately (vitest.config.ts).
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { precompressDir } from './scripts/precompress.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The picker is the first view of the widget's main flow: its chunk is preloaded by the page itself
 * (`<link rel="modulepreload">`), so it downloads beside the entry instead of after the session.
 */
const preloadFirstView = (): Plugin => ({
  name: 'assay-preload-first-view',
  apply: 'build',
  transformIndexHtml: {
    order: 'post',
    handler(html, ctx) {
      if (!ctx.filename.endsWith('index.html') || !ctx.bundle) return html;
      const chunk = Object.values(ctx.bundle).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/app/picker/view.tsx'));
      if (!chunk) return html;
      return { html, tags: [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/widget/${chunk.fileName}` }, injectTo: 'head' }] };
    },
  },
});

/**
 * Vite wraps every dynamic import in a preload helper (modulepreload links, CSS of the imported chunk).
 * Here it has nothing to do: the page preloads the first view itself (preloadFirstView), the views'
 * imports are already loaded by the shell, and the views bring no CSS of their own (the page's
 * stylesheet has it all; checked below). So the helper is just the import, which keeps ~500 bytes
 * out of the shell that every view waits for.
 */
const PRELOAD_HELPER = '\0vite/preload-helper.js';
const plainDynamicImports = (): Plugin => ({
  name: 'assay-plain-dynamic-imports',
  apply: 'build',
  enforce: 'pre',
  resolveId: (id) => (id === PRELOAD_HELPER || id === 'vite/preload-helper.js' ? PRELOAD_HELPER : null),
  load: (id) => (id === PRELOAD_HELPER ? 'export const __vitePreload = (load) => load();' : null),
  generateBundle(_options, bundle) {
    for (const c of Object.values(bundle)) {
      const css = c.type === 'chunk' && !c.isEntry ? [...(c.viteMetadata?.importedCss ?? [])] : [];
      if (css.length) this.error(`${c.fileName} brings its own CSS (${css.join(', ')}), which a plain dynamic import would not load`);
    }
  },
});

/** .br and .gz beside every built file, served by Accept-Encoding (server/http/static.ts). */
const precompress = (): Plugin => ({ name: 'assay-precompress', apply: 'build', closeBundle: () => void precompressDir(here('./dist/widget')) });

export default defineConfig({
  root: here('./widget'),
  base: '/widget/',
  publicDir: false,
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false, reactAliasesEnabled: false }), preloadFirstView(), plainDynamicImports(), precompress()],
  build: {
    outDir: here('./dist/widget'),
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // No inline <script>/data: URLs, so the pages run under a strict CSP.
    assetsInlineLimit: 0,
    // The page preloads the entry's shared chunk and the first view (preloadFirstView); the views' own
    // imports are already loaded by the shell, so no preload helper is put into dynamic imports.
    modulePreload: { polyfill: false, resolveDependencies: (_file, deps, { hostType }) => (hostType === 'html' ? deps : []) },
    rollupOptions: {
      input: {
        index: here('./widget/index.html'),
        candidate: here('./widget/candidate.html'),
      },
    },
  },
});
