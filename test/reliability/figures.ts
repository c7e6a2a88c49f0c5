// The long reliability tests write what they did (requests sent, kills survived, …) as JSON, one file per
// test, to $REL_FIGURES_DIR (default: a fixed folder under the OS temp dir). scripts/reliability-report.ts
// renders those files into docs/reliability.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIGURES_DIR = process.env.REL_FIGURES_DIR || join(tmpdir(), 'assay-reliability-figures');

/** Writes `<name>.json` with the figures, when they were taken, and how loaded the machine was. */
export function writeFigures(name: string, figures: Record<string, unknown>, passed: boolean): void {
  try {
    mkdirSync(FIGURES_DIR, { recursive: true });
    const body = { name, passed, at: new Date().toISOString(), machine: { cpus: cpus().length, loadavg_1m: Math.round(loadavg()[0]! * 100) / 100, node: process.version }, figures };
    writeFileSync(join(FIGURES_DIR, `${name}.json`), JSON.stringify(body, null, 2) + '\n');
  } catch (err) {
    process.stderr.write(`could not write reliability figures for ${name}: ${(err as Error).message}\n`);
  }
}
