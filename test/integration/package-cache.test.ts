// The widget's package list is cached in memory per account and dropped on change: a package imported by
// another process (the CLI, on the same database) shows in the next answer, one withdrawn disappears.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

let srv: RunningServer;
const tmp = mkdtempSync(join(tmpdir(), 'assay-pkg-cache-'));
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

it('shows a package imported by another process in the next answer', async () => {
  const a = api(srv.url, await sessionToken(srv.url, srv.demo));
  const ids = async () => {
    const r = await a.get('/api/packages');
    expect(r.status).toBe(200);
    return (r.body.packages as { id: string; name: string }[]).map((p) => `${p.id}:${p.name}`).sort();
  };
  const before = await ids();
  expect(before).toHaveLength(4);
  expect(await ids()).toEqual(before); // served from the cache, same answer

  const content = JSON.parse(readFileSync(join(ROOT, 'content/packages/work-style.json'), 'utf8'));
  const file = join(tmp, 'probe.json');
  writeFileSync(file, JSON.stringify({ ...content, id: 'cache-probe', name: 'Cache Probe' }));
  const imported = await assay(['packages:import', '--account', 'demo', file, '--json'], { ...srv.storeEnv });
  expect(imported.code, imported.stderr).toBe(0);
  expect(await ids()).toEqual([...before, 'cache-probe:Cache Probe'].sort());

  writeFileSync(file, JSON.stringify({ ...content, id: 'cache-probe', name: 'Cache Probe Renamed' }));
  expect((await assay(['packages:import', '--account', 'demo', file, '--json'], { ...srv.storeEnv })).code).toBe(0);
  expect(await ids()).toContain('cache-probe:Cache Probe Renamed');
});
