// Logs and stored errors never contain an e-mail address or a token (issue 18: "SMTP refusal texts containing
// the candidate's address go into the log and stay in outbox.last_error after erasure"). A real SMTP server on
// loopback refuses the recipient quoting the address, as Postfix does; after a journey (session, order,
// invitation refused and retried, a failed login, a candidate link opened) the server's log at debug level
// and every column of every table are scanned: no error column holds the address, and nothing holds the
// context token, the session token or the candidate link's token.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { until } from '../helpers/candidate.ts';
import { query, tableNames } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { api, mintContext, openSession } from '../helpers/tokens.ts';

const EMAIL = 'ada.redact-check@example.com';
let srv: RunningServer;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp({ refuseRecipients: true });
  srv = await startServer({ env: { SMTP_URL: smtp.url, LOG_LEVEL: 'debug' } });
}, 120_000);
afterAll(async () => {
  await srv?.stop();
  await smtp?.stop();
});

it('keeps addresses and tokens out of the log and out of every table', async () => {
  const context = await mintContext(srv.demo, { claims: { application: { id: 'redact-app' }, candidate: { id: 'redact-cand', email: EMAIL, first_name: 'Ada', last_name: 'Check' } } });
  const session = await openSession(srv.url, context);
  expect(session.status).toBe(200);
  const token = session.body.token as string;
  const r = await api(srv.url, token).post('/api/orders', { package_id: 'work-style' });
  expect(r.status).toBe(201);
  const orderId = r.body.order.id as string;
  // The invitation is refused by the SMTP server and the refusal recorded as the job's last error.
  const [job] = await until(
    () => query<{ last_error: string | null }>(srv, 'SELECT last_error FROM outbox WHERE order_id = ? AND last_error IS NOT NULL', orderId),
    (rows) => rows.length > 0,
    30_000,
    'the refused invitation',
  );
  expect(smtp.refused).toBeGreaterThan(0);
  expect(job!.last_error).toMatch(/Recipient address rejected/); // the refusal is kept, readable
  expect(job!.last_error).toContain('[email]'); // … with the address taken out
  // A failed login with the address and a request carrying a token in a path.
  await fetch(`${srv.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.url }, body: new URLSearchParams({ email: EMAIL, password: 'wrong' }) }).then((x) => x.text());
  await fetch(`${srv.url}/t/${token.replace(/\./g, '')}`).then((x) => x.text());

  const secrets = { email: EMAIL, context, session: token };
  const logs = srv.logs.join('');
  expect(logs.length).toBeGreaterThan(0);
  for (const [what, value] of Object.entries(secrets)) expect(logs.includes(value), `the log contains the ${what}`).toBe(false);

  let scanned = 0;
  for (const t of tableNames(srv)) {
    for (const row of query(srv, `SELECT * FROM "${t}"`)) {
      for (const [col, v] of Object.entries(row)) {
        if (typeof v !== 'string') continue;
        scanned++;
        expect(v.includes(context), `${t}.${col} holds the context token`).toBe(false);
        expect(v.includes(token), `${t}.${col} holds the session token`).toBe(false);
        if (/error|reason|message/i.test(col)) expect(v.toLowerCase().includes(EMAIL), `${t}.${col} holds the address`).toBe(false);
      }
    }
  }
  expect(scanned).toBeGreaterThan(10);
}, 120_000);
