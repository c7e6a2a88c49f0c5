// The Lever connector against the Lever simulator over real HTTP: posting ↔ package mapping (CLI and the
// admin API), the stage trigger (order + one e-mail, re-deliveries, other stages, bad signatures, unmapped
// postings), results written back as feedback with the Rating and a note, and hires recorded on orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../helpers/db.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { buildLeverWebhookBody, DEFAULT_IDS } from '../simulators/lever/index.ts';
import { completeWithScore, inviteToken, mails, openStore, placeLeverOrder, startLever, until, type LeverWorld } from './lever-helpers.ts';

let w: LeverWorld;
beforeAll(async () => {
  w = await startLever();
});
afterAll(async () => w?.stop());

const TRIGGER = 'Assay Assessment';
let seq = 0;
/** A fresh opportunity on a posting, in the first stage, with its own e-mail. */
function newOpportunity(posting: string | null = DEFAULT_IDS.posting, email: string | null = `cand${++seq}@example.com`): string {
  const ids = w.sim.seed({ opportunities: [{ name: `Grace Hopper ${seq}`, emails: email ? [email] : [], posting, stage: 'lead-new' }] });
  return ids.opportunities![0]!;
}

/** Orders of one Lever opportunity as the widget on that profile sees them (application = opportunity). */
async function ordersOf(opportunityId: string) {
  const token = await sessionToken(w.server.url, w.server.demo, { claims: { application: { id: opportunityId } } });
  const r = await api(w.server.url, token).get('/api/orders');
  expect(r.status).toBe(200);
  return r.body.orders as Array<{ id: string; package_id: string; source: string; status: string; job: { id: string | null; name: string | null } }>;
}

