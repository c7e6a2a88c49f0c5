// The order lifecycle (server/orders/transition.ts) as a recruiter and a candidate meet it over real HTTP:
// a cancel can be undone for a short window while the link is kept, then the link is revoked for good;
// every move is audited with one actor format. One server for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteToken, mails, until } from '../helpers/candidate.ts';
import { assay } from '../helpers/cli.ts';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

let srv: RunningServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(() => srv?.stop());

const row = (id: string) => query<{ status: string; invite_token_hash: string | null; reason: string | null }>(srv, 'SELECT status, invite_token_hash, reason FROM orders WHERE id = ?', id)[0]!;
const audit = (id: string) => query<{ actor: string; action: string }>(srv, 'SELECT actor, action FROM audit_log WHERE target = ? ORDER BY at, id', id);

describe('cancel and undo', () => {
  it('a recruiter can undo a cancel at once: the order is pending again with the same link', async () => {
    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { sub: 'rita', application: { id: 'app-undo' }, candidate: { id: 'c-undo', email: 'undo@example.com' } } }));
    const o = (await a.post('/api/orders', { package_id: 'work-style' })).body.order;
    const link = row(o.id).invite_token_hash;
    expect(link).toBeTruthy();

    const cancelled = await a.post(`/api/orders/${o.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.order.status).toBe('cancelled');
    expect(row(o.id).invite_token_hash).toBe(link); // kept while the cancel can be undone

    const undone = await a.post(`/api/orders/${o.id}/undo-cancel`);
    expect(undone.status, JSON.stringify(undone.body)).toBe(200);
    expect(undone.body.order.status).toBe('pending');
    expect(row(o.id)).toMatchObject({ status: 'pending', invite_token_hash: link, reason: null });
    expect(audit(o.id).map((e) => e.action)).toEqual(['order.created', 'order.cancelled', 'order.restored']);
    expect(audit(o.id).slice(1).every((e) => /^recruiter:/.test(e.actor))).toBe(true);
  });

  it('undoing the cancel of a test the candidate had started resumes it without the cancel reason', async () => {
    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-undo-started' }, candidate: { id: 'c-undo-started', email: 'undo-started@example.com' } } }));
    const o = (await a.post('/api/orders', { package_id: 'work-style' })).body.order;
    const [mail] = await until(() => mails(srv.dataDir, o.id), (m) => m.length > 0, 15_000, 'the invitation');
    const started = await fetch(`${srv.url}/api/candidate/start`, { method: 'POST', headers: { authorization: `Bearer ${inviteToken(mail!)}` } });
    expect(started.status).toBe(200);
    expect((await a.post(`/api/orders/${o.id}/cancel`)).body.order).toMatchObject({ status: 'cancelled', reason: 'Cancelled by a recruiter.' });
    const undone = await a.post(`/api/orders/${o.id}/undo-cancel`);
    expect(undone.status, JSON.stringify(undone.body)).toBe(200);
    expect(undone.body.order).toMatchObject({ status: 'in_progress', reason: null });
    expect(row(o.id)).toMatchObject({ status: 'in_progress', reason: null });
  });

  it('once the undo window has passed the link is revoked for good and undo is refused with 409', async () => {
    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-final' }, candidate: { id: 'c-final', email: 'final@example.com' } } }));
    const o = (await a.post('/api/orders', { package_id: 'work-style' })).body.order;
    expect((await a.post(`/api/orders/${o.id}/cancel`)).status).toBe(200);
    await until(() => row(o.id).invite_token_hash, (h) => h === null, 30_000, 'the link to be revoked');
    const late = await a.post(`/api/orders/${o.id}/undo-cancel`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('undo_not_possible');
    expect(row(o.id).status).toBe('cancelled');
  });

  // (Erasure runs as the CLI, a few seconds: well inside the undo window. Were it slower, the window's own job
  // would revoke the link first and the test would pass without exercising the erasure path; it never flakes.)
  it("erasing the candidate while a cancel can still be undone revokes the link for good", async () => {
    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-erase-undo' }, candidate: { id: 'c-erase-undo', email: 'erase-undo@example.com' } } }));
    const o = (await a.post('/api/orders', { package_id: 'work-style' })).body.order;
    expect((await a.post(`/api/orders/${o.id}/cancel`)).status).toBe(200);
    const erased = await assay(['candidates:erase', '--account', 'demo', '--external-id', 'c-erase-undo', '--json'], { ...srv.storeEnv });
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.json).toMatchObject({ erased_now: true, order_ids: [o.id] });
    await until(() => row(o.id).invite_token_hash, (h) => h === null, 20_000, 'the link to be revoked');
    // The order no longer names the ATS application, so the session cannot undo (or even see) it any more.
    expect((await a.post(`/api/orders/${o.id}/undo-cancel`)).status).toBe(404);
    expect(row(o.id).status).toBe('cancelled');
  });

  it('a completed order cannot be cancelled or undone', async () => {
    const a = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { application: { id: 'app-open' }, candidate: { id: 'c-open', email: 'open@example.com' } } }));
    const o = (await a.post('/api/orders', { package_id: 'work-style' })).body.order;
    const undo = await a.post(`/api/orders/${o.id}/undo-cancel`);
    expect(undo.status).toBe(409);
    expect(undo.body.error.code).toBe('undo_not_possible');
    expect(row(o.id).status).toBe('pending');
  });
});
