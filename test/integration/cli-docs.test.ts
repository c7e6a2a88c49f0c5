// The CLI as the README writes it (issue 18: "`npx assay --help` … print nothing and exit 0"). Every CLI example
// in README.md and docs/*.md is extracted from the markdown and run through a shell, exactly as written, from a
// copy of the repository like a fresh clone (tracked files, node_modules as `npm ci` would leave it), with
// `npx`. Examples with <placeholders> or only naming a command are checked through that command's --help
// (the command exists and knows every option the example uses). `--json` prints exactly one JSON document on
// stdout, and `npx assay`, `node bin/assay.mjs` and `npm run -s assay --` answer the same.
import { exec } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildState, SERVER_SOURCES } from '../../scripts/build-freshness.mjs';
import { freshClone } from '../helpers/clone.ts';
import { ROOT, startServer } from '../helpers/server.ts';

interface Example {
  file: string;
  line: number;
  text: string;
  runnable: boolean; // a whole command in a code block, without placeholders
}

/** `npx assay …` in code blocks and inline code of README.md and docs/*.md; `assay …` mentions too. */
function examples(): Example[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const out: Example[] = [];
  for (const file of files) {
    let inBlock = false;
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .forEach((l, i) => {
        if (l.trim().startsWith('```')) return void (inBlock = !inBlock);
        if (inBlock) {
          const m = /^\s*((?:npx assay|npm run -s assay --) .*?)\s*(?:#.*)?$/.exec(l);
          if (m) out.push({ file, line: i + 1, text: m[1]!, runnable: !/[<…]/.test(m[1]!) });
        } else {
          for (const m of l.matchAll(/`((?:npx )?assay [^`]*)`/g)) out.push({ file, line: i + 1, text: m[1]!.startsWith('npx ') ? m[1]! : `npx ${m[1]}`, runnable: false });
        }
      });
  }
  return out;
}

let clone = '';
let npmCache = '';
const env = () => ({ ...process.env, LOG_LEVEL: 'warn', npm_config_cache: npmCache, npm_config_update_notifier: 'false', DATA_DIR: '', DATABASE_URL: '' }) as NodeJS.ProcessEnv;

function sh(cmd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    exec(cmd, { cwd: clone, env: env(), timeout: 180_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

beforeAll(async () => {
  clone = freshClone();
  npmCache = mkdtempSync(join(tmpdir(), 'assay-npm-cache-'));
  // The README's first step is `npm start`, which creates the demo account in ./data.
  const srv = await startServer({ dataDir: join(clone, 'data'), env: { DATA_DIR: join(clone, 'data') } });
  await srv.stop();
}, 180_000);
afterAll(() => {
  rmSync(clone, { recursive: true, force: true });
  rmSync(npmCache, { recursive: true, force: true });
});

describe('the CLI as the docs write it', () => {
  it('`npx assay --help` in a fresh clone prints the usage', async () => {
    const r = await sh('npx assay --help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: assay <command> \[options\]/);
    expect(r.stdout).toContain('token');
  }, 200_000);
});

describe('the CLI as the docs write it, after `npm start` has built the project', () => {
  // The README's first step, `npm start`, builds dist/ (the compiled server and CLI) before it serves; `npx assay`
  // then runs the compiled CLI. npm test has just built the same files here: the clone gets them as npm start
  // would leave them (written after the sources, so they count as fresh). Without a fresh build here the CLI runs
  // the TypeScript through tsx, as in the first test above, and these tests still hold.
  beforeAll(() => {
    if (buildState(['dist/server/main.js', 'dist/server/cli.js'], SERVER_SOURCES) === 'fresh') cpSync(join(ROOT, 'dist'), join(clone, 'dist'), { recursive: true });
  });

  it('runs every CLI example of README.md and docs/*.md as written', async () => {
    const all = examples();
    expect(all.length).toBeGreaterThanOrEqual(5);
    const help = (await sh('npx assay --help')).stdout;
    for (const ex of all) {
      const where = `${ex.file}:${ex.line} \`${ex.text}\``;
      const cmd = /^npx assay (\S+)/.exec(ex.text)?.[1] ?? '';
      if (ex.runnable) {
        const r = await sh(ex.text);
        if (/db:copy .*postgres:\/\/assay:secret@db:/.test(ex.text)) {
          // Needs the PostgreSQL server named in the example: without it, one clear line, no stack, no password.
          expect(r.code, where).not.toBe(0);
          expect(r.stderr.trim().split('\n'), where).toHaveLength(1);
          expect(r.stderr, where).toMatch(/^assay db:copy: \w+: /);
          expect(r.stderr, where).not.toContain('secret');
          continue;
        }
        expect(r.code, `${where}\n${r.stderr}`).toBe(0);
        expect(r.stdout.trim(), where).not.toBe('');
        if (cmd === 'token') expect(r.stdout.trim(), where).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        if (cmd === '--help' || ex.text.endsWith('--help')) expect(r.stdout, where).toMatch(/^Usage: assay/);
      } else if (cmd.startsWith('<') || cmd.startsWith('-') || cmd === '…' || cmd === '') {
        // A placeholder (`<command>`, `…`), a global flag (`npx assay --help` named in prose) or the bare command: the main usage.
        expect(help, where).toMatch(/^Usage: assay <command>/);
      } else {
        const r = await sh(`npx assay ${cmd} --help`);
        expect(r.code, `${where}\n${r.stderr}`).toBe(0);
        expect(r.stdout, where).toMatch(new RegExp(`^Usage: assay ${cmd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
        for (const opt of ex.text.matchAll(/(--[a-z][\w-]*)/g)) expect(r.stdout, `${where}: ${opt[1]} is not an option`).toContain(`  ${opt[1]}`);
      }
    }
  }, 900_000);

  it('--json prints exactly one JSON document on stdout, the same however the CLI is started', async () => {
    const ways = ['npx assay', 'node bin/assay.mjs', 'npm run -s assay --'];
    const outs: unknown[] = [];
    for (const way of ways) {
      const r = await sh(`${way} token --account demo --candidate cand-42 --json`);
      expect(r.code, `${way}: ${r.stderr}`).toBe(0);
      const doc = JSON.parse(r.stdout); // throws if stdout holds anything besides one JSON document
      expect(typeof doc).toBe('object');
      outs.push(Object.keys(doc as object).sort());
      const help = await sh(`${way} --help`);
      expect(help.stdout, way).toMatch(/^Usage: assay <command>/);
      // An error with --json is one JSON document on stderr, and nothing on stdout.
      const bad = await sh(`${way} token --account nobody --json`);
      expect(bad.code, way).toBe(2);
      expect(bad.stdout, way).toBe('');
      expect(JSON.parse(bad.stderr), way).toMatchObject({ error: { code: 'unknown_account' } });
    }
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
  }, 600_000);
});
