// An order whose invitation can never be delivered becomes `failed` (the lifecycle's meaning of failed): a real
// SMTP server on loopback refuses the recipient for good (550), the outbox dead-letters the e-mail, the order
// moves to failed through transition(), audited as the outbox's doing, and no address is kept in last_error.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { until } from '../helpers/candidate.ts';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

let srv: RunningServer;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp({ refuseRecipients: true });
  srv = await startServer({ env: { SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await srv?.stop();
  await smtp?.stop();
});

it('an invitation the mail server refuses for good makes the order failed, without the address in the outbox', async () => {
  const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-nomail' }, candidate: { id: 'c-nomail', email: 'nobody.here@example.com' } } }));
  const placed = await a.post('/api/orders', { package_id: 'work-style' });
  expect(placed.status).toBe(201);
  const id = placed.body.order.id as string;

  const order = await until(async () => (await a.get(`/api/orders/${id}`)).body.order, (o) => o.status === 'failed', 30_000, 'the order to fail');
  expect(order.status).toBe('failed');
  expect(smtp.refused).toBeGreaterThanOrEqual(1);
  const row = query<{ invite_token_hash: string | null; reason: string }>(srv, 'SELECT invite_token_hash, reason FROM orders WHERE id = ?', id)[0]!;
  expect(row).toEqual({ invite_token_hash: null, reason: 'The invitation e-mail could not be delivered.' });
  const job = query<{ status: string; last_error: string }>(srv, "SELECT status, last_error FROM outbox WHERE kind = 'email.invitation' AND order_id = ?", id)[0]!;
  expect(job.status).toBe('dead');
  expect(job.last_error).toMatch(/550|rejected/);
  expect(job.last_error).not.toContain('nobody.here');
  const audit = query<{ actor: string; action: string; details: string }>(srv, "SELECT actor, action, details FROM audit_log WHERE target = ? AND action = 'order.failed'", id);
  expect(audit).toEqual([{ actor: 'system:outbox', action: 'order.failed', details: expect.not.stringContaining('nobody.here') }]);
});
