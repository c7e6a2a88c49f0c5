// Writes <file>.br and <file>.gz beside every compressible file of a build, so the server sends the
// smallest bytes without compressing per request (server/http/static.ts picks one by Accept-Encoding).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.map', '.txt']);

export function precompressDir(dir: string): number {
  let written = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      written += precompressDir(p);
      continue;
    }
    if (!COMPRESSIBLE.has(extname(p)) || statSync(p).size === 0) continue;
    const raw = readFileSync(p);
    const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
    const gz = gzipSync(raw, { level: 9 });
    // A variant no smaller than the file would only cost bytes; the server then sends the file itself.
    if (br.length < raw.length) (writeFileSync(`${p}.br`, br), written++);
    if (gz.length < raw.length) (writeFileSync(`${p}.gz`, gz), written++);
  }
  return written;
}
