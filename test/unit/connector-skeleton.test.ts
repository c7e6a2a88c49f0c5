// One connector skeleton (issue 17): every folder under server/connectors/ holds exactly the same files, and
// index.ts is only the Connector object (register.ts is the only writer of the registry), so a sixth ATS is
// "copy a folder, add one line to shared/providers.ts" — and docs/connectors.md says exactly that.
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

  it('index.ts only builds the Connector object from its siblings; register.ts registers it', async () => {
    const text = readFileSync(join(DIR, folder, 'index.ts'), 'utf8');
    const code = text.replace(/^\s*\/\/.*$/gm, '');
    // Imports: the types and the folder's own skeleton files; nothing else (not the registry: register.ts writes it).
    for (const [, from] of code.matchAll(/^import [^;]*? from '([^']+)';/gm)) expect(['../types.ts', ...SKELETON.map((f) => `./${f}`)], `${folder}/index.ts imports ${from}`).toContain(from);
    // One export, named `connector` (register.ts loads it by that name); no functions or other statements of its own.
    expect([...code.matchAll(/^export /gm)].length, `${folder}/index.ts exports`).toBe(1);
    expect(code).toMatch(/^export const connector: Connector = \{/m);
    expect(code, `${folder}/index.ts has logic`).not.toMatch(/\bfunction\b|=>|\bawait\b|\bif\s*\(|\bfor\s*\(|registerConnector/);

    const mod = (await import(join(DIR, folder, 'index.ts'))) as Record<string, unknown>;
    expect(Object.keys(mod)).toEqual(['connector']);
    await import('../../server/connectors/register.ts');
    const { connectors } = await import('../../server/connectors/index.ts');
    expect(connectors[folder]).toBe(mod.connector);
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

it('the folders are exactly the providers of shared/providers.ts, registered in its order by register.ts alone', async () => {
  const { PROVIDERS } = await import('../../shared/providers.ts');
  expect(folders).toEqual([...PROVIDERS].sort());
  await import('../../server/connectors/register.ts');
  const { connectors } = await import('../../server/connectors/index.ts');
  expect(Object.keys(connectors)).toEqual([...PROVIDERS]);
  // No other file writes the registry (register.ts is its one writer).
  const writers = readdirSync(join(ROOT, 'server'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && /\bconnectors\[[^\]]+\]\s*=[^=]|Object\.assign\(connectors\b|registerConnector/.test(readFileSync(join(ROOT, 'server', f), 'utf8')))
    .map((f) => f.split('\\').join('/'));
  expect(writers).toEqual(['connectors/register.ts']);
});

// docs/connectors.md is the newcomer's guide: its table of a folder's files is the skeleton above, and its steps
// for a sixth ATS name the one line to add (shared/providers.ts) and the export register.ts loads.
describe('docs/connectors.md matches the code', () => {
  const doc = readFileSync(join(ROOT, 'docs/connectors.md'), 'utf8');
  const section = (title: string) => {
    const start = doc.indexOf(`## ${title}`);
    expect(start, `docs/connectors.md has "## ${title}"`).toBeGreaterThanOrEqual(0);
    const end = doc.indexOf('\n## ', start + 3);
    return doc.slice(start, end < 0 ? undefined : end);
  };

  it("lists exactly the skeleton's files, each with what it holds", () => {
    const rows = [...section('The files of a connector folder').matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)];
    expect(rows.map((r) => r[1]).sort()).toEqual(SKELETON);
    for (const r of rows) expect(r[2]!.trim().length, `${r[1]} is described`).toBeGreaterThan(10);
  });

  it('says a sixth ATS is a copied folder plus one line in shared/providers.ts, and nothing else to register', async () => {
    const steps = section('Adding a sixth ATS');
    expect(steps).toContain('server/connectors/<provider>/');
    expect(steps).toContain('shared/providers.ts');
    expect(steps).toContain('export const connector: Connector');
    expect(steps).not.toMatch(/REGISTRY|registerConnector/);
    // What the steps say to copy is a real folder with the skeleton.
    for (const [, folder] of steps.matchAll(/`(\w+)\/`/g)) expect(folders, `docs name the folder ${folder}/`).toContain(folder);
    // The one line: an entry of PROVIDER_LABELS, and register.ts takes its list from there.
    expect(readFileSync(join(ROOT, 'shared/providers.ts'), 'utf8')).toMatch(/export const PROVIDER_LABELS = \{/);
    expect(readFileSync(join(ROOT, 'server/connectors/register.ts'), 'utf8')).toMatch(/import\(`\.\/\$\{provider\}\/index\.ts`\)/);
  });
});
