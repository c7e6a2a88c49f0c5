// One connector skeleton (issue 17, item 2): every folder under server/connectors/ holds exactly the same files,
// and index.ts is only the Connector object and its registration, so a sixth ATS is "copy a folder".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server.ts';

const DIR = join(ROOT, 'server/connectors');
const SKELETON = ['check.ts', 'cli.ts', 'client.ts', 'index.ts', 'routes.ts', 'settings.ts', 'sync.ts', 'webhook.ts', 'write-back.ts'];
const folders = readdirSync(DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

it('there are connector folders to check', () => {
  expect(folders.length).toBeGreaterThanOrEqual(5);
});

describe.each(folders)('server/connectors/%s', (folder) => {
  it('has exactly the skeleton files', () => {
    expect(readdirSync(join(DIR, folder)).sort()).toEqual(SKELETON);
  });

  it('index.ts only builds the Connector object from its siblings and registers it', async () => {
    const text = readFileSync(join(DIR, folder, 'index.ts'), 'utf8');
    const code = text.replace(/^\s*\/\/.*$/gm, '');
    // Imports: the registry, the types, and the folder's own skeleton files; nothing else.
    for (const [, from] of code.matchAll(/^import [^;]*? from '([^']+)';/gm)) expect(['../index.ts', '../types.ts', ...SKELETON.map((f) => `./${f}`)], `${folder}/index.ts imports ${from}`).toContain(from);
    // One export (the Connector) and one registration; no functions or other statements of its own.
    expect([...code.matchAll(/^export /gm)].length, `${folder}/index.ts exports`).toBe(1);
    expect(code).toMatch(/^export const \w+: Connector = \{/m);
    expect([...code.matchAll(/registerConnector\(/g)].length).toBe(1);
    expect(code, `${folder}/index.ts has logic`).not.toMatch(/\bfunction\b|=>|\bawait\b|\bif\s*\(|\bfor\s*\(/);

    const mod = (await import(join(DIR, folder, 'index.ts'))) as Record<string, unknown>;
    const exported = Object.values(mod);
    expect(exported).toHaveLength(1);
    const { connectors } = await import('../../server/connectors/index.ts');
    expect(connectors[folder]).toBe(exported[0]);
  });
});

it('every connector command is in the assay command table and no provider keeps a command file in server/cli/', async () => {
  await import('../../server/connectors/register.ts');
  const { connectors } = await import('../../server/connectors/index.ts');
  const { commands } = await import('../../server/cli/commands.ts');
  for (const c of Object.values(connectors)) for (const name of Object.keys(c.cli ?? {})) expect(commands[name], name).toBe(c.cli![name]);
  const cliFiles = readdirSync(join(ROOT, 'server/cli'));
  for (const folder of folders) expect(cliFiles).not.toContain(`${folder}-commands.ts`);
});
