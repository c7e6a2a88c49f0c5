// Candidate mode on the server: the invitation found by its token's hash, then start, start a test,
// save answers, finish a test and submit. Every change is one transaction; the server's clock decides.
import type { Attempt, AttemptTest, ResponseValue, Submission } from '../../shared/candidate-api.ts';
import { localizeContent } from '../../shared/content/localize.ts';
import { toPublicTest } from '../../shared/content/public.ts';
import { packageDurationMinutes, validateAnswer, type PackageContent, type Question, type TestContent } from '../../shared/content/schema.ts';
import { resolveLocale, type Locale } from '../../shared/i18n/catalogue.ts';
import { sha256Hex } from '../crypto/secrets.ts';
import { ApiError } from '../errors.ts';
import { actor, transition } from '../orders/transition.ts';
import { summariseProctoring } from '../proctoring/record.ts';
import { buildResultSummary } from '../scoring/result-summary.ts';
import type { AccountRow, CandidateRow, Json, OrderRow, Repos, Store, TestSessionRow } from '../store/types.ts';
import { acceptsAnswers, attemptDeadline, extendedMinutes, testDeadline, testState } from './deadline.ts';

export const hashInvitationToken = (token: string): string => sha256Hex(token);

/** What a link stands for right now, for the page at /t/<token> and for every API call. */
export type InvitationState = 'open' | 'completed' | 'expired' | 'cancelled';

export function invitationState(order: OrderRow, now: Date): InvitationState {
  switch (order.status) {
    case 'completed':
      return 'completed';
    case 'pending':
      return order.expires_at && Date.parse(order.expires_at) <= now.getTime() ? 'expired' : 'open';
    case 'in_progress':
      return order.deadline_at && Date.parse(order.deadline_at) <= now.getTime() ? 'expired' : 'open';
    case 'expired':
      return 'expired';
    default:
      return 'cancelled';
  }
}

/** The candidate's language: their own from the ATS, else the company's, else English. */
export const candidateLocale = (candidate: CandidateRow | null, account: AccountRow | null): Locale =>
  resolveLocale(candidate?.locale ?? account?.settings.locale ?? 'en');

interface Ctx {
  order: OrderRow;
  account: AccountRow;
  candidate: CandidateRow | null;
  content: PackageContent;
  packageName: string;
}

/** What every call on an attempt can be refused with (loadCtx, requireOpen); /openapi.json lists them per route. */
export const ATTEMPT_ERRORS = { 404: ['invitation_unknown'], 409: ['already_submitted', 'invalid_transition'], 410: ['invitation_cancelled', 'attempt_expired', 'invitation_expired'] } as const;

const unknown = () => new ApiError(404, 'invitation_unknown', 'This assessment link is not valid. Use the complete link from your most recent invitation e-mail.');

/** Throws the error the page turns into its friendly message unless the attempt may still change. */
function requireOpen(order: OrderRow, now: Date): void {
  const state = invitationState(order, now);
  if (state === 'completed') throw new ApiError(409, 'already_submitted', 'You have already submitted this assessment; your answers can no longer be changed.');
  if (state === 'cancelled') throw new ApiError(410, 'invitation_cancelled', 'This assessment was cancelled by the company that sent it.');
  if (state === 'expired') {
    if (order.started_at) throw new ApiError(410, 'attempt_expired', 'The time for this assessment has run out.');
    throw new ApiError(410, 'invitation_expired', 'This invitation has expired.');
  }
}

async function loadCtx(tx: Repos, tokenHash: string): Promise<Ctx> {
  const order = await tx.orders.findByInviteHash(tokenHash);
  if (!order) throw unknown();
  // One after another: a unit of work holds one PostgreSQL client, which runs one query at a time (pg warns on
  // overlapping queries and pg@9 refuses them).
  const account = await tx.accounts.get(order.account_id);
  const candidate = await tx.candidates.get(order.account_id, order.candidate_id);
  const pkg = await tx.packages.get(order.account_id, order.package_id);
  const content = await tx.packages.content(order.account_id, order.package_id, order.package_version);
  if (!account || !content) throw unknown();
  return { order, account, candidate, content: content as unknown as PackageContent, packageName: pkg?.name ?? (content.name as string) };
}

function findTest(content: PackageContent, testId: string): TestContent {
  const test = content.tests.find((t) => t.id === testId);
  if (!test) throw new ApiError(404, 'test_unknown', 'This assessment has no such test.');
  return test;
}

function findQuestion(content: PackageContent, questionId: string): { test: TestContent; question: Question } {
  for (const test of content.tests) {
    const question = test.questions.find((q) => q.id === questionId);
    if (question) return { test, question };
  }
  throw new ApiError(404, 'question_unknown', 'This assessment has no such question.');
}

