// Library build of the embed loader: dist/embed/index.js (ESM for npm, with index.d.ts) and
// dist/embed/embed.js (the IIFE served at /embed.js, installing the global `Assay`).
import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin } from 'vite';
import { precompressDir } from './scripts/precompress.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const outDir = here('./dist/embed');

// Vite builds one format per entry in lib mode, so the script-tag build runs as a second pass.
function scriptTagBuild(): Plugin {
  return {
    name: 'assay-embed-script-tag',
    apply: 'build',
    async closeBundle() {
      copyFileSync(here('./widget/embed/published.d.ts'), `${outDir}/index.d.ts`);
      await build({
        configFile: false,
        logLevel: 'warn',
        build: {
          outDir,
          emptyOutDir: false,
          target: 'es2019',
          minify: true,
          copyPublicDir: false,
          rollupOptions: {
            input: here('./widget/embed/global.ts'),
            output: { format: 'iife', entryFileNames: 'embed.js' },
          },
        },
      });
      precompressDir(outDir); // .br and .gz beside both builds, served by Accept-Encoding
    },
  };
}

export default defineConfig({
  publicDir: false,
  plugins: [scriptTagBuild()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2019',
    minify: true,
    lib: {
      entry: here('./widget/embed/index.ts'),
      formats: ['es'],
      fileName: () => 'index.js',
    },
  },
});
