// Rate limits and login protection behind a load balancer: two BFF processes on one PostgreSQL, each
// request sent to the other instance in turn (as a round-robin balancer would). An attacker must not get
// N times the attempts by spreading them over N instances: wrong passwords for one e-mail, failures from
// one client address and widget sessions minted by one client are counted as if one instance saw them all
// (issue 18: "limits stored where all instances see them when DATABASE_URL is set").
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PgCluster } from '../helpers/postgres.ts';
import { startServer, type DemoFile, type RunningServer } from '../helpers/server.ts';
import { mintContext } from '../helpers/tokens.ts';

const SESSION_RATE = 8;
const LOGIN_DELAY_MS = 300_000; // the first wait: long enough never to lapse while the test runs
const CLIENT_FAILURES = 30; // server/routes/report.ts: 30 failures from one client address lock it

let cluster: PgCluster;
let db: pg.Pool;
const servers: RunningServer[] = [];
const dataDirs: string[] = [];
let demo: DemoFile;
let turn = 0;
/** The instance the balancer sends the next request to: each in turn. */
const next = () => servers[turn++ % servers.length]!;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase('assay_limits');
  db = new pg.Pool({ connectionString: url, max: 2 });
  const env = {
    DATABASE_URL: url,
    ASSAY_MASTER_KEY: randomBytes(32).toString('base64'),
    ASSAY_SESSION_RATE_PER_MIN: String(SESSION_RATE),
    ASSAY_LOGIN_DELAY_MS: String(LOGIN_DELAY_MS),
  };
  for (let i = 0; i < 2; i++) dataDirs.push(mkdtempSync(join(tmpdir(), `assay-limits-${i}-`)));
  servers.push(...(await Promise.all(dataDirs.map((dataDir) => startServer({ dataDir, env })))));
  demo = servers.find((s) => s.demo)!.demo;
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await db?.end();
  await cluster?.stop();
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
});

async function login(srv: RunningServer, email: string, password: string) {
  const res = await fetch(`${srv.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.url },
    body: new URLSearchParams({ email, password }),
  });
  await res.text();
  return { status: res.status, retryAfter: Number(res.headers.get('retry-after') ?? 0), cookie: res.headers.get('set-cookie') };
}

describe('two instances on one PostgreSQL share their limits', () => {
  it(`mint at most ${SESSION_RATE} widget sessions a minute for one client between them`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < SESSION_RATE + 4; i++) {
      const res = await fetch(`${next().url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ context: await mintContext(demo, { claims: { jti: `limits-${i}` } }) }),
      });
      await res.text();
      statuses.push(res.status);
    }
    // Per instance each would have allowed SESSION_RATE, so 2 × SESSION_RATE in all.
    expect(statuses).toEqual([...Array<number>(SESSION_RATE).fill(200), ...Array<number>(4).fill(429)]);
  });

  it('delay wrong passwords for one e-mail from the 3rd failure whichever instance each guess reaches, and make the owner wait on both', async () => {
    const { email, password } = demo.user;
    const [a, b] = servers as [RunningServer, RunningServer];
    const guesses = [await login(a, email, 'wrong-1'), await login(b, email, 'wrong-2'), await login(a, email, 'wrong-3')];
    expect(guesses.map((g) => g.status)).toEqual([401, 401, 429]);
    expect(guesses[2]!.retryAfter).toBe(LOGIN_DELAY_MS / 1000);
    // The other instance knows about the wait: even the right password waits, and no session is made.
    const right = await login(b, email, password);
    expect(right.status).toBe(429);
    expect(right.retryAfter).toBeGreaterThan(0);
    expect(right.cookie).toBeNull();
    // One audit entry for the delay, however many instances saw the guesses.
    const audit = await db.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM audit_log WHERE action = 'login.locked'");
    expect(audit.rows[0]!.n).toBe(1);
  });

  it(`lock one client address after ${CLIENT_FAILURES} failures spread over both instances`, async () => {
    let failures = 3; // the wrong passwords above came from this client too
    let last = 0;
    while (failures < CLIENT_FAILURES + 5) {
      last = (await login(next(), `nobody-${failures}@example.com`, 'guess')).status;
      if (last === 429) break;
      expect(last).toBe(401);
      failures++;
    }
    expect(last).toBe(429);
    expect(failures + 1).toBe(CLIENT_FAILURES); // the 30th failure is the one answered with the lock
    // Both instances now refuse this client, whatever address it tries.
    for (const s of servers) expect((await login(s, `someone-else-${s.port}@example.com`, 'guess')).status).toBe(429);
  });

  it('store the counters without e-mail or client addresses', async () => {
    const rows = await db.query<Record<string, unknown>>('SELECT * FROM rate_limits');
    expect(rows.rows.length).toBeGreaterThan(0);
    const text = JSON.stringify(rows.rows);
    expect(text).not.toContain(demo.user.email);
    expect(text).not.toContain('example.com');
    expect(text).not.toContain('127.0.0.1');
  });
});
