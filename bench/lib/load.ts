// Runs the load worker as a separate process and returns its measurements.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadMode, LoadResult, LoadSpecWithMode as LoadSpec } from '../load-worker.ts';
import { BENCH_DIR, ROOT, TSX_FLAGS } from './common.ts';

export type { LoadMode, LoadResult, LoadSpec };

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'assay-load-'));
  const file = join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify(spec));
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      const child = spawn(process.execPath, [...TSX_FLAGS, join(BENCH_DIR, 'load-worker.ts'), file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const limit = ((spec.warmupS ?? 0) + spec.durationS + 60) * 1000;
      const timer = setTimeout(() => child.kill('SIGKILL'), limit);
      child.once('exit', (code) => {
        clearTimeout(timer);
        const line = out.trim().split('\n').at(-1) ?? '';
        try {
          if (code !== 0) throw new Error(`exit ${code}`);
          resolve(JSON.parse(line) as LoadResult);
        } catch (e) {
          reject(new Error(`load worker failed (${(e as Error).message}): ${err.slice(-2000)}`));
        }
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
