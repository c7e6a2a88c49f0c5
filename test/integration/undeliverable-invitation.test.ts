// An order whose invitation can never be delivered becomes `failed` (the lifecycle's meaning of failed): a real
// SMTP server on loopback refuses the recipient for good (550), the outbox dead-letters the e-mail, the order
// moves to failed through transition(), audited as the outbox's doing, and no address is kept in last_error.
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { freePort } from './lever-helpers.ts';

let srv: RunningServer;
let smtp: SMTPServer;
let refused = 0;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      refused++;
      const e = new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`) as Error & { responseCode: number };
      e.responseCode = 550;
      callback(e);
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  srv = await startServer({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
});
afterAll(async () => {
  await srv?.stop();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

it('an invitation the mail server refuses for good makes the order failed, without the address in the outbox', async () => {
  const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-nomail' }, candidate: { id: 'c-nomail', email: 'nobody.here@example.com' } } }));
  const placed = await a.post('/api/orders', { package_id: 'work-style' });
  expect(placed.status).toBe(201);
  const id = placed.body.order.id as string;

  const end = Date.now() + 30_000;
  let order = (await a.get(`/api/orders/${id}`)).body.order;
  while (order.status !== 'failed' && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    order = (await a.get(`/api/orders/${id}`)).body.order;
  }
  expect(order.status).toBe('failed');
  expect(refused).toBeGreaterThanOrEqual(1);
  const row = query<{ invite_token_hash: string | null; reason: string }>(srv.dataDir, 'SELECT invite_token_hash, reason FROM orders WHERE id = ?', id)[0]!;
  expect(row).toEqual({ invite_token_hash: null, reason: 'The invitation e-mail could not be delivered.' });
  const job = query<{ status: string; last_error: string }>(srv.dataDir, "SELECT status, last_error FROM outbox WHERE kind = 'email.invitation' AND order_id = ?", id)[0]!;
  expect(job.status).toBe('dead');
  expect(job.last_error).toMatch(/550|rejected/);
  expect(job.last_error).not.toContain('nobody.here');
  const audit = query<{ actor: string; action: string; details: string }>(srv.dataDir, "SELECT actor, action, details FROM audit_log WHERE target = ? AND action = 'order.failed'", id);
  expect(audit).toEqual([{ actor: 'system:outbox', action: 'order.failed', details: expect.not.stringContaining('nobody.here') }]);
});
