// `npm test` on a machine without Chromium and PostgreSQL: installs them as root (apt-get, as .ci/run did),
// or stops at once with the one command to run. Played with scripts/test-preflight.mjs against an empty
// system folder (ASSAY_PREFLIGHT_ROOT), a PATH holding only stand-in apt-get/sudo that record their calls,
// and — for "not root" — a real unprivileged user when this runs as root. Nothing is really installed.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server.ts';

const isRoot = process.getuid?.() === 0;
const base = mkdtempSync(join(tmpdir(), 'assay-preflight-'));
chmodSync(base, 0o755);
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

const COMMAND = "apt-get update && apt-get install -y chromium postgresql";

/** A fresh empty "system" (nothing installed) and a bin folder with the given stand-in programs. */
function machine(programs: { aptGet?: 'installs' | 'does-nothing'; sudo?: 'works' | 'asks-password'; chromium?: boolean; postgres?: boolean }) {
  const dir = join(base, String(++n));
  const sys = join(dir, 'sys');
  const bin = join(dir, 'bin');
  const log = join(dir, 'apt.log');
  mkdirSync(sys, { recursive: true });
  mkdirSync(bin);
  chmodSync(dir, 0o777); // the unprivileged user may write the log (it must not get to, but a bug should show)
  const put = (path: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  };
  if (programs.chromium) put(join(sys, 'usr/bin/chromium'));
  if (programs.postgres) for (const p of ['initdb', 'pg_ctl']) put(join(sys, 'usr/lib/postgresql/16/bin', p));
  if (programs.aptGet) {
    // Records each call; "installs" puts the packages' programs where the preflight looks.
    const install =
      programs.aptGet === 'installs'
        ? `for p in "$@"; do case "$p" in
  chromium) /bin/mkdir -p "${sys}/usr/bin" && printf '#!/bin/sh\\n' > "${sys}/usr/bin/chromium" && /bin/chmod 755 "${sys}/usr/bin/chromium";;
  postgresql) /bin/mkdir -p "${sys}/usr/lib/postgresql/16/bin" && for f in initdb pg_ctl; do printf '#!/bin/sh\\n' > "${sys}/usr/lib/postgresql/16/bin/$f"; /bin/chmod 755 "${sys}/usr/lib/postgresql/16/bin/$f"; done;;
esac; done`
        : '';
    writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "${log}"\n${install}\nexit 0\n`, { mode: 0o755 });
  }
  if (programs.sudo === 'works') writeFileSync(join(bin, 'sudo'), '#!/bin/sh\n# like sudo: its own secure PATH\n[ "$1" = -n ] && shift\nPATH=/usr/bin:/bin exec "$@"\n', { mode: 0o755 });
  if (programs.sudo === 'asks-password') writeFileSync(join(bin, 'sudo'), '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n', { mode: 0o755 });
  const aptCalls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  return { sys, bin, aptCalls };
}

function preflight(m: ReturnType<typeof machine>, as: 'me' | 'unprivileged') {
  // Only the stand-ins on PATH: no real apt-get, sudo or pg_config is found.
  const env = { PATH: m.bin, ASSAY_PREFLIGHT_ROOT: m.sys, HOME: base };
  const argv = [process.execPath, join(ROOT, 'scripts/test-preflight.mjs')];
  const unprivileged = as === 'unprivileged' && isRoot ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
  const r = spawnSync(unprivileged[0]!, unprivileged.slice(1), { env, encoding: 'utf8', timeout: 30_000 });
  expect(r.signal, `the preflight did not finish: ${r.stderr}`).toBeNull();
  return { code: r.status, stderr: r.stderr };
}

describe('test preflight (npm test, before anything else)', () => {
  it('stops at once with the one command when Chromium and PostgreSQL are missing and it is not root (no sudo)', () => {
    const m = machine({ aptGet: 'installs' });
    const r = preflight(m, 'unprivileged');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Chromium (');
    expect(r.stderr).toContain("PostgreSQL's server programs");
    expect(r.stderr).toContain(`Run this once (it needs root), then npm test again:\n\n  su -c '${COMMAND}'\n`);
    expect(m.aptCalls()).toEqual([]);
  });

  it('names sudo in the command where sudo exists but wants a password, and never waits for one', () => {
    const m = machine({ aptGet: 'installs', sudo: 'asks-password', chromium: true });
    const r = preflight(m, 'unprivileged');
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('Chromium (');
    expect(r.stderr).toContain(`  sudo sh -c 'apt-get update && apt-get install -y postgresql'\n`);
    expect(m.aptCalls()).toEqual([]);
  });

  it('says what to install by hand on a machine without apt-get', () => {
    const m = machine({ postgres: true });
    const r = preflight(m, 'unprivileged');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Chromium (');
    expect(r.stderr).not.toContain("PostgreSQL's server programs (");
    expect(r.stderr).toContain('This machine has no apt-get');
  });

  it(`installs what is missing with apt-get, non-interactively, ${isRoot ? 'as root' : 'through a password-less sudo'}, then lets the tests run`, () => {
    const m = machine({ aptGet: 'installs', sudo: 'works' });
    const r = preflight(m, 'me');
    expect(r.stderr).toContain('installing chromium, postgresql from Debian');
    expect(r.code, r.stderr).toBe(0);
    expect(m.aptCalls()).toEqual([
      'DEBIAN_FRONTEND=noninteractive update -qq',
      'DEBIAN_FRONTEND=noninteractive install -y -qq chromium postgresql',
    ]);
  });

  it('fails, naming what is still missing, when apt-get ran but did not install it', () => {
    const m = machine({ aptGet: 'does-nothing', sudo: 'works', postgres: true });
    const r = preflight(m, 'me');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/apt-get finished, but these are still missing:\n {2}- Chromium \(/);
  });

  it('does nothing, quietly, when both are there', () => {
    const m = machine({ aptGet: 'installs', chromium: true, postgres: true });
    const r = preflight(m, 'unprivileged');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(m.aptCalls()).toEqual([]);
  });
});
