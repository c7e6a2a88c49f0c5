// What a client reads is on disk, and a job's end is on disk with what it did. The invitation of an order is
// refused for good: the order becomes `failed` and its job `dead`. A client polls the order as the order route
// reads it (svc.store, outside a unit of work); the instant it sees `failed`, the test reads the database file
// through a second connection — what a server restarted by SIGKILL at that instant would find. The order must
// be failed there too (no read of a commit still to come) and its job dead (not `running` under a lease that
// keeps it from anyone for two minutes). erasure-every-source restarts its server with SIGKILL right after
// seeing such an order fail; with the job's death in a later commit than the order's, a loaded machine left the
// job `running` past the test's 60 s wait.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { seedDemo } from '../../server/accounts/create-account.ts';
import { loadConfig } from '../../server/config.ts';
import { PermanentError } from '../../server/http/client.ts';
import { createLogger } from '../../server/log.ts';
import type { Mailer } from '../../server/mail/mailer.ts';
import { registerJobs } from '../../server/outbox/jobs.ts';
import { OutboxWorker } from '../../server/outbox/worker.ts';
import { placeOrder } from '../../server/orders/place-order.ts';
import { createServices, type Services } from '../../server/services.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A mail server that refuses every recipient for good, as the SMTP mailer reports a 550. */
const refusingMailer: Mailer = {
  from: 'Assay <no-reply@assay.localhost>',
  async send() {
    throw new PermanentError('550 5.1.1 mailbox unavailable');
  },
  eraseTagged: () => 0,
};

async function services(): Promise<{ svc: Services; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-durable-'));
  const config = { ...loadConfig({ DATA_DIR: dataDir }), logLevel: 'silent' as const };
  const log = createLogger('silent');
  const store = openSqliteStore(dataDir);
  const svc = await createServices(config, { store, log, mailer: refusingMailer, outbox: new OutboxWorker(store, log, { pollMs: 20 }) });
  cleanups.push(async () => {
    await svc.outbox.stop();
    await svc.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { svc, dataDir };
}

it('an order a client sees failed (its invitation refused for good) is failed on disk, with its invitation job dead', async () => {
  const { svc, dataDir } = await services();
  await seedDemo(svc);
  const account = (await svc.store.accounts.get('demo'))!;
  const placed = await svc.store.transaction((tx) =>
    placeOrder(tx, svc.box, {
      account,
      source: 'widget',
      packageId: 'work-style',
      candidate: { externalId: 'c-refused', email: 'refused@example.com', firstName: 'Ada', lastName: 'Refused', locale: null },
      applicationId: 'app-refused',
      job: { id: null, name: null },
      createdBy: null,
    }),
  );
  if (placed.kind !== 'created') throw new Error(`order not placed: ${placed.kind}`);
  const orderId = placed.order.id;

  const disk = new Database(join(dataDir, 'assay.db'), { readonly: true });
  cleanups.push(() => void disk.close());
  const onDisk = disk.prepare("SELECT o.status AS order_status, j.status AS job_status FROM orders o JOIN outbox j ON j.order_id = o.id AND j.kind = 'email.invitation' WHERE o.id = ?");

  registerJobs(svc);
  svc.outbox.start();
  const end = Date.now() + 20_000;
  for (;;) {
    const order = await svc.store.orders.getById(orderId);
    if (order?.status === 'failed') {
      // The same tick: nothing else has run since the client's read answered.
      expect(onDisk.get(orderId)).toEqual({ order_status: 'failed', job_status: 'dead' });
      break;
    }
    if (Date.now() > end) throw new Error(`the order did not fail in 20 s (status ${order?.status}, on disk ${JSON.stringify(onDisk.get(orderId))})`);
    await new Promise((r) => setImmediate(r)); // one look per turn of the event loop
  }
});
