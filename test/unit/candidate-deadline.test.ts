// The time rules of an attempt and the report's small helpers, with any clock.
import { describe, expect, it } from 'vitest';
import { acceptsAnswers, ANSWER_GRACE_MS, attemptDeadline, extendedMinutes, SUBMIT_GRACE_MS, testDeadline, testState } from '../../server/candidate/deadline.ts';
import { invitationState } from '../../server/candidate/attempt.ts';
import { formatDuration, safeReturnPath } from '../../server/routes/report.ts';
import type { OrderRow, TestSessionRow } from '../../server/store/types.ts';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);
const session = (test_id: string, startMs: number, minutes: number, finishedMs?: number): TestSessionRow => ({
  order_id: 'ord_x',
  test_id,
  started_at: at(startMs).toISOString(),
  deadline_at: testDeadline(at(startMs), minutes).toISOString(),
  finished_at: finishedMs === undefined ? null : at(finishedMs).toISOString(),
});

describe('a test’s timer', () => {
  it('runs from start for its duration, then closes; finishing closes it early', () => {
    const s = session('a', 0, 10);
    expect(s.deadline_at).toBe(at(600_000).toISOString());
    expect(testState(undefined, at(0))).toBe('not_started');
    expect(testState(s, at(599_999))).toBe('open');
    expect(testState(s, at(600_000))).toBe('closed');
    expect(testState(session('a', 0, 10, 1000), at(2000))).toBe('closed');
  });

  it('accepts answers up to a few seconds after the deadline, for latency only', () => {
    const s = session('a', 0, 10);
    expect(ANSWER_GRACE_MS).toBeLessThanOrEqual(10_000);
    expect(acceptsAnswers(s, at(600_000 + ANSWER_GRACE_MS))).toBe('ok');
    expect(acceptsAnswers(s, at(600_000 + ANSWER_GRACE_MS + 1))).toBe('deadline_passed');
    expect(acceptsAnswers(session('a', 0, 10, 5000), at(6000))).toBe('test_closed');
  });
});

describe('orders.deadline_at, which the sweeper uses', () => {
  const expiresAt = at(7 * 86_400_000).toISOString();
  it('covers the invitation’s expiry while a test is still to be started', () => {
    const d = attemptDeadline({ testIds: ['a', 'b'], sessions: [session('a', 0, 10)], expiresAt, now: at(0) });
    expect(d.toISOString()).toBe(new Date(Date.parse(expiresAt) + SUBMIT_GRACE_MS).toISOString());
  });

  it('is the last test’s deadline once every test has started, plus the submit grace', () => {
    const d = attemptDeadline({ testIds: ['a', 'b'], sessions: [session('a', 0, 10, 60_000), session('b', 120_000, 8)], expiresAt, now: at(130_000) });
    expect(d.getTime()).toBe(T0 + 120_000 + 8 * 60_000 + SUBMIT_GRACE_MS);
  });

  it('counts a finished test by when it finished', () => {
    const d = attemptDeadline({ testIds: ['a'], sessions: [session('a', 0, 10, 30_000)], expiresAt, now: at(30_000) });
    expect(d.getTime()).toBe(T0 + 30_000 + SUBMIT_GRACE_MS);
  });
});

describe('what a link stands for', () => {
  const order = (patch: Partial<OrderRow>) => ({ status: 'pending', expires_at: at(1000).toISOString(), deadline_at: null, ...patch }) as OrderRow;
  it('is open, expired, cancelled or completed by status and time', () => {
    expect(invitationState(order({}), at(999))).toBe('open');
    expect(invitationState(order({}), at(1000))).toBe('expired');
    expect(invitationState(order({ status: 'in_progress', deadline_at: at(5000).toISOString() }), at(4000))).toBe('open');
    expect(invitationState(order({ status: 'in_progress', deadline_at: at(5000).toISOString() }), at(5000))).toBe('expired');
    expect(invitationState(order({ status: 'expired' }), at(0))).toBe('expired');
    expect(invitationState(order({ status: 'cancelled' }), at(0))).toBe('cancelled');
    expect(invitationState(order({ status: 'rejected' }), at(0))).toBe('cancelled');
    expect(invitationState(order({ status: 'completed' }), at(99_999_999))).toBe('completed');
  });
});

describe('the report’s helpers', () => {
  it('return only to same-origin paths', () => {
    expect(safeReturnPath('/report/ord_abc12345')).toBe('/report/ord_abc12345');
    expect(safeReturnPath('/report/ord_abc12345?x=1#frag')).toBe('/report/ord_abc12345?x=1');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'http:/evil', 'javascript:alert(1)', '', ' /x', '/x\ny', '/login', '/logout', 42, null, '/'.padEnd(600, 'a')]) {
      expect(safeReturnPath(bad), String(bad)).toBeNull();
    }
  });

  it('formats time spent', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(6 * 60_000)).toBe('6 min');
    expect(formatDuration(6 * 60_000 + 5000)).toBe('6 min 5 s');
    expect(formatDuration(3_600_000 + 120_000 + 7000)).toBe('1 h 2 min');
  });
});

describe('extra time', () => {
  it('lengthens a duration by the granted share, rounded up to whole minutes in the candidate’s favour', () => {
    expect(extendedMinutes(8, 0)).toBe(8);
    expect(extendedMinutes(8, 25)).toBe(10);
    expect(extendedMinutes(7, 25)).toBe(9); // 8.75 → 9
    expect(extendedMinutes(12, 50)).toBe(18);
    expect(extendedMinutes(10, 100)).toBe(20);
    expect(testDeadline(at(0), extendedMinutes(8, 50)).getTime() - T0).toBe(12 * 60_000);
  });
});