async function postRaw(body: string) {
  return fetch(w.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Lever-Webhooks' }, body });
}

const settle = () => w.sim.waitForDeliveries(10_000);
/** Lets queued jobs run (the outbox polls every 500 ms). */
const quiet = () => new Promise((r) => setTimeout(r, 1500));

describe('mapping postings to packages', () => {
  // One CLI run or two per test: each `assay` run starts its own Node process, slow on a loaded machine.
  it('lists postings with the CLI, with their tags and no mapping yet', async () => {
    const list = await w.cli(['lever:postings', w.connectionId]);
    expect(list.code, list.stderr).toBe(0);
    const posting = list.json.postings.find((p: { id: string }) => p.id === DEFAULT_IDS.posting);
    expect(posting).toMatchObject({ text: 'Data Analyst', tags: ['assay:numerical-30'], mapping: null });
  });

  it('maps a posting with the CLI, keeping the existing tags and adding ours', async () => {
    const mapped = await w.cli(['lever:map', w.connectionId, '--posting', DEFAULT_IDS.posting, '--package', 'numerical-reasoning']);
    expect(mapped.code, mapped.stderr).toBe(0);
    expect(w.sim.postingTags(DEFAULT_IDS.posting)).toEqual(['assay:numerical-30', 'assay:numerical-reasoning']);
  });

  it('re-mapping swaps our tag only; mapping to the same package again writes nothing', async () => {
    const swapped = await w.cli(['lever:map', w.connectionId, '--posting', DEFAULT_IDS.posting, '--package', 'logical-reasoning']);
    expect(swapped.code, swapped.stderr).toBe(0);
    expect(w.sim.postingTags(DEFAULT_IDS.posting)).toEqual(['assay:numerical-30', 'assay:logical-reasoning']);
    const back = await w.cli(['lever:map', w.connectionId, '--posting', DEFAULT_IDS.posting, '--package', 'numerical-reasoning']);
    expect(back.code, back.stderr).toBe(0);
    expect(w.sim.postingTags(DEFAULT_IDS.posting)).toEqual(['assay:numerical-30', 'assay:numerical-reasoning']);
    const admin = api(w.server.url, await sessionToken(w.server.url, w.server.demo, { claims: { role: 'admin' } }));
    expect((await admin.call('PUT', `/api/lever/postings/${DEFAULT_IDS.posting}/mapping`, { package_id: 'numerical-reasoning' })).status).toBe(200);
    // Posting writes go out as the configured Lever user.
    const writes = w.sim.requests({ method: 'POST', path: `/v1/postings/${DEFAULT_IDS.posting}` });
    expect(writes.length).toBe(3);
    for (const r of writes) expect(r.query.perform_as).toBe(DEFAULT_IDS.user);

    const after = await admin.get('/api/lever/postings');
    expect(after.body.postings.find((p: { id: string }) => p.id === DEFAULT_IDS.posting).mapping).toMatchObject({ package_id: 'numerical-reasoning', package_name: 'Numerical Reasoning' });
  });

  it('refuses an unknown package or posting on the command line, changing nothing', async () => {
    const before = w.sim.postingTags(DEFAULT_IDS.posting);
    const badPkg = await w.cli(['lever:map', w.connectionId, '--posting', DEFAULT_IDS.posting, '--package', 'no-such-package']);
    expect(badPkg.code).toBe(2);
    expect(badPkg.json.error.code).toBe('package_unknown');
    const badPosting = await w.cli(['lever:map', w.connectionId, '--posting', 'not-a-posting', '--package', 'work-style']);
    expect(badPosting.code).toBe(2);
    expect(badPosting.json.error.code).toBe('posting_unknown');
    expect(w.sim.postingTags(DEFAULT_IDS.posting)).toEqual(before);
  });

  it('serves the admin view: postings with their mapping, and mapping by PUT — admins only, documented in /openapi.json', async () => {
    const extra = w.sim.seed({ postings: [{ text: 'Platform Engineer', tags: ['remote', 'senior'] }] }).postings![0]!;
    const admin = api(w.server.url, await sessionToken(w.server.url, w.server.demo, { claims: { role: 'admin' } }));
    const list = await admin.get('/api/lever/postings');
    expect(list.status).toBe(200);
    expect(list.body.connection_id).toBe(w.connectionId);
    expect(list.body.packages.map((p: { id: string }) => p.id)).toContain('work-style');
    expect(list.body.postings.find((p: { id: string }) => p.id === extra)).toMatchObject({ text: 'Platform Engineer', tags: ['remote', 'senior'], mapping: null });

    const put = await admin.call('PUT', `/api/lever/postings/${extra}/mapping`, { package_id: 'work-style' });
    expect(put.status).toBe(200);
    expect(put.body.posting).toMatchObject({ id: extra, tags: ['remote', 'senior', 'assay:work-style'], mapping: { package_id: 'work-style' } });
    expect(w.sim.postingTags(extra)).toEqual(['remote', 'senior', 'assay:work-style']);

    // Bad input: clear 4xx, nothing changed in Lever.
    expect((await admin.call('PUT', `/api/lever/postings/${extra}/mapping`, { package_id: 'nope' })).body.error.code).toBe('package_unknown');
    expect((await admin.call('PUT', `/api/lever/postings/${extra}/mapping`, { package: 'work-style' })).status).toBe(400);
    expect((await admin.call('PUT', `/api/lever/postings/missing-posting/mapping`, { package_id: 'work-style' })).status).toBe(404);
    expect((await admin.call('PUT', `/api/lever/postings/${extra}/mapping`, { package_id: 'work-style', connection_id: 'con_aaaaaaaaaaaa' })).status).toBe(404);
    expect(w.sim.postingTags(extra)).toEqual(['remote', 'senior', 'assay:work-style']);

    // Unmapping removes our tag only.
    const un = await admin.call('PUT', `/api/lever/postings/${extra}/mapping`, { package_id: null });
    expect(un.status).toBe(200);
    expect(w.sim.postingTags(extra)).toEqual(['remote', 'senior']);

    const recruiter = api(w.server.url, await sessionToken(w.server.url, w.server.demo, { claims: { role: 'recruiter' } }));
    const denied = await recruiter.get('/api/lever/postings');
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('role_not_allowed');
    expect((await recruiter.call('PUT', `/api/lever/postings/${extra}/mapping`, { package_id: 'work-style' })).status).toBe(403);
    expect((await fetch(`${w.server.url}/api/lever/postings`)).status).toBe(401);
    expect(w.sim.postingTags(extra)).toEqual(['remote', 'senior']);

    const doc = (await (await fetch(`${w.server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/lever/postings', '/api/lever/postings/{id}/mapping']));
  });
});

describe('the stage trigger', () => {
  it('orders the mapped package and e-mails the candidate once, even when Lever re-delivers', async () => {
    const opp = newOpportunity();
    const { deliveryId } = w.sim.moveToStage(opp, TRIGGER);
    const orders = await until(() => ordersOf(opp), (o) => o.length === 1, 15_000, 'the order');
    expect(orders[0]).toMatchObject({ package_id: 'numerical-reasoning', source: 'lever', status: 'pending', job: { id: DEFAULT_IDS.posting, name: 'Data Analyst' } });
    const mail = await until(() => mails(w.server.dataDir, orders[0]!.id), (m) => m.length === 1, 10_000, 'the invitation');
    expect(mail[0]).toContain(`cand${seq}@example.com`);

    // Lever re-delivers the very same webhook (e.g. after a timeout on its side).
    const delivery = w.sim.deliveries().find((d) => d.id === deliveryId)!;
    const again = await postRaw(delivery.body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    await quiet();
    expect(await ordersOf(opp)).toHaveLength(1);
    expect(mails(w.server.dataDir, orders[0]!.id)).toHaveLength(1);
  });

  it('does nothing for a move to another stage', async () => {
    const opp = newOpportunity();
    w.sim.moveToStage(opp, 'On-site interview');
    const [d] = await settle();
    expect(d).toBeDefined();
    expect(w.sim.deliveries().filter((x) => x.state !== 'delivered')).toEqual([]);
    await quiet();
    expect(await ordersOf(opp)).toEqual([]);
    expect(w.sim.notes(opp)).toEqual([]);
  });

  it('resolves stage ids through a cached GET /stages, read again only for a stage it has not seen', async () => {
    const stageReads = () => w.sim.requests({ method: 'GET', path: '/v1/stages' }).length;
    expect(stageReads()).toBe(1); // two stage changes so far, one read
    const stage = w.sim.seed({ stages: [{ text: 'Take-home review' }] }).stages![0]!;
    const opp = newOpportunity();
    w.sim.moveToStage(opp, stage);
    await settle();
    await until(() => query(w.server, "SELECT id FROM inbox WHERE status = 'ignored'").length, (n) => n === 2, 10_000, 'the ignored stage change');
    expect(stageReads()).toBe(2);
    w.sim.moveToStage(newOpportunity(), stage);
    await settle();
    await until(() => query(w.server, "SELECT id FROM inbox WHERE status = 'ignored'").length, (n) => n === 3, 10_000, 'the second ignored stage change');
    expect(stageReads()).toBe(2);
    expect(await ordersOf(opp)).toEqual([]);
  });

  it('refuses a webhook with a bad or missing signature and stores nothing', async () => {
    const opp = newOpportunity();
    const before = query<{ n: number }>(w.server, 'SELECT (SELECT COUNT(*) FROM inbox) + (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM orders) AS n')[0]!.n;
    const data = { opportunityId: opp, candidateId: opp, contactId: 'c-1', toStageId: DEFAULT_IDS.triggerStage, fromStageId: 'lead-new' };
    const forged = await postRaw(JSON.stringify(buildLeverWebhookBody('candidateStageChange', data, { signatureToken: 'not-the-token' })));
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    const unsigned = await postRaw(JSON.stringify(buildLeverWebhookBody('candidateStageChange', data, { signatureToken: null })));
    expect(unsigned.status).toBe(401);
    const garbage = await postRaw('{"triggeredAt":');
    expect(garbage.status).toBe(400);
    await quiet();
    const after = query<{ n: number }>(w.server, 'SELECT (SELECT COUNT(*) FROM inbox) + (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM orders) AS n')[0]!.n;
    expect(after).toBe(before);
    expect(await ordersOf(opp)).toEqual([]);
  });

  it("remembers the token of every signed delivery: Lever's test ping cannot be replayed as a stage change", async () => {
    // The signature covers only token + triggeredAt (ats-native.md §0), so whoever captured a signed ping
    // could send its token, triggeredAt and signature again with any event and data.
    const id = w.sim.sendTestWebhook();
    expect(id).toBeTruthy();
    const [ping] = await settle();
    const sent = w.sim.deliveries().find((d) => d.id === id)!;
    expect(sent.state).toBe('delivered');
    expect(ping).toBeDefined();
    const captured = JSON.parse(sent.body) as { token: string; triggeredAt: number; signature: string };
    const opp = newOpportunity();
    const forged = { ...captured, event: 'candidateStageChange', data: { opportunityId: opp, candidateId: opp, toStageId: DEFAULT_IDS.triggerStage, fromStageId: 'lead-new' } };
    const r = await postRaw(JSON.stringify(forged));
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ duplicate: true });
    await quiet();
    expect(await ordersOf(opp)).toEqual([]);
  });

  it('leaves a note on the opportunity when its posting has no package mapped', async () => {
    const posting = w.sim.seed({ postings: [{ text: 'Office Manager', tags: ['onsite'] }] }).postings![0]!;
    const opp = newOpportunity(posting);
    w.sim.moveToStage(opp, TRIGGER);
    const notes = await until(() => w.sim.notes(opp), (n) => n.length === 1, 15_000, 'the note');
    expect(notes[0]!.value).toContain('"Office Manager" has no Assay assessment mapped');
    expect(await ordersOf(opp)).toEqual([]);
  });

  it('notes a candidate without an e-mail address instead of ordering', async () => {
    const opp = newOpportunity(DEFAULT_IDS.posting, null);
    w.sim.moveToStage(opp, TRIGGER);
    const notes = await until(() => w.sim.notes(opp), (n) => n.length === 1, 15_000, 'the note');
    expect(notes[0]!.value).toContain('no usable e-mail address');
    expect(await ordersOf(opp)).toEqual([]);
  });
});

describe('results back to Lever', () => {
  it('writes feedback with the rating and a note with the summary and the report link when the candidate submits', async () => {
    const opp = newOpportunity();
    w.sim.moveToStage(opp, TRIGGER);
    const [order] = await until(() => ordersOf(opp), (o) => o.length === 1, 15_000, 'the order');
    const [mail] = await until(() => mails(w.server.dataDir, order!.id), (m) => m.length === 1, 10_000, 'the invitation');
    const token = inviteToken(mail!)!;
    // The candidate takes the test through the candidate API and submits without answering: 0 %.
    const call = (path: string) => fetch(`${w.server.url}/api/candidate${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect((await call('/start')).status).toBe(200);
    expect((await call('/submit')).status).toBe(200);

    const [fb] = await until(() => w.sim.feedback(opp), (f) => f.length === 1, 15_000, 'the feedback');
    expect(fb!.user).toBe(DEFAULT_IDS.user);
    expect(fb!.fieldValues).toContainEqual({ id: DEFAULT_IDS.ratingField, value: '1 - Strong No Hire' });
    const reportLink = `${w.server.env.PUBLIC_URL}/report/${order!.id}`;
    expect(fb!.fieldValues).toContainEqual({ id: 'a0b1c2d3-report', value: reportLink });
    const [note] = await until(() => w.sim.notes(opp), (n) => n.length === 1, 10_000, 'the note');
    expect(note!.value).toContain('Numerical Reasoning: 0% (1 - Strong No Hire)');
    expect(note!.value).toContain(reportLink);
    expect(note!.user).toBe(DEFAULT_IDS.user);
  });

  it('rates by the bands at their edges: 0, 34, 35, 49, 50, 74, 75 and 100', async () => {
    const scores = [0, 34, 35, 49, 50, 74, 75, 100];
    const expected = ['1 - Strong No Hire', '1 - Strong No Hire', '2 - No Hire', '2 - No Hire', '3 - Hire', '3 - Hire', '4 - Strong Hire', '4 - Strong Hire'];
    const opps = scores.map(() => newOpportunity());
    const { store, box } = await openStore(w.server);
    try {
      const orders = [];
      for (const opp of opps) orders.push(await placeLeverOrder(store, box, { accountId: w.server.demo.account_id, connectionId: w.connectionId, opportunityId: opp, packageId: 'numerical-reasoning', email: 'edge@example.com' }));
      await completeWithScore(store, orders, (_o, i) => scores[i]!);
    } finally {
      await store.close();
    }
    for (const [i, opp] of opps.entries()) {
      const [fb] = await until(() => w.sim.feedback(opp), (f) => f.length === 1, 20_000, `feedback for ${scores[i]}`);
      expect({ score: scores[i], rating: fb!.fieldValues.find((v) => v.id === DEFAULT_IDS.ratingField)?.value }).toEqual({ score: scores[i], rating: expected[i] });
      const [note] = await until(() => w.sim.notes(opp), (n) => n.length === 1, 10_000, 'the note');
      expect(note!.value).toContain(`${scores[i]}% (${expected[i]})`);
    }
  });

  it("uses the account's own bands from account.settings.score_bands", async () => {
    const { store, box } = await openStore(w.server);
    const opp = newOpportunity();
    try {
      const account = (await store.accounts.get(w.server.demo.account_id))!;
      await store.transaction((tx) => tx.accounts.update(account.id, { settings: { ...account.settings, score_bands: [{ min: 0, max: 59, label: '2 - No Hire' }, { min: 60, max: 100, label: '3 - Hire' }] } }));
      const order = await placeLeverOrder(store, box, { accountId: account.id, connectionId: w.connectionId, opportunityId: opp, packageId: 'numerical-reasoning', email: 'bands@example.com' });
      await completeWithScore(store, [order], () => 20);
      const [fb] = await until(() => w.sim.feedback(opp), (f) => f.length === 1, 15_000, 'the feedback');
      expect(fb!.fieldValues).toContainEqual({ id: DEFAULT_IDS.ratingField, value: '2 - No Hire' });
      await store.transaction((tx) => tx.accounts.update(account.id, { settings: account.settings }));
    } finally {
      await store.close();
    }
  });

  it("records a hire from Lever as the outcome of that candidate's orders", async () => {
    const opp = newOpportunity();
    w.sim.moveToStage(opp, TRIGGER);
    const [order] = await until(() => ordersOf(opp), (o) => o.length === 1, 15_000, 'the order');
    const other = newOpportunity();
    w.sim.moveToStage(other, TRIGGER);
    await until(() => ordersOf(other), (o) => o.length === 1, 15_000, 'the other order');
    w.sim.hire(opp);
    await settle();
    const rows = query<{ id: string; outcome: string | null; outcome_at: string | null }>(w.server, 'SELECT id, outcome, outcome_at FROM orders WHERE application_id IN (?, ?)', opp, other);
    expect(rows.find((r) => r.id === order!.id)).toMatchObject({ outcome: 'hired' });
    expect(rows.find((r) => r.id === order!.id)!.outcome_at).toMatch(/^\d{4}-/);
    expect(rows.find((r) => r.id !== order!.id)).toMatchObject({ outcome: null });
    // Lever's "test" button (candidateHired with empty data) is acknowledged.
    w.sim.sendTestWebhook();
    const all = await settle();
    expect(all.every((d) => d.state === 'delivered')).toBe(true);
  });
});
