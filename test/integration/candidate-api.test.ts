// Candidate mode over HTTP with a clock the test moves: a full run, resume, deadlines the server owns,
// one submission, status changes the recruiter sees, friendly pages, and no answer key ever sent.
import { parseResultSummary } from '../../shared/result/summary.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORBIDDEN_CANDIDATE_KEYS } from '../../shared/candidate-api.ts';
import type { PackageContent, Question } from '../../shared/content/schema.ts';
import { sweepLapsedOrders } from '../../server/background.ts';
import { reissueInvitation } from '../../server/orders/place-order.ts';
import { ANSWER_GRACE_MS, SUBMIT_GRACE_MS } from '../../server/candidate/deadline.ts';
import { candidateClient, candidateFixture, keysDeep, PUBLIC_URL, type Fixture } from './candidate-fixture.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await candidateFixture();
});
afterAll(() => fx?.close());

const content = async (pkg: string) => (await fx.svc.store.packages.content('demo', pkg, (await fx.svc.store.packages.get('demo', pkg))!.version)) as unknown as PackageContent;

/** The right answer to a question, from the package file (the test knows it; the candidate never sees it). */
function rightAnswer(q: Question): unknown {
  switch (q.kind) {
    case 'single_choice':
      return q.answer;
    case 'multiple_choice':
      return q.answers;
    case 'numeric':
      return q.answer;
    case 'short_text':
      return typeof q.accept[0] === 'string' ? q.accept[0] : 'x';
    case 'likert':
      return q.direction === 1 ? 5 : 1;
  }
}

function expectNoAnswerKeys(responses: unknown[]) {
  const leaks = responses.flatMap((r) => keysDeep(r)).filter((k) => (FORBIDDEN_CANDIDATE_KEYS as readonly string[]).includes(k.key));
  expect(leaks, JSON.stringify(leaks.slice(0, 5))).toEqual([]);
}

