// Time rules of an attempt, pure so they can be tested with any clock.
import type { TestState } from '../../shared/candidate-api.ts';
import type { TestSessionRow } from '../store/types.ts';

/** Answers that arrive this long after a test's deadline still count: covers latency, not extra time. */
export const ANSWER_GRACE_MS = 5_000;
/** After the last deadline the page submits by itself; this covers that request and a slow connection. */
export const SUBMIT_GRACE_MS = 60_000;

export const testDeadline = (startedAt: Date, durationMinutes: number): Date => new Date(startedAt.getTime() + durationMinutes * 60_000);

/**
 * A duration with extra time granted as an accommodation (percent), rounded up to whole minutes in the
 * candidate's favour. The one rule for the timer, the server's deadline and every duration shown.
 */
export const extendedMinutes = (minutes: number, extraPercent: number): number => (extraPercent > 0 ? Math.ceil((minutes * (100 + extraPercent)) / 100) : minutes);

/** not_started: no timer yet; open: the timer runs; closed: finished by the candidate or out of time. */
export function testState(session: TestSessionRow | undefined, now: Date): TestState {
  if (!session) return 'not_started';
  if (session.finished_at || now.getTime() >= Date.parse(session.deadline_at)) return 'closed';
  return 'open';
}

/** Whether an answer given at `now` may still be stored for this test. */
export function acceptsAnswers(session: TestSessionRow, now: Date): 'ok' | 'test_closed' | 'deadline_passed' {
  if (session.finished_at) return 'test_closed';
  if (now.getTime() > Date.parse(session.deadline_at) + ANSWER_GRACE_MS) return 'deadline_passed';
  return 'ok';
}

/**
 * orders.deadline_at of an in-progress attempt: the latest moment the candidate can still act, which the
 * sweeper uses to expire it. A test not started yet can be started until the invitation expires, so
 * then the invitation's expiry counts too; an open test counts with its own deadline, a closed one with
 * when it closed. The submit grace is added so the page's own submission at the deadline is never lost.
 */
export function attemptDeadline(opts: { testIds: readonly string[]; sessions: readonly TestSessionRow[]; expiresAt: string | null; now: Date }): Date {
  const started = new Set(opts.sessions.map((s) => s.test_id));
  const times: number[] = opts.sessions.map((s) => Date.parse(s.finished_at ?? s.deadline_at));
  if (opts.testIds.some((id) => !started.has(id)) && opts.expiresAt) times.push(Date.parse(opts.expiresAt));
  const latest = times.length ? Math.max(...times) : opts.now.getTime();
  return new Date(latest + SUBMIT_GRACE_MS);
}
