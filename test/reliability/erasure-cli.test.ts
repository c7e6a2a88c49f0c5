// `assay candidates:erase` and the retention sweeper: a candidate's personal data leaves every table
// and e-mail file, scores stay anonymised.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { storeEnvFor } from '../helpers/test-store.ts';
import { seedDemo } from '../../server/accounts/create-account.ts';
import { sweepRetention } from '../../server/candidates/retention.ts';
import { createLogger } from '../../server/log.ts';
import { registerJobs } from '../../server/outbox/jobs.ts';
import { placeOrder } from '../../server/orders/place-order.ts';
import { createServices, type Services } from '../../server/services.ts';
import { assay } from '../helpers/cli.ts';
import { query, tableNames, type DbTarget } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

/** Every text cell of every table, to prove a value is nowhere. */
function everyCell(db: DbTarget): string {
  return tableNames(db).map((t) => JSON.stringify(query(db, `SELECT * FROM "${t}"`))).join('\n');
}
const mailText = (dataDir: string) => {
  const dir = join(dataDir, 'mail');
  return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n') : '';
};

describe('assay candidates:erase', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(() => srv?.stop());

  it('removes the e-mail address and names from every table and every .eml file, keeps the order and erases once', async () => {
    const claims = { application: { id: 'app-erase' }, candidate: { id: 'ext-erase-1', email: 'erase.me@example.com', first_name: 'Erasmus', last_name: 'Forgetful' } };
    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims }));
    const order = (await a.post('/api/orders', { package_id: 'work-style' })).body.order;
    for (let i = 0; i < 100 && !mailText(srv.dataDir).includes('erase.me@example.com'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(mailText(srv.dataDir)).toContain('erase.me@example.com');
    expect(everyCell(srv)).toContain('Erasmus');

    const r = await assay(['candidates:erase', '--account', 'demo', '--external-id', 'ext-erase-1', '--json'], { ...srv.storeEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ erased_now: true, order_ids: [order.id], cancelled_order_ids: [order.id] });
    expect(r.json.mails_deleted).toBeGreaterThanOrEqual(1);
    const all = everyCell(srv);
    for (const pii of ['erase.me@example.com', 'Erasmus', 'Forgetful', 'ext-erase-1']) expect(all).not.toContain(pii);
    expect(mailText(srv.dataDir)).not.toContain('erase.me@example.com');
    expect(query(srv, 'SELECT status FROM orders WHERE id = ?', order.id)).toEqual([{ status: 'cancelled' }]);

    const again = await assay(['candidates:erase', '--account', 'demo', '--candidate', r.json.candidate_id, '--json'], { ...srv.storeEnv });
    expect(again.code).toBe(0);
    expect(again.json.erased_now).toBe(false);
  });

  it('refuses unclear requests with a code', async () => {
    const env = { ...srv.storeEnv };
    expect((await assay(['candidates:erase', '--account', 'demo'], env)).stderr).toMatch(/missing_option/);
    expect((await assay(['candidates:erase', '--account', 'demo', '--external-id', 'nobody'], env)).stderr).toMatch(/unknown_candidate/);
    expect((await assay(['candidates:erase', '--account', 'nope', '--external-id', 'x'], env)).stderr).toMatch(/unknown_account/);
    expect((await assay(['accounts:update', '--account', 'demo', '--retention-days', '-5'], env)).code).toBe(2);
  });
});

describe('retention', () => {
  let svc: Services;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'assay-retention-'));
    svc = await createServices({ ...loadConfig({ ...(await storeEnvFor(dataDir)) }), logLevel: 'silent' }, { log: createLogger('silent') });
    await seedDemo(svc);
    registerJobs(svc);
  });
  afterAll(() => svc?.store.close());

  it('erases candidates whose orders finished longer ago than the retention period, and nobody else', async () => {
    const account = (await svc.store.accounts.get('demo'))!;
    const place = (ext: string) =>
      svc.store.transaction((tx) => placeOrder(tx, svc.box, { account, source: 'widget', packageId: 'work-style', candidate: { externalId: ext, email: `${ext}@example.com`, firstName: 'Old', lastName: ext, locale: null }, applicationId: `app-${ext}`, job: { id: null, name: null }, createdBy: 't' }));
    const old = await place('old-done');
    const open = await place('old-open');
    if (old.kind !== 'created' || open.kind !== 'created') throw new Error('orders not created');
    await svc.store.transaction((tx) => tx.orders.update('demo', old.order.id, { status: 'completed', completed_at: new Date().toISOString() }));
    await svc.store.transaction((tx) => tx.accounts.update('demo', { settings: { ...account.settings, retention_days: 30 } }));

    expect(await sweepRetention(svc, new Date())).toBe(0); // nothing is 30 days old yet
    const later = new Date(Date.now() + 31 * 86_400_000);
    expect(await sweepRetention(svc, later)).toBe(1);
    expect((await svc.store.candidates.get('demo', old.candidate.id))?.email).toBeNull();
    expect((await svc.store.candidates.get('demo', open.candidate.id))?.email).toBe('old-open@example.com'); // an open order keeps it
    expect((await svc.store.orders.get('demo', old.order.id))?.status).toBe('completed');
  });
});
