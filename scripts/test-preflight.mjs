#!/usr/bin/env node
// `npm test` runs this first. The tests need two programs from the system: Chromium at /usr/bin/chromium
// (test/browser/helpers.ts) and PostgreSQL's server programs (test/helpers/postgres.ts finds them in $PG_BIN,
// /usr/lib/postgresql/<version>/bin or `pg_config --bindir`). When one is missing we install Debian's
// packages the way CI does (apt-get, as root, or through a sudo that asks no password); when we cannot, we
// stop at once with the one command to run, instead of a wall of failing tests.
//
// Exit codes: 0 ready; 1 an install ran but did not help; 2 missing and we may not install (command printed).
// ASSAY_PREFLIGHT_ROOT (default /) is where the system folders are looked for: only the preflight's own test
// (test/unit/preflight.test.ts) sets it, to play a machine without the programs.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sys = process.env.ASSAY_PREFLIGHT_ROOT || '/';
const at = (p) => join(sys, p);

const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** A program on $PATH, or null. */
const onPath = (name) => (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name)).find(executable) ?? null;

function pgBinFound() {
  const dirs = [];
  if (process.env.PG_BIN) dirs.push(process.env.PG_BIN);
  const debian = at('/usr/lib/postgresql');
  if (existsSync(debian)) for (const v of readdirSync(debian)) dirs.push(join(debian, v, 'bin'));
  const pgConfig = onPath('pg_config');
  if (pgConfig) {
    const r = spawnSync(pgConfig, ['--bindir'], { encoding: 'utf8', timeout: 10_000 });
    if (r.status === 0) dirs.push(r.stdout.trim());
  }
  return dirs.some((d) => executable(join(d, 'initdb')) && executable(join(d, 'pg_ctl')));
}

/** What is missing, as Debian package names with what we looked for. */
function missing() {
  const out = [];
  if (!executable(at('/usr/bin/chromium'))) out.push({ pkg: 'chromium', what: `Chromium (${at('/usr/bin/chromium')})` });
  if (!pgBinFound()) out.push({ pkg: 'postgresql', what: `PostgreSQL's server programs (initdb, pg_ctl in ${at('/usr/lib/postgresql')}/<version>/bin or $PG_BIN)` });
  return out;
}

const say = (text) => process.stderr.write(`${text}\n`);

if (!existsSync(join(ROOT, 'node_modules', 'vitest'))) {
  say('test preflight: the project\'s dependencies are not installed. Run:\n\n  npm ci\n');
  process.exit(2);
}

let need = missing();
if (need.length === 0) process.exit(0);

const pkgs = need.map((n) => n.pkg);
const aptGet = onPath('apt-get');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = !isRoot && onPath('sudo');
// `sudo -n` never prompts: it either may run as root without a password, or fails at once.
const sudoWorks = !!sudo && spawnSync(sudo, ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
const listing = need.map((n) => `  - ${n.what}`).join('\n');

if (!aptGet) {
  say(
    `test preflight: npm test needs these, and they are not installed:\n${listing}\n\n` +
      'This machine has no apt-get, so they cannot be installed for you. Install Chromium at /usr/bin/chromium ' +
      'and PostgreSQL (version 14 or newer; set PG_BIN to the folder holding initdb and pg_ctl), then run npm test again.',
  );
  process.exit(2);
}

if (!isRoot && !sudoWorks) {
  const cmd = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
  const oneCommand = sudo ? `sudo sh -c '${cmd}'` : `su -c '${cmd}'`;
  say(`test preflight: npm test needs these, and they are not installed:\n${listing}\n\nRun this once (it needs root), then npm test again:\n\n  ${oneCommand}\n`);
  process.exit(2);
}

// Root, or a password-less sudo: install as .ci/run used to.
say(`test preflight: installing ${pkgs.join(', ')} from Debian (apt-get${isRoot ? '' : ' via sudo'})…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const apt = (args) => {
  const [cmd, argv] = isRoot ? [aptGet, args] : [sudo, ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', aptGet, ...args]];
  // apt's own output goes to our stderr, so a slow download is visibly a download.
  const r = spawnSync(cmd, argv, { env, stdio: ['ignore', 2, 2] });
  return r.status === 0;
};
const installed = apt(['update', '-qq']) && apt(['install', '-y', '-qq', ...pkgs]);
need = missing();
if (!installed || need.length > 0) {
  say(
    `test preflight: ${installed ? 'apt-get finished, but these are still missing' : 'apt-get failed'}:\n` +
      `${(need.length ? need : pkgs.map((p) => ({ what: p }))).map((n) => `  - ${n.what}`).join('\n')}\n`,
  );
  process.exit(1);
}
say('test preflight: installed.');