/** The candidate's view of the attempt: no answer keys, questions only of the test whose timer runs. */
function toAttempt(ctx: Ctx, sessions: TestSessionRow[], responses: Map<string, unknown>, now: Date): Attempt {
  const { order, account, candidate } = ctx;
  const locale = candidateLocale(candidate, account);
  // The candidate reads the package in their language, English where a field has no translation.
  const content = localizeContent(ctx.content, locale);
  const byTest = new Map(sessions.map((s) => [s.test_id, s]));
  const responded = (test: TestContent) => test.questions.filter((q) => responses.has(q.id) && responses.get(q.id) !== null).length;
  const tests: AttemptTest[] = content.tests.map((test) => {
    const s = byTest.get(test.id);
    return {
      id: test.id,
      name: test.name,
      description: test.description,
      duration_minutes: extendedMinutes(test.duration_minutes, order.extra_time_percent),
      question_count: test.questions.length,
      state: order.status === 'completed' && s ? 'closed' : testState(s, now),
      started_at: s?.started_at ?? null,
      deadline_at: s?.deadline_at ?? null,
      finished_at: s?.finished_at ?? null,
      responded: responded(test),
    };
  });
  const open = order.status === 'completed' ? undefined : content.tests.find((t, i) => tests[i]!.state === 'open');
  let current: Attempt['current'] = null;
  if (open) {
    const pub = toPublicTest(open, content.locale ?? locale);
    const saved: Record<string, ResponseValue> = {};
    for (const q of open.questions) if (responses.has(q.id)) saved[q.id] = responses.get(q.id) as ResponseValue;
    current = { test_id: open.id, questions: pub.questions, responses: saved };
  }
  return {
    status: order.status === 'completed' ? 'completed' : order.status === 'in_progress' ? 'in_progress' : 'pending',
    locale,
    company: account.settings.company_name ?? account.name,
    candidate_first_name: candidate?.erased_at ? null : (candidate?.first_name ?? null),
    expires_at: order.expires_at,
    started_at: order.started_at,
    completed_at: order.completed_at,
    server_time: now.toISOString(),
    package: {
      name: content.translations?.[locale]?.name ?? ctx.packageName,
      description: content.description,
      duration_minutes: extendedMinutes(packageDurationMinutes(content), order.extra_time_percent),
      test_count: content.tests.length,
      question_count: content.tests.reduce((n, t) => n + t.questions.length, 0),
    },
    tests,
    extra_time_percent: order.extra_time_percent,
    current,
  };
}

async function snapshot(tx: Repos, ctx: Ctx, now: Date): Promise<Attempt> {
  const sessions = await tx.attempts.testSessions(ctx.order.id); // one query at a time on the unit's client
  const answers = await tx.attempts.answers(ctx.order.id);
  return toAttempt(ctx, sessions, new Map(answers.map((a) => [a.question_id, a.value])), now);
}

/** Moves a pending order to in_progress (once), and keeps orders.deadline_at as the sweeper needs it. */
async function markStarted(tx: Repos, ctx: Ctx, now: Date): Promise<void> {
  const { order } = ctx;
  const sessions = await tx.attempts.testSessions(order.id);
  const deadline = attemptDeadline({ testIds: ctx.content.tests.map((t) => t.id), sessions, expiresAt: order.expires_at, now }).toISOString();
  if (order.status === 'pending') {
    Object.assign(order, await transition(tx, order, 'in_progress', { reason: null, actor: actor.candidate(order.candidate_id), patch: { started_at: now.toISOString(), deadline_at: deadline }, now }));
  } else if (order.deadline_at !== deadline) {
    await tx.orders.update(order.account_id, order.id, { deadline_at: deadline });
    order.deadline_at = deadline;
  }
}

export interface CandidateService {
  get(tokenHash: string): Promise<Attempt>;
  start(tokenHash: string): Promise<Attempt>;
  startTest(tokenHash: string, testId: string): Promise<Attempt>;
  finishTest(tokenHash: string, testId: string): Promise<Attempt>;
  saveResponse(tokenHash: string, questionId: string, value: unknown): Promise<{ question_id: string; saved_at: string }>;
  submit(tokenHash: string): Promise<{ submission: Submission; created: boolean }>;
}