describe('a full run', () => {
  it('goes pending → in_progress → completed, scores on the server, and never sends an answer key', async () => {
    const seen: unknown[] = [];
    const { order, token } = await fx.invite({ packageId: 'logical-reasoning', firstName: 'Robin' });
    const c = candidateClient(fx.app, token, seen);
    const pkg = await content('logical-reasoning');

    const intro = await c.attempt();
    expect(intro.status).toBe(200);
    expect(intro.headers.get('cache-control')).toBe('no-store');
    expect(intro.body.attempt).toMatchObject({ status: 'pending', locale: 'en', company: 'Demo Company', candidate_first_name: 'Robin', current: null });
    expect(intro.body.attempt.package).toMatchObject({ name: 'Logical Reasoning', test_count: 2, duration_minutes: 20, question_count: 13 });
    expect(intro.body.attempt.tests.map((t: { state: string }) => t.state)).toEqual(['not_started', 'not_started']);
    // No question is sent before its test's timer starts.
    expect(JSON.stringify(intro.body)).not.toContain(pkg.tests[0]!.questions[0]!.id);

    const [t1, t2] = pkg.tests;
    const started = await c.startTest(t1!.id);
    expect(started.status).toBe(200);
    const a1 = started.body.attempt;
    expect(a1.status).toBe('in_progress');
    expect(a1.current.test_id).toBe(t1!.id);
    expect(a1.current.questions).toHaveLength(t1!.questions.length);
    expect(Date.parse(a1.tests[0].deadline_at) - Date.parse(a1.tests[0].started_at)).toBe(t1!.duration_minutes * 60_000);
    const afterStart = (await fx.svc.store.orders.get('demo', order.id))!;
    expect(afterStart.status).toBe('in_progress');
    expect(afterStart.started_at).toBe(fx.clock.now.toISOString());
    // Test 2 can still be started until the invitation expires, so the attempt lives at least that long.
    expect(Date.parse(afterStart.deadline_at!)).toBe(Date.parse(afterStart.expires_at!) + SUBMIT_GRACE_MS);

    // Answer every question of test 1 correctly; saving the same answer again changes nothing.
    for (const q of t1!.questions) {
      const r = await c.save(q.id, rightAnswer(q));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.saved.question_id).toBe(q.id);
    }
    expect((await c.save(t1!.questions[0]!.id, rightAnswer(t1!.questions[0]!))).status).toBe(200);
    expect((await fx.svc.store.attempts.answers(order.id)).length).toBe(t1!.questions.length);

    // A reload (or another device) a minute later: the same deadline, the saved answers.
    fx.advance(60_000);
    const again = await c.attempt();
    expect(again.body.attempt.tests[0].deadline_at).toBe(a1.tests[0].deadline_at);
    expect(again.body.attempt.current.responses[t1!.questions[0]!.id]).toEqual(rightAnswer(t1!.questions[0]!));
    expect(Object.keys(again.body.attempt.current.responses)).toHaveLength(t1!.questions.length);
    // Starting the same test again keeps its timer.
    expect((await c.startTest(t1!.id)).body.attempt.tests[0].deadline_at).toBe(a1.tests[0].deadline_at);

    const finished = await c.finishTest(t1!.id);
    expect(finished.body.attempt.tests[0].state).toBe('closed');
    expect(finished.body.attempt.current).toBeNull();
    const late = await c.save(t1!.questions[0]!.id, rightAnswer(t1!.questions[0]!));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('test_closed');

    fx.advance(30_000);
    const s2 = await c.startTest(t2!.id);
    expect(s2.body.attempt.current.test_id).toBe(t2!.id);
    // Test 2: only the first question is answered (wrongly where possible); the rest stay empty.
    const q0 = t2!.questions[0]!;
    expect((await c.save(q0.id, q0.kind === 'numeric' ? -12345 : rightAnswer(q0))).status).toBe(200);

    fx.advance(45_000);
    const sub = await c.submit();
    expect(sub.status).toBe(200);
    expect(sub.body).toEqual({ submission: { status: 'completed', completed_at: fx.clock.now.toISOString() } });
    // A second submit (a double click, a retry) returns the same submission and stores nothing new.
    fx.advance(5_000);
    const sub2 = await c.submit();
    expect(sub2.body).toEqual(sub.body);

    const result = (await fx.svc.store.results.get('demo', order.id))!;
    expect(result.max_score).toBe(100);
    const details = parseResultSummary(result.details);
    expect(details.tests[0]).toMatchObject({ id: t1!.id, percent: 100, answered: t1!.questions.length });
    expect(details.tests[1]).toMatchObject({ id: t2!.id, answered: 1, total: t2!.questions.length });
    expect(details.tests[0]!.explanation).toBe(t1!.explanation);
    expect(result.score).toBe(details.percent);
    expect(result.score).toBeGreaterThan(0);
    expect(result.score).toBeLessThan(100);

    // What the recruiter's widget polls: completed, with the score and the report link.
    const view = (await fx.svc.store.orders.view('demo', order.id))!;
    expect(view.status).toBe('completed');
    expect(view.result?.score).toBe(result.score);
    const { toOrderJson } = await import('../../server/orders/order-json.ts');
    expect(toOrderJson(view, PUBLIC_URL).result).toMatchObject({ score: result.score, max_score: 100, status: 'completed', result_url: `${PUBLIC_URL}/report/${order.id}` });

    // Nothing can change after submitting, and the page says so.
    const after = await c.save(q0.id, rightAnswer(q0));
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('already_submitted');
    const done = await c.attempt();
    expect(done.body.attempt.status).toBe('completed');
    expect(done.body.attempt.current).toBeNull();
    const page = await fx.app.request(`/t/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Already submitted');

    expectNoAnswerKeys(seen);
    expect(seen.length).toBeGreaterThanOrEqual(20);
  });

  it('queues one result write-back, in the submit transaction, for an order that came from a connector', async () => {
    const { order, token } = await fx.invite({ source: 'kombo' });
    const c = candidateClient(fx.app, token);
    const pkg = await content('logical-reasoning');
    await c.startTest(pkg.tests[0]!.id);
    await Promise.all([c.submit(), c.submit(), c.submit()]);
    const jobs = (await fx.svc.store.outbox.list({ kind: 'writeback', limit: 1000 })).filter((j) => j.order_id === order.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.payload).toMatchObject({ order_id: order.id, event: 'completed', provider: 'kombo' });
    expect(jobs[0]!.status).toBe('pending');
    const audit = await fx.svc.store.audit.list('demo', 500);
    expect(audit.filter((a) => a.target === order.id && a.action === 'order.completed')).toHaveLength(1);
  });

  it('scores a package that was never started as all unanswered', async () => {
    const { order, token } = await fx.invite({ packageId: 'work-style' });
    const c = candidateClient(fx.app, token);
    expect((await c.submit()).status).toBe(200);
    const result = (await fx.svc.store.results.get('demo', order.id))!;
    expect(result.score).toBe(0);
    expect((result.details as { tests: { answered: number }[] }).tests.every((t) => t.answered === 0)).toBe(true);
  });
});

describe('deadlines the server owns', () => {
  it('accepts an answer within a few seconds of grace and refuses one after, with a clear code', async () => {
    const { token } = await fx.invite({ packageId: 'numerical-reasoning' });
    const c = candidateClient(fx.app, token);
    const pkg = await content('numerical-reasoning');
    const t1 = pkg.tests[0]!;
    await c.startTest(t1.id);
    const q = t1.questions[0]!;
    fx.advance(t1.duration_minutes * 60_000 + ANSWER_GRACE_MS - 1000);
    expect((await c.save(q.id, rightAnswer(q))).status).toBe(200);
    fx.advance(2000);
    const refused = await c.save(q.id, rightAnswer(q));
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({ code: 'deadline_passed', message: expect.stringMatching(/Time is up/) });
    // The page reloads: test 1 is closed, no questions, test 2 can be started.
    const a = (await c.attempt()).body.attempt;
    expect(a.tests[0].state).toBe('closed');
    expect(a.current).toBeNull();
    expect((await c.startTest(pkg.tests[1]!.id)).body.attempt.current.test_id).toBe(pkg.tests[1]!.id);
  });

  it('lets only one test run at a time: starting another closes the open one', async () => {
    const { token } = await fx.invite({ packageId: 'typescript-skills' });
    const c = candidateClient(fx.app, token);
    const pkg = await content('typescript-skills');
    await c.startTest(pkg.tests[0]!.id);
    const a = (await c.startTest(pkg.tests[1]!.id)).body.attempt;
    expect(a.tests.map((t: { state: string }) => t.state)).toEqual(['closed', 'open']);
    expect((await c.save(pkg.tests[0]!.questions[0]!.id, rightAnswer(pkg.tests[0]!.questions[0]!))).body.error.code).toBe('test_closed');
  });

  it('expires an attempt whose last deadline lapsed (the sweeper), and the link then says so', async () => {
    const { order, token } = await fx.invite({ packageId: 'work-style', locale: 'nl-BE' });
    const c = candidateClient(fx.app, token);
    const pkg = await content('work-style');
    for (const t of pkg.tests) await c.startTest(t.id);
    const o = (await fx.svc.store.orders.get('demo', order.id))!;
    const last = (await fx.svc.store.attempts.testSessions(order.id)).map((s) => Date.parse(s.deadline_at));
    expect(Date.parse(o.deadline_at!)).toBe(Math.max(...last) + SUBMIT_GRACE_MS);
    await sweepLapsedOrders(fx.svc, new Date(Date.parse(o.deadline_at!) - 1000));
    expect((await fx.svc.store.orders.get('demo', order.id))!.status).toBe('in_progress');
    fx.advance(Date.parse(o.deadline_at!) + 1000 - fx.clock.now.getTime());
    expect(await sweepLapsedOrders(fx.svc, fx.clock.now)).toBeGreaterThanOrEqual(1);
    expect((await fx.svc.store.orders.get('demo', order.id))!.status).toBe('expired');
    const r = await c.attempt();
    expect(r.status).toBe(410);
    expect(r.body.error.code).toBe('attempt_expired');
    expect((await c.submit()).status).toBe(410);
    const page = await fx.app.request(`/t/${token}`);
    expect(page.status).toBe(410);
    const html = await page.text();
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain('Deze link is verlopen');
  });
});

describe('links that no longer work', () => {
  it('refuses an expired invitation with a friendly page in the candidate’s language', async () => {
    const { token } = await fx.invite({ locale: 'nl' });
    const c = candidateClient(fx.app, token);
    fx.advance(7 * 86_400_000 + 1000);
    const r = await c.attempt();
    expect(r.status).toBe(410);
    expect(r.body.error.code).toBe('invitation_expired');
    const page = await fx.app.request(`/t/${token}`);
    expect(page.status).toBe(410);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('Deze link is verlopen');
    expect(html).not.toMatch(/<script/i);
  });

  it('voids the old link on resend, and shows a friendly page for it', async () => {
    const { order, token } = await fx.invite();
    const account = (await fx.svc.store.accounts.get('demo'))!;
    await fx.svc.store.transaction((tx) => reissueInvitation(tx, fx.svc.box, account, order, fx.clock.now));
    const fresh = await fx.tokenOf(order.id);
    expect(fresh).not.toBe(token);
    const old = await candidateClient(fx.app, token).attempt();
    expect(old.status).toBe(404);
    expect(old.body.error.code).toBe('invitation_unknown');
    expect((await candidateClient(fx.app, fresh).attempt()).status).toBe(200);
    const page = await fx.app.request(`/t/${token}`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain('We could not find this assessment');
    expect(html).toContain('newer invitation');
  });

  it('tells a cancelled assessment apart', async () => {
    const { order, token } = await fx.invite();
    await fx.svc.store.transaction((tx) => tx.orders.update('demo', order.id, { status: 'cancelled' }));
    const r = await candidateClient(fx.app, token).attempt();
    expect(r.status).toBe(410);
    expect(r.body.error.code).toBe('invitation_cancelled');
    const page = await fx.app.request(`/t/${token}`);
    expect(await page.text()).toContain('This link is no longer valid');
  });

  it('answers unknown and malformed links with the friendly page, never an error', async () => {
    for (const path of ['/t/not-a-real-token-at-all-123456', '/t/%3Cscript%3E', '/t/short', '/t/']) {
      const page = await fx.app.request(path);
      expect(page.status, path).toBe(404);
      expect(await page.text(), path).toContain('We could not find this assessment');
    }
  });
});

describe('the API edge', () => {
  it('needs the token in the Authorization header, and never reads it from the query', async () => {
    const { token } = await fx.invite();
    const q = await fx.app.request(`/api/candidate/attempt?token=${token}`);
    expect(q.status).toBe(401);
    expect(((await q.json()) as { error: { code: string } }).error.code).toBe('invitation_missing');
    expect((await candidateClient(fx.app, 'x'.repeat(43)).attempt()).status).toBe(404);
  });

  it('validates answers against the question and refuses unknown questions and tests', async () => {
    const { token } = await fx.invite({ packageId: 'typescript-skills' });
    const c = candidateClient(fx.app, token);
    const pkg = await content('typescript-skills');
    const t1 = pkg.tests[0]!;
    const single = t1.questions.find((q) => q.kind === 'single_choice')!;
    expect((await c.save(single.id, 'a')).body.error.code).toBe('test_not_started');
    await c.startTest(t1.id);
    const bad = await c.save(single.id, 'no-such-option');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_response');
    expect((await c.save('nope', 1)).status).toBe(404);
    expect((await c.startTest('nope')).body.error.code).toBe('test_unknown');
    expect((await c.save(single.id, { evil: true })).status).toBe(400);
    const raw = await c.call('PUT', `/answers/${single.id}`, undefined, { 'content-type': 'application/json' });
    expect(raw.status).toBe(400);
    // Clearing an answer is allowed and counts as unanswered.
    expect((await c.save(single.id, null)).status).toBe(200);
    expect((await c.attempt()).body.attempt.current.responses[single.id]).toBeNull();
  });

  it('rate-limits answer saving per link', async () => {
    const { token } = await fx.invite({ packageId: 'work-style' });
    const c = candidateClient(fx.app, token);
    const pkg = await content('work-style');
    await c.startTest(pkg.tests[0]!.id);
    const q = pkg.tests[0]!.questions[0]!;
    let limited = 0;
    for (let i = 0; i < 260; i++) if ((await c.save(q.id, 3)).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);
    // Another candidate's link is not affected.
    const other = await fx.invite({ packageId: 'work-style' });
    const c2 = candidateClient(fx.app, other.token);
    await c2.startTest(pkg.tests[0]!.id);
    expect((await c2.save(q.id, 3)).status).toBe(200);
  });

  it('describes every candidate route in /openapi.json, with the invitation as a bearer token', async () => {
    const { createApp } = await import('../../server/app.ts');
    const doc = (await (await createApp(fx.svc).request('/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>> };
    const routes: [string, string][] = [
      ['/api/candidate/attempt', 'get'],
      ['/api/candidate/start', 'post'],
      ['/api/candidate/tests/{testId}/start', 'post'],
      ['/api/candidate/tests/{testId}/finish', 'post'],
      ['/api/candidate/answers/{questionId}', 'put'],
      ['/api/candidate/submit', 'post'],
    ];
    for (const [path, method] of routes) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeTruthy();
      expect(op!.security).toEqual([{ bearerAuth: [] }]);
      expect(op!.responses['200']).toBeTruthy();
    }
  });

  it('serves the built page under a strict CSP that forbids framing', async () => {
    const { token } = await fx.invite({ locale: 'nl' });
    const page = await fx.app.request(`/t/${token}`);
    if (page.status === 503) return; // not built in this run (npm test builds first)
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('<html lang="nl"');
    expect(html).toContain('assay-candidate-root');
    expect(html).not.toContain(token);
  });
});
