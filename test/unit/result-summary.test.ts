// The one result summary: the rounding rule, the stored shape read back through its one parser (and
// refused when it is not one), legacy rows, and the proctoring sentence the report and ATS notes show.
import { describe, expect, it } from 'vitest';
import { loadBundledPackages } from '../../server/content/load-package-file.ts';
import { buildResultSummary } from '../../server/scoring/result-summary.ts';
import { describeProctoring, parseResultSummary, ResultSummaryError, roundPercent } from '../../shared/result/summary.ts';

describe('roundPercent', () => {
  it('is earned / max × 100 rounded half up to an integer in 0..100', () => {
    expect(roundPercent(13, 17)).toBe(76); // 76.47
    expect(roundPercent(1, 8)).toBe(13); // 12.5 → 13, not banker's 12
    expect(roundPercent(0.145, 1)).toBe(15); // 14.4999… in floating point is still a half
    expect(roundPercent(29, 40)).toBe(73); // 72.5
    expect(roundPercent(0, 5)).toBe(0);
    expect(roundPercent(5, 5)).toBe(100);
    expect(roundPercent(6, 5)).toBe(100);
    expect(roundPercent(-1, 5)).toBe(0);
    expect(roundPercent(1, 0)).toBe(0);
    expect(roundPercent(Number.NaN, 3)).toBe(0);
  });
});

const lr = (await loadBundledPackages()).find((p) => p.id === 'logical-reasoning')!;

describe('the stored summary', () => {
  const [series, deduction] = lr.tests;
  const right = (q: { kind: string; answer?: unknown; answers?: unknown }) => (q.kind === 'multiple_choice' ? q.answers : q.answer);
  // 5 of 7 right in the first test, 5 of 6 in the second (weights 1 and 1.5): 78.57 % → 79.
  const answers = Object.fromEntries([
    ...series!.questions.slice(0, 5).map((q) => [q.id, right(q as never)]),
    ...deduction!.questions.slice(0, 5).map((q) => [q.id, right(q as never)]),
  ]);
  const sessions = [
    { order_id: 'o', test_id: series!.id, started_at: '2026-01-01T10:00:00.000Z', deadline_at: '2026-01-01T10:08:00.000Z', finished_at: '2026-01-01T10:03:20.000Z' },
    // Never finished: counted up to the submission.
    { order_id: 'o', test_id: deduction!.id, started_at: '2026-01-01T10:04:00.000Z', deadline_at: '2026-01-01T10:16:00.000Z', finished_at: null },
  ];
  const summary = buildResultSummary({ content: lr, answers, sessions, bands: undefined, completedAt: '2026-01-01T10:10:00.000Z' });

  it('holds the overall percent (one rounding), band, answered of total, per-test percent and time', () => {
    expect(summary.percent).toBe(79);
    expect(summary.band).toBe('4 - Strong Hire');
    expect([summary.answered, summary.total]).toEqual([10, 13]);
    expect(summary.tests.map((t) => [t.id, t.percent, t.answered, t.total, t.seconds])).toEqual([
      [series!.id, 71, 5, 7, 200],
      [deduction!.id, 83, 5, 6, 360],
    ]);
    expect(summary.seconds).toBe(560);
  });

  it('round-trips through JSON and the one parser; anything else is refused', () => {
    expect(parseResultSummary(JSON.parse(JSON.stringify(summary)))).toEqual(summary);
    expect(() => parseResultSummary({ ...summary, percent: 78.57 })).toThrow(ResultSummaryError);
    expect(() => parseResultSummary({ ...summary, version: 2 })).toThrow(ResultSummaryError);
    expect(() => parseResultSummary({ passed: true })).toThrow(ResultSummaryError);
    expect(() => parseResultSummary(null)).toThrow(ResultSummaryError);
  });

  it('reads a result stored before the summary existed', () => {
    const legacy = { score: 64, max_score: 100, tests: [{ test_id: 't', name: 'T', score: 64, max_score: 100, weight: 1, explanation: 'e', answered: 3, total: 4 }] };
    const r = parseResultSummary(legacy);
    expect(r).toMatchObject({ version: 1, percent: 64, band: null, answered: 3, total: 4, proctoring: null });
    expect(r.tests[0]).toMatchObject({ id: 't', percent: 64, seconds: null, traits: [] });
  });
});

describe('describeProctoring', () => {
  it('says how often and how long the candidate left, and how often they pasted', () => {
    const base = { question_seconds: {}, truncated: false };
    expect(describeProctoring(null)).toBeNull();
    expect(describeProctoring({ ...base, left_count: 3, left_seconds: 41, paste_count: 0 })).toBe('left the test window 3 times, 41 s in total; no pastes into answers');
    expect(describeProctoring({ ...base, left_count: 1, left_seconds: 75, paste_count: 2 })).toBe('left the test window once, 1 min 15 s in total; pasted into an answer twice');
    expect(describeProctoring({ ...base, left_count: 0, left_seconds: 0, paste_count: 1, truncated: true })).toBe('never left the test window; pasted into an answer once (at least: the event limit was reached)');
  });
});