/** `now` is injectable so tests can move the clock; production passes nothing. */
export function candidateService(store: Store, now: () => Date = () => new Date()): CandidateService {
  return {
    async get(tokenHash) {
      const at = now();
      return store.transaction(async (tx) => {
        const ctx = await loadCtx(tx, tokenHash);
        if (ctx.order.status !== 'completed') requireOpen(ctx.order, at);
        return snapshot(tx, ctx, at);
      });
    },

    async start(tokenHash) {
      const at = now();
      return store.transaction(async (tx) => {
        const ctx = await loadCtx(tx, tokenHash);
        requireOpen(ctx.order, at);
        await markStarted(tx, ctx, at);
        return snapshot(tx, ctx, at);
      });
    },

    async startTest(tokenHash, testId) {
      const at = now();
      return store.transaction(async (tx) => {
        const ctx = await loadCtx(tx, tokenHash);
        requireOpen(ctx.order, at);
        const test = findTest(ctx.content, testId);
        const sessions = await tx.attempts.testSessions(ctx.order.id);
        if (sessions.some((s) => s.test_id === test.id)) return snapshot(tx, ctx, at); // idempotent: the timer keeps its deadline
        if (ctx.order.expires_at && Date.parse(ctx.order.expires_at) <= at.getTime()) {
          throw new ApiError(410, 'invitation_expired', 'This invitation has expired, so no new test can be started.');
        }
        // One timer at a time: starting a test closes any other that is still open.
        for (const s of sessions) {
          if (testState(s, at) === 'open') await tx.attempts.finishTest(ctx.order.id, s.test_id, at.toISOString());
        }
        await tx.attempts.startTest({ order_id: ctx.order.id, test_id: test.id, started_at: at.toISOString(), deadline_at: testDeadline(at, extendedMinutes(test.duration_minutes, ctx.order.extra_time_percent)).toISOString(), finished_at: null });
        await markStarted(tx, ctx, at);
        return snapshot(tx, ctx, at);
      });
    },

    async finishTest(tokenHash, testId) {
      const at = now();
      return store.transaction(async (tx) => {
        const ctx = await loadCtx(tx, tokenHash);
        requireOpen(ctx.order, at);
        const test = findTest(ctx.content, testId);
        const session = (await tx.attempts.testSessions(ctx.order.id)).find((s) => s.test_id === test.id);
        if (!session) throw new ApiError(409, 'test_not_started', 'This test has not been started yet.');
        if (!session.finished_at) {
          // A test that ran out of time ends at its deadline, so time spent is never more than allowed.
          const end = Math.min(at.getTime(), Date.parse(session.deadline_at));
          await tx.attempts.finishTest(ctx.order.id, test.id, new Date(end).toISOString());
          await markStarted(tx, ctx, at);
        }
        return snapshot(tx, ctx, at);
      });
    },

    async saveResponse(tokenHash, questionId, value) {
      const at = now();
      return store.transaction(async (tx) => {
        const ctx = await loadCtx(tx, tokenHash);
        requireOpen(ctx.order, at);
        const { test, question } = findQuestion(ctx.content, questionId);
        const session = (await tx.attempts.testSessions(ctx.order.id)).find((s) => s.test_id === test.id);
        if (!session) throw new ApiError(409, 'test_not_started', 'Start this test before answering its questions.');
        const ok = acceptsAnswers(session, at);
        if (ok === 'test_closed') throw new ApiError(409, 'test_closed', 'This test is finished; its answers can no longer be changed.');
        if (ok === 'deadline_passed') throw new ApiError(409, 'deadline_passed', 'Time is up for this test, so this answer was not saved. The answers you saved before are kept.');
        if (value !== null) {
          const check = validateAnswer(question, value);
          if (!check.ok) throw new ApiError(400, 'invalid_response', check.message);
          value = check.value;
        }
        await tx.attempts.saveAnswer({ order_id: ctx.order.id, question_id: question.id, value, answered_at: at.toISOString() });
        return { question_id: question.id, saved_at: at.toISOString() };
      });
    },

    async submit(tokenHash) {
      const at = now();
      return store.transaction(async (tx) => {
        const ctx = await loadCtx(tx, tokenHash);
        const { order } = ctx;
        const prior = await tx.results.get(order.account_id, order.id);
        // Submitting twice returns the first submission; there is only ever one result.
        if (prior) return { submission: { status: 'completed' as const, completed_at: prior.completed_at }, created: false };
        requireOpen(order, at);
        const completedAt = at.toISOString();
        for (const s of await tx.attempts.testSessions(order.id)) {
          if (!s.finished_at) await tx.attempts.finishTest(order.id, s.test_id, new Date(Math.min(at.getTime(), Date.parse(s.deadline_at))).toISOString());
        }
        const answers = Object.fromEntries((await tx.attempts.answers(order.id)).map((a) => [a.question_id, a.value]));
        const sessions = await tx.attempts.testSessions(order.id);
        // The one result of this attempt, computed here and only here; everything else maps from it.
        const proctoring = summariseProctoring(await tx.attempts.proctoringEvents(order.id));
        const summary = buildResultSummary({ content: ctx.content, answers, sessions, bands: ctx.account.settings.score_bands, completedAt, proctoring });
        await tx.results.insert({ order_id: order.id, account_id: order.account_id, score: summary.percent, max_score: 100, details: summary as unknown as Json, completed_at: completedAt });
        await transition(tx, order, 'completed', { reason: null, actor: actor.candidate(order.candidate_id), patch: { completed_at: completedAt, started_at: order.started_at ?? completedAt }, details: { score: summary.percent }, now: at });
        return { submission: { status: 'completed' as const, completed_at: completedAt }, created: true };
      });
    },
  };
}

/** For the page at /t/<token>: what to show, in which language, without changing anything. */
export async function describeInvitation(store: Store, token: string, now: Date): Promise<{ state: InvitationState | 'unknown'; locale: Locale | null; company: string | null }> {
  const order = await store.orders.findByInviteHash(hashInvitationToken(token));
  if (!order) return { state: 'unknown', locale: null, company: null };
  const [account, candidate] = await Promise.all([store.accounts.get(order.account_id), store.candidates.get(order.account_id, order.candidate_id)]);
  return { state: invitationState(order, now), locale: candidateLocale(candidate, account), company: account ? (account.settings.company_name ?? account.name) : null };
}
