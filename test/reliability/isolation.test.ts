// Isolation between accounts over real HTTP and the real CLI: everything account B holds (a session, a
// report login, a candidate link, a partner key, an admin session, `--account`) reaches none of account A's
// objects — the answer is 404 (or 401 for a vendor key on another connection's URL), as for an object that
// does not exist, and nothing of A changes. Each refusal has a control: A itself gets through.
// (The widget routes are covered in test/integration/widget-api.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { countRows, query } from '../helpers/db.ts';
import type { RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { startSimulator as startLever } from '../simulators/lever/index.ts';
import { startSimulator as startRecruitee } from '../simulators/recruitee/index.ts';
import { inviteToken, mails, packageContent, until } from '../integration/kombo-helpers.ts';
import { addConnection, startPublicServer } from '../integration/stackone-recruitee-helpers.ts';
import { writeFigures } from './figures.ts';

let srv: RunningServer;
const sims: { close(): Promise<void> }[] = [];
const A = { id: 'demo', order: '', token: '', user: { email: '', password: '' }, gh: '', gkey: 'gh-partner-key-aaaa-0123456789', rc: '', rtoken: '', lever: '' };
const B = { id: 'acme-b', issuer: 'https://b.example', secret: '', order: '', token: '', user: { email: 'reader@b.example', password: '' }, gh: '', gkey: 'gh-partner-key-bbbb-0123456789', rtoken: '' };
let checks = 0;
const refusedBy: Record<string, number> = {};
const refused = (what: string) => {
  checks++;
  refusedBy[what] = (refusedBy[what] ?? 0) + 1;
};
const TABLES = ['orders', 'candidates', 'outbox', 'results', 'answers', 'test_sessions', 'connections'];
const cli = (args: string[]) => assay(args, { ...srv.storeEnv, PUBLIC_URL: srv.url });

async function widgetOrder(acc: { issuer: string; audience: string; context_secret: string }, pkg: string, app: string) {
  const a = api(srv.url, await sessionToken(srv.url, acc, { claims: { application: { id: app }, candidate: { id: `c-${app}`, email: `${app}@example.com` } } }));
  const r = await a.post('/api/orders', { package_id: pkg });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const id = r.body.order.id as string;
  const mail = await until(() => mails(srv.dataDir, id), (m) => m.length === 1, 20_000, 'the invitation');
  return { id, token: inviteToken(mail[0]!)! };
}

async function login(email: string, password: string): Promise<string> {
  const res = await fetch(`${srv.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.url }, body: new URLSearchParams({ email, password }) });
  expect(res.status, await res.text()).toBe(303);
  return /assay_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
}

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

beforeAll(async () => {
  const [rc, lv] = await Promise.all([startRecruitee({}), startLever({})]);
  sims.push(rc, lv);
  srv = await startPublicServer();
  const b = await cli(['accounts:create', '--name', 'Acme B', '--id', B.id, '--issuer', B.issuer, '--json']);
  expect(b.code, b.stderr).toBe(0);
  B.secret = b.json.context_secret;
  const ub = await cli(['users:create', '--account', B.id, '--email', B.user.email, '--json']);
  expect(ub.code, ub.stderr).toBe(0);
  B.user.password = ub.json.password;
  A.user = srv.demo.user;

  const a = await widgetOrder(srv.demo, 'work-style', 'iso-a');
  Object.assign(A, { order: a.id, token: a.token });
  const bo = await widgetOrder({ issuer: B.issuer, audience: 'assay', context_secret: B.secret }, 'numerical-reasoning', 'iso-b');
  Object.assign(B, { order: bo.id, token: bo.token });

  // Each account connects Greenhouse (its own partner key) and Recruitee (its own integration token); A also Lever.
  A.gh = await addConnection(srv, 'greenhouse', { partner_api_key: A.gkey, webhook_secret: 'gh-a-secret', harvest_api_key: 'gh-harvest-a', base_url: 'http://127.0.0.1:9/v1' });
  B.gh = await addConnection(srv, 'greenhouse', { partner_api_key: B.gkey, webhook_secret: 'gh-b-secret', harvest_api_key: 'gh-harvest-b', base_url: 'http://127.0.0.1:9/v1' }, B.id);
  const c = rc.credentials;
  A.rc = await addConnection(srv, 'recruitee', { customer_token: c.customer_token, partner_secret: c.partner_secret, codename: c.codename, webhook_secret: c.webhook_secret, company_id: c.company_id, base_url: c.base_url });
  A.rtoken = c.customer_token!;
  B.rtoken = 'recruitee-token-of-account-b-0123456789';
  await addConnection(srv, 'recruitee', { customer_token: B.rtoken, partner_secret: 'b-partner-secret', codename: c.codename, webhook_secret: 'b-hook', company_id: '999', base_url: c.base_url }, B.id);
  const l = lv.credentials;
  A.lever = await addConnection(srv, 'lever', { client_id: l.client_id, client_secret: l.client_secret, signature_token: l.signature_token, perform_as: l.perform_as, base_url: l.base_url, auth_url: l.auth_url });
}, 180_000);

afterAll(async () => {
  await srv?.stop();
  await Promise.all(sims.map((s) => s.close()));
  writeFigures('isolation', { cross_account_attempts: checks, all_refused: checks, by_surface: refusedBy }, checks > 0);
});

describe('isolation between accounts', () => {
  it("/report/:id: a user of account B gets 404 for A's report, as for one that does not exist", async () => {
    const a = await login(A.user.email, A.user.password);
    expect((await fetch(`${srv.url}/report/${A.order}`, { headers: { cookie: `assay_session=${a}` }, redirect: 'manual' })).status).toBe(200); // control
    const b = await login(B.user.email, B.user.password);
    const res = await fetch(`${srv.url}/report/${A.order}`, { headers: { cookie: `assay_session=${b}` }, redirect: 'manual' });
    expect(res.status).toBe(404);
    const page = await res.text();
    expect(page).not.toContain('iso-a@example.com');
    const missing = await fetch(`${srv.url}/report/ord_doesnotexist00`, { headers: { cookie: `assay_session=${b}` }, redirect: 'manual' });
    expect(missing.status).toBe(404);
    refused('report');
  });

  it("the candidate API: another order's link sees its own attempt only and cannot answer A's questions", async () => {
    const call = (token: string, method: string, path: string, body?: unknown) =>
      fetch(`${srv.url}/api/candidate${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const aTest = packageContent('work-style').tests[0]!;
    // A's candidate has started; B's link is used against A's test and question ids.
    expect((await call(A.token, 'POST', '/start')).status).toBe(200);
    expect((await call(A.token, 'POST', `/tests/${aTest.id}/start`)).status).toBe(200);
    const before = countRows(srv, TABLES);
    const attemptA = query(srv, 'SELECT * FROM test_sessions WHERE order_id = ?', A.order);
    expect((await call(B.token, 'POST', '/start')).status).toBe(200);
    const seen = (await (await call(B.token, 'GET', '/attempt')).json()) as Record<string, unknown>;
    expect(JSON.stringify(seen)).not.toContain(A.order);
    expect(JSON.stringify(seen)).not.toContain(aTest.id);
    expect((await call(B.token, 'POST', `/tests/${aTest.id}/start`)).status).toBe(404);
    expect((await call(B.token, 'PUT', `/answers/${aTest.questions[0]!.id}`, { value: 3 })).status).toBe(404);
    expect((await call(B.token, 'POST', `/tests/${aTest.id}/finish`)).status).toBe(404);
    expect(query(srv, 'SELECT * FROM test_sessions WHERE order_id = ?', A.order)).toEqual(attemptA);
    const after = countRows(srv, TABLES);
    expect({ ...after, test_sessions: before.test_sessions }).toEqual(before); // only B's own start happened
    expect((await call(A.token + 'x', 'GET', '/attempt')).status).toBe(404); // a link that does not exist
    refused('candidate API');
  });

  it("partner endpoints: another connection's credentials get 401 on A's connection, and B's own connection cannot read A's order", async () => {
    const gA = `${srv.url}/partner/greenhouse/${A.gh}`;
    const gB = `${srv.url}/partner/greenhouse/${B.gh}`;
    expect((await fetch(`${gA}/list_tests`, { headers: { authorization: basic(A.gkey) } })).status).toBe(200); // control
    const before = countRows(srv, TABLES);
    expect((await fetch(`${gA}/list_tests`, { headers: { authorization: basic(B.gkey) } })).status).toBe(401);
    expect((await fetch(`${gA}/test_status?partner_interview_id=${A.order}`, { headers: { authorization: basic(B.gkey) } })).status).toBe(401);
    const send = await fetch(`${gA}/send_test`, { method: 'POST', headers: { authorization: basic(B.gkey), 'content-type': 'application/json' }, body: JSON.stringify({ partner_test_id: 'work-style', candidate: { first_name: 'X', last_name: 'Y', email: 'x@example.com' }, url: 'https://app.greenhouse.io/integrations/testing_partners/take_home_tests/999' }) });
    expect(send.status).toBe(401);
    // B's key on B's own URL, asking for A's order: 404, as for an order that does not exist.
    const status = await fetch(`${gB}/test_status?partner_interview_id=${A.order}`, { headers: { authorization: basic(B.gkey) } });
    expect(status.status).toBe(404);
    expect(await status.text()).not.toContain('iso-a');
    refused('greenhouse partner');

    const rA = `${srv.url}/partner/recruitee/${A.rc}`;
    expect((await fetch(`${rA}/tests`, { headers: { authorization: `Bearer ${A.rtoken}` } })).status).toBe(200); // control
    expect((await fetch(`${rA}/tests`, { headers: { authorization: `Bearer ${B.rtoken}` } })).status).toBe(401);
    const rs = await fetch(`${rA}/send_candidate`, { method: 'POST', headers: { authorization: `Bearer ${B.rtoken}`, 'content-type': 'application/json' }, body: JSON.stringify({ test_id: 'work-style', test_name: 'w', candidate: { id: 77, first_name: 'X', last_name: 'Y', email: 'x@example.com' } }) });
    expect(rs.status).toBe(401);
    expect(countRows(srv, TABLES)).toEqual(before);
    refused('recruitee partner');
  });

  it("the Lever admin API: an admin of account B gets 404 for A's Lever connection", async () => {
    const admin = (acc: { issuer: string; audience: string; context_secret: string }) => sessionToken(srv.url, acc, { claims: { role: 'admin' } });
    const a = api(srv.url, await admin(srv.demo));
    const control = await a.get(`/api/lever/postings?connection_id=${A.lever}`);
    expect(control.status, JSON.stringify(control.body)).not.toBe(404); // A finds it (it may still wait for Lever's consent)
    const b = api(srv.url, await admin({ issuer: B.issuer, audience: 'assay', context_secret: B.secret }));
    const before = countRows(srv, TABLES);
    const list = await b.get(`/api/lever/postings?connection_id=${A.lever}`);
    expect(list.status).toBe(404);
    expect(list.body.error.code).toBe('lever_not_connected');
    expect((await b.get('/api/lever/postings')).status).toBe(404); // B has no Lever connection; A's is not picked
    const put = await b.call('PUT', '/api/lever/postings/posting-1/mapping', { connection_id: A.lever, package_id: 'work-style' });
    expect(put.status).toBe(404);
    expect(countRows(srv, TABLES)).toEqual(before);
    refused('lever admin');
  });

  it("insights: account B's numbers hold nothing of A", async () => {
    const a = api(srv.url, await sessionToken(srv.url, srv.demo));
    const b = api(srv.url, await sessionToken(srv.url, { issuer: B.issuer, audience: 'assay', context_secret: B.secret }));
    const ia = await a.get('/api/insights');
    const ib = await b.get('/api/insights');
    expect(ia.status).toBe(200);
    expect(ib.status).toBe(200);
    const sent = (r: typeof ia) => r.body.funnel[0].count as number;
    expect(sent(ia)).toBeGreaterThanOrEqual(1);
    expect(sent(ib)).toBe(1); // only B's own order
    expect(JSON.stringify(ib.body)).not.toContain('work-style'); // A's package, which B never ordered
    refused('insights');
  });

  it("the CLI: outbox:replay --account B does not find A's job, outbox:list --account B does not show it", async () => {
    const [job] = query<{ id: string; status: string; attempts: number }>(srv, "SELECT id, status, attempts FROM outbox WHERE order_id = ? AND kind = 'email.invitation'", A.order);
    expect(job!.status).toBe('done');
    const r = await cli(['outbox:replay', job!.id, '--account', B.id, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('unknown_job');
    expect(query(srv, 'SELECT status, attempts FROM outbox WHERE id = ?', job!.id)).toEqual([{ status: 'done', attempts: job!.attempts }]);
    const listed = await cli(['outbox:list', '--account', B.id, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json.jobs.map((j: { order_id: string }) => j.order_id)).not.toContain(A.order);
    expect(listed.json.jobs.every((j: { account_id: string }) => j.account_id === B.id)).toBe(true);
    const own = await cli(['outbox:replay', job!.id, '--account', 'demo', '--json']); // control
    expect(own.code, own.stderr).toBe(0);
    refused('CLI');
  });
});

