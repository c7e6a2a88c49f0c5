// A fresh clone of the working tree for tests that run the project as a newcomer would.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './server.ts';

/**
 * The working tree as git would check it out (tracked and new files as they are now, nothing ignored such
 * as dist/ or data/), in a new temporary folder, sharing node_modules as `npm ci` would leave it.
 */
export function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'assay-clone-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    // Skips node_modules (linked below) and files deleted in the working tree.
    if (f === 'node_modules' || f.startsWith('node_modules/') || !existsSync(join(ROOT, f))) continue;
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(dir, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}
