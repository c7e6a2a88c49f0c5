// The widget's package list behind a load balancer: each BFF instance keeps the list in memory per account
// (issue 19: "per-account package list cached in memory and dropped on change, across instances on
// PostgreSQL"). Two instances on one PostgreSQL have both answered (so both hold the list); then the package
// set changes from another process (the CLI on the same database) and each instance's next answer shows it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { startPostgres, type PgCluster } from '../helpers/postgres.ts';
import { ROOT, startServer, type DemoFile, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

let cluster: PgCluster;
let env: Record<string, string>;
const servers: RunningServer[] = [];
const dirs: string[] = [];
let demo: DemoFile;
const tmp = mkdtempSync(join(tmpdir(), 'assay-pkg-instances-'));

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase('assay_pkg_cache');
  env = { DATABASE_URL: url, ASSAY_MASTER_KEY: randomBytes(32).toString('base64') };
  for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), `assay-pkg-instance-${i}-`)));
  // One after the other: the first seeds the demo account, the second finds it.
  for (const dataDir of dirs) servers.push(await startServer({ dataDir, env }));
  demo = servers.find((s) => s.demo)!.demo;
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await cluster?.stop();
  for (const d of [...dirs, tmp]) rmSync(d, { recursive: true, force: true });
});

describe('two instances on one PostgreSQL', () => {
  it("show a package added or renamed by another process in each instance's next answer", async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    // A widget session minted by one instance is accepted by the other (shared master key).
    const token = await sessionToken(a.url, demo);
    const list = async (srv: RunningServer) => {
      const r = await api(srv.url, token).get('/api/packages');
      expect(r.status).toBe(200);
      return (r.body.packages as { id: string; name: string }[]).map((p) => `${p.id}:${p.name}`).sort();
    };
    const before = await list(a);
    expect(before.length).toBeGreaterThan(0);
    expect(await list(b)).toEqual(before);
    expect(await list(a)).toEqual(before); // both instances now hold the list

    const content = JSON.parse(readFileSync(join(ROOT, 'content/packages/work-style.json'), 'utf8'));
    const file = join(tmp, 'probe.json');
    const cli = async (args: string[]) => {
      const r = await assay(args, { ...env, DATA_DIR: dirs[0]! });
      expect(r.code, r.stderr).toBe(0);
    };
    writeFileSync(file, JSON.stringify({ ...content, id: 'cache-probe', name: 'Cache Probe' }));
    await cli(['packages:import', '--account', 'demo', file, '--json']);
    const added = [...before, 'cache-probe:Cache Probe'].sort();
    expect(await list(a)).toEqual(added);
    expect(await list(b)).toEqual(added);

    writeFileSync(file, JSON.stringify({ ...content, id: 'cache-probe', name: 'Cache Probe Renamed' }));
    await cli(['packages:import', '--account', 'demo', file, '--json']);
    expect(await list(b)).toContain('cache-probe:Cache Probe Renamed');
    expect(await list(a)).toContain('cache-probe:Cache Probe Renamed');
    expect(await list(a)).not.toContain('cache-probe:Cache Probe');
  });
});
