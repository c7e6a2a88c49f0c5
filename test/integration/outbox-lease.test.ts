// Two instances share one outbox: a job whose handler is slow (a loaded machine, a slow SMTP server) stays
// with the instance running it for as long as that instance lives; only a dead holder's job is taken over.
// Time is a clock both workers share and the test moves, so the lease lapses because the test says so.
// The instances share a PostgreSQL database, as several BFF instances do (SQLite serves one instance: two
// stores on one file in one process would block each other's write lock, better-sqlite3 waiting synchronously).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../server/log.ts';
import { OutboxWorker } from '../../server/outbox/worker.ts';
import { openPostgresStore, type PostgresStore } from '../../server/store/postgres/store.ts';
import { until } from '../helpers/candidate.ts';
import { startPostgres, type PgCluster } from '../helpers/postgres.ts';

const LEASE = 1_000;
let cluster: PgCluster;
let storeA: PostgresStore;
let storeB: PostgresStore;
beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase();
  storeA = await openPostgresStore(url);
  storeB = await openPostgresStore(url);
});
afterAll(async () => {
  await storeA?.close();
  await storeB?.close();
  await cluster?.stop();
});

it('does not hand a slow job to a second instance while the first still runs it', async () => {
  let t = Date.parse('2031-01-01T00:00:00Z');
  const now = () => t;
  const log = createLogger('silent');
  const runs: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const a = new OutboxWorker(storeA, log, { leaseMs: LEASE, now }).register('slow', async () => {
    runs.push('a');
    await released;
  });
  const b = new OutboxWorker(storeB, log, { leaseMs: LEASE, now }).register('slow', async () => {
    runs.push('b');
  });
  const job = await storeA.transaction((tx) => tx.outbox.enqueue({ account_id: null, kind: 'slow', payload: {}, run_at: t }));
  const leaseUntil = async () => (await storeA.outbox.get(job.id))!.lease_until;

  const passA = a.tick(); // a claims the job; its handler waits for `release`
  await until(() => runs.length, (n) => n === 1, 10_000, 'instance a running the job');
  expect(await leaseUntil()).toBe(t + LEASE);

  // Most of a lease later, a renews it while its handler runs…
  t += LEASE * 0.9;
  await until(leaseUntil, (l) => l === t + LEASE, 10_000, 'instance a renewing its lease');
  // …so past the first lease's end, b finds nothing to take over.
  t += LEASE * 0.9;
  expect(await b.tick()).toBe(0);

  release();
  expect(await passA).toBe(1);
  expect(runs).toEqual(['a']);
  expect(await storeA.outbox.get(job.id)).toMatchObject({ status: 'done', attempts: 1, lease_until: null });
  // Done is done: nothing left for b later either.
  t += LEASE * 10;
  expect(await b.tick()).toBe(0);
  expect(runs).toEqual(['a']);
});
