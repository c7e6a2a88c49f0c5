import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './server.ts';

/** Runs `assay <args>` as a person would, against a data folder. */
export function assay(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string; json: any } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/assay.mjs'), ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 60_000 });
  let json: any = null;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    /* human output */
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}
