// Another process (a CLI command such as `assay candidates:erase`) holds SQLite's write lock just as the outbox
// worker finishes a job. The worker's write waits for the lock (busy timeout, shortened here to 200 ms) and then
// fails with SQLITE_BUSY. The job must still end `done` once the lock is free — the handler's work is not done
// twice for it and the job is not left `running` under its lease — and what is logged names no person.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import type { Logger } from '../../server/log.ts';
import { OutboxWorker } from '../../server/outbox/worker.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { until } from '../helpers/candidate.ts';
import { ROOT } from '../helpers/server.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A second process on the same file that takes SQLite's write lock on "lock" and gives it back on "unlock". */
async function lockHolder(file: string) {
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    require('node:readline').createInterface({ input: process.stdin }).on('line', (cmd) => {
      if (cmd === 'lock') db.exec('BEGIN IMMEDIATE');
      if (cmd === 'unlock') db.exec('COMMIT');
      process.stdout.write(cmd + 'ed\\n');
    });`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script, file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const answers = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  answers.on('line', (line) => waiting.shift()?.(line));
  const say = (cmd: 'lock' | 'unlock') =>
    new Promise<string>((resolve) => {
      waiting.push(resolve);
      child.stdin!.write(`${cmd}\n`);
    });
  return { say };
}

it('a job finished while another process holds the write lock ends done once the lock is free, run once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-lock-'));
  const store = openSqliteStore(dir, 'assay.db', { busyTimeoutMs: 200 });
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const other = await lockHolder(join(dir, 'assay.db'));

  const logged: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  let unlocked: Promise<string> | null = null;
  const log: Logger = {
    debug: () => undefined,
    info: (msg, fields) => logged.push({ level: 'info', msg, fields }),
    // The first complaint about the database is when the other process lets go.
    warn: (msg, fields) => (logged.push({ level: 'warn', msg, fields }), (unlocked ??= other.say('unlock'))),
    error: (msg, fields) => (logged.push({ level: 'error', msg, fields }), (unlocked ??= other.say('unlock'))),
  };
  let runs = 0;
  const worker = new OutboxWorker(store, log, { leaseMs: 120_000 }).register('test.notify', async () => {
    runs++;
    expect(await other.say('lock')).toBe('locked'); // the other process takes the lock as the handler returns
  });
  cleanups.push(() => worker.stop());
  const job = await store.transaction((tx) => tx.outbox.enqueue({ account_id: null, kind: 'test.notify', payload: { to: 'ada.lovelace@example.com' } }));

  await worker.tick();
  expect(unlocked, 'the worker met the lock').not.toBeNull();
  expect(await unlocked).toBe('unlocked');
  const settled = await until(() => store.outbox.get(job.id), (j) => j?.status !== 'running', 10_000, 'the job to leave running');
  expect(settled).toMatchObject({ status: 'done', attempts: 1, lease_until: null, last_error: null });
  expect(runs).toBe(1);
  const complaint = logged.find((l) => l.level !== 'info');
  expect(complaint?.fields).toMatchObject({ job: job.id, kind: 'test.notify', error: expect.stringMatching(/locked|busy/i) });
  expect(JSON.stringify(logged)).not.toContain('ada.lovelace');
});
