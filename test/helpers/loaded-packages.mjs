// Preloaded into a server (`node --import ./test/helpers/loaded-packages.mjs …`): when the process exits,
// writes the names of the CommonJS packages it loaded (pg, nodemailer, better-sqlite3 are CommonJS; an
// ES-module import of one still goes through this cache) as JSON to $ASSAY_LOADED_PACKAGES_FILE.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const names = new Set();
  for (const file of Object.keys(cache)) {
    const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file.slice(file.lastIndexOf('node_modules') - 1));
    if (m) names.add(m[1].replace('\\', '/'));
  }
  writeFileSync(process.env.ASSAY_LOADED_PACKAGES_FILE, JSON.stringify([...names].sort()));
});
