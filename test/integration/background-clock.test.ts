// The sweeper runs on the clock it is given: invitations lapse when the test's clock says a week has
// passed, never because real time went by, and stopping the background removes its loops.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../server/accounts/create-account.ts';
import { startBackground } from '../../server/background.ts';
import { loadConfig } from '../../server/config.ts';
import { storeEnvFor } from '../helpers/test-store.ts';
import { createLogger } from '../../server/log.ts';
import { registerJobs } from '../../server/outbox/jobs.ts';
import { DEFAULT_INVITATION_DAYS, placeOrder } from '../../server/orders/place-order.ts';
import { createServices, type Services } from '../../server/services.ts';
import { manualClock } from '../helpers/clock.ts';

const DAY = 86_400_000;
const dataDir = mkdtempSync(join(tmpdir(), 'assay-bg-clock-'));
let svc: Services;

beforeAll(async () => {
  svc = await createServices({ ...loadConfig({ ...(await storeEnvFor(dataDir)), ASSAY_SWEEP_MS: '30000' }), logLevel: 'silent' }, { log: createLogger('silent') });
  await seedDemo(svc);
  registerJobs(svc);
});
afterAll(async () => {
  await svc?.store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('expires an invitation when the injected clock passes its lapse, at the sweeper’s interval', async () => {
  // A start far from the real date: only the injected clock can make this invitation lapse.
  const clock = manualClock(new Date('2031-03-01T09:00:00Z'));
  const account = (await svc.store.accounts.get('demo'))!;
  const placed = await svc.store.transaction((tx) =>
    placeOrder(tx, svc.box, {
      account,
      source: 'widget',
      packageId: 'work-style',
      candidate: { externalId: 'clock-1', email: 'clock-1@example.test', firstName: 'Cleo', lastName: 'Clock', locale: null },
      applicationId: 'app-clock-1',
      job: { id: null, name: null },
      createdBy: 't',
    }, { now: clock.now() }),
  );
  if (placed.kind !== 'created') throw new Error(`not placed: ${placed.kind}`);
  const status = async () => (await svc.store.orders.get('demo', placed.order.id))!.status;
  expect(placed.order.expires_at).toBe(new Date(Date.parse('2031-03-01T09:00:00Z') + DEFAULT_INVITATION_DAYS * DAY).toISOString());

  const stop = startBackground(svc, { clock });
  try {
    expect(clock.loops).toBeGreaterThanOrEqual(2); // the sweeper and the retention sweep at least
    await clock.advance(DEFAULT_INVITATION_DAYS * DAY - 60_000); // a minute before the lapse: a sweep runs, nothing lapsed
    expect(await status()).toBe('pending');
    await clock.advance(59_000); // a second before: its 30 s had passed, so it ran again, and nothing had lapsed
    expect(await status()).toBe('pending');
    await clock.advance(2_000); // one second after the lapse, but the sweeper's next turn is not due yet
    expect(await status()).toBe('pending');
    await clock.advance(30_000); // its turn: the invitation has lapsed
    expect(await status()).toBe('expired');
    expect((await svc.store.orders.get('demo', placed.order.id))!.reason).toBe('The invitation expired before the candidate started.');
  } finally {
    await stop();
  }
  expect(clock.loops).toBe(0);
});
