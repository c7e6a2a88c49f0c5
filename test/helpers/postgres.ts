// A throw-away PostgreSQL cluster for tests and benchmarks: initdb into a temp folder, started on a free
// port (as the `postgres` user when we run as root, since PostgreSQL refuses to run as root), removed after.
// Nothing is skipped when PostgreSQL is missing: CI installs Debian's `postgresql`, so absence is a failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './net.ts';
import { track } from './processes.ts';

export interface PgCluster {
  port: number;
  /** URL of a database in the cluster (default: the `postgres` maintenance database). */
  url(database?: string): string;
  /** Creates an empty database (or a copy of `template`) and returns its URL. */
  createDatabase(name?: string, template?: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** The server's log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface PgOptions {
  /** Durable settings (fsync on) for benchmarks; tests run with fsync off for speed. */
  durable?: boolean;
  maxConnections?: number;
}

/** Where PostgreSQL's server programs are: $PG_BIN, pg_config --bindir, or Debian's /usr/lib/postgresql/<n>/bin. */
export function findPgBin(): string {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(join(debian, v, 'bin'));
  }
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    /* no pg_config */
  }
  const found = candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
  if (!found) {
    throw new Error(
      'PostgreSQL server programs (initdb, pg_ctl) were not found in $PG_BIN, /usr/lib/postgresql/<version>/bin or pg_config --bindir. ' +
        'These tests need a real PostgreSQL: install Debian\'s package (apt-get install postgresql), as .ci/run does.',
    );
  }
  return found;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL program as the postgres user when we are root, else as ourselves. */
function runPg(bin: string, program: string, args: string[]): { status: number | null; out: string } {
  const cmd = isRoot() ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]] as const : [join(bin, program), args] as const;
  const r = spawnSync(cmd[0], [...cmd[1]], { encoding: 'utf8', timeout: 60_000, cwd: tmpdir() });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

const running = new Set<() => void>();
process.once('exit', () => {
  for (const stop of running) stop();
});

export async function startPostgres(opts: PgOptions = {}): Promise<PgCluster> {
  const bin = findPgBin();
  if (isRoot() && spawnSync('id', ['-u', 'postgres']).status !== 0) {
    throw new Error('Running as root, but there is no `postgres` user to run PostgreSQL as (Debian\'s postgresql package creates it).');
  }
  const dir = mkdtempSync(join(tmpdir(), 'assay-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const init = runPg(bin, 'initdb', ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '-D', data]);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}):\n${init.out}`);
  }
  const settings = [
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    `-c max_connections=${opts.maxConnections ?? 200}`,
    ...(opts.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ];
  let port = 0;
  let started = false;
  let lastOut = '';
  for (let tries = 0; tries < 5 && !started; tries++) {
    port = await freePort();
    const r = runPg(bin, 'pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port} ${settings.join(' ')}`, 'start']);
    started = r.status === 0;
    lastOut = r.out;
  }
  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  if (!started) {
    const log = readLog();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start:\n${lastOut}\n${log}`);
  }
  try {
    // postmaster.pid's first line is the server's pid (readable to us: we are its owner, or root).
    track(Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]), `postgresql (${dir})`);
  } catch {
    /* naming it is a courtesy; the run's marker still finds it */
  }
  const stopSync = () => {
    runPg(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };
  running.add(stopSync);
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>) => {
    const c = new pg.Client({ connectionString: url() });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  let n = 0;
  return {
    port,
    url,
    log: readLog,
    async createDatabase(name = `assay_${process.pid}_${++n}`, template?: string) {
      await admin((c) => c.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`));
      return url(name);
    },
    async dropDatabase(name) {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
    async stop() {
      running.delete(stopSync);
      stopSync();
    },
  };
}
