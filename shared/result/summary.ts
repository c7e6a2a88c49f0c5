// One result per attempt: the typed summary the server builds once, at scoring time, and stores
// (results.details, versioned). Every place that shows or sends a score — the report, the widget's
// result card, Insights, e-mails and each ATS write-back — reads it through parseResultSummary and
// maps from it; none of them computes or rounds a score again.
import * as v from 'valibot';

export const RESULT_SUMMARY_VERSION = 1 as const;

/**
 * The one rounding rule: an integer percentage 0–100, earned / max × 100 rounded half up.
 * The small epsilon keeps float error (e.g. 0.145 × 100 = 14.499999…) from rounding a true half down.
 */
export function roundPercent(earned: number, max: number): number {
  if (!(max > 0) || !Number.isFinite(earned)) return 0;
  const raw = (earned / max) * 100;
  return Math.min(100, Math.max(0, Math.floor(raw + 0.5 + 1e-9)));
}

const Percent = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100));
const Count = v.pipe(v.number(), v.integer(), v.minValue(0));
const Seconds = v.pipe(v.number(), v.minValue(0));
const Text = v.string();

const TraitResultSchema = v.object({ id: Text, name: Text, percent: Percent, explanation: Text });

const TestResultSchema = v.object({
  id: Text,
  name: Text,
  /** This test's score, rounded by the one rule. */
  percent: Percent,
  weight: v.pipe(v.number(), v.minValue(0)),
  explanation: Text,
  answered: Count,
  total: Count,
  /** Time between starting and finishing this test, or null when it was never started. */
  seconds: v.nullable(Seconds),
  traits: v.array(TraitResultSchema),
});

export const ProctoringSummarySchema = v.object({
  /** How often the page lost focus or was hidden during a test, and for how long in total. */
  left_count: Count,
  left_seconds: Seconds,
  /** Pastes into an answer field (the pasted text is never recorded). */
  paste_count: Count,
  /** Seconds the candidate spent on each question, by question id. */
  question_seconds: v.record(v.string(), Seconds),
  /** True when the client hit the per-attempt event limit, so the counts are a lower bound. */
  truncated: v.boolean(),
});
export type ProctoringSummary = v.InferOutput<typeof ProctoringSummarySchema>;

export const ResultSummarySchema = v.object({
  version: v.literal(RESULT_SUMMARY_VERSION),
  /** The overall score: weighted earned / max over the tests, rounded once by roundPercent. */
  percent: Percent,
  /** The label of the account's score band the percent falls in, or null when no band covers it. */
  band: v.nullable(Text),
  answered: Count,
  total: Count,
  /** Seconds spent in tests (sum of the per-test times). */
  seconds: Seconds,
  tests: v.array(TestResultSchema),
  proctoring: v.nullable(ProctoringSummarySchema),
});
export type ResultSummary = v.InferOutput<typeof ResultSummarySchema>;

export class ResultSummaryError extends Error {}

/**
 * The one reader of a stored result. Results written before the summary existed (scoreAttempt's
 * bare `{ score, tests: [{ test_id, score, … }] }`) are read as version 1 with what they held.
 */
export function parseResultSummary(json: unknown): ResultSummary {
  const parsed = v.safeParse(ResultSummarySchema, json);
  if (parsed.success) return parsed.output;
  const legacy = fromLegacy(json);
  if (legacy) return legacy;
  throw new ResultSummaryError(`stored result is not a result summary: ${parsed.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`).join('; ').slice(0, 300)}`);
}

/** The same reader for pages and answers that must not fail on one unreadable row: null instead of an error. */
export function readResultSummary(json: unknown): ResultSummary | null {
  try {
    return parseResultSummary(json);
  } catch {
    return null;
  }
}

const LegacySchema = v.object({
  score: v.number(),
  tests: v.array(
    v.object({
      test_id: v.string(),
      name: v.string(),
      score: v.number(),
      weight: v.optional(v.number(), 1),
      explanation: v.optional(v.string(), ''),
      answered: v.optional(v.number(), 0),
      total: v.optional(v.number(), 0),
      traits: v.optional(v.array(v.object({ id: v.string(), name: v.string(), score: v.number(), explanation: v.optional(v.string(), '') })), []),
    }),
  ),
});

const clampInt = (n: number) => Math.min(100, Math.max(0, Math.round(n)));

function fromLegacy(json: unknown): ResultSummary | null {
  if (json && typeof json === 'object' && 'version' in json) return null;
  const old = v.safeParse(LegacySchema, json);
  if (!old.success) return null;
  const tests = old.output.tests.map((t) => ({
    id: t.test_id,
    name: t.name,
    percent: clampInt(t.score),
    weight: Math.max(0, t.weight),
    explanation: t.explanation,
    answered: Math.max(0, Math.trunc(t.answered)),
    total: Math.max(0, Math.trunc(t.total)),
    seconds: null,
    traits: t.traits.map((tr) => ({ id: tr.id, name: tr.name, percent: clampInt(tr.score), explanation: tr.explanation })),
  }));
  return {
    version: RESULT_SUMMARY_VERSION,
    percent: clampInt(old.output.score),
    band: null,
    answered: tests.reduce((n, t) => n + t.answered, 0),
    total: tests.reduce((n, t) => n + t.total, 0),
    seconds: 0,
    tests,
    proctoring: null,
  };
}

/** "left the test window 3 times, 41 s in total; pasted into an answer twice" — or null when nothing was recorded. */
export function describeProctoring(p: ProctoringSummary | null): string | null {
  if (!p) return null;
  const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);
  const left = p.left_count === 0 ? 'never left the test window' : `left the test window ${times(p.left_count)}, ${formatSeconds(p.left_seconds)} in total`;
  const paste = p.paste_count === 0 ? 'no pastes into answers' : `pasted into an answer ${times(p.paste_count)}`;
  return `${left}; ${paste}${p.truncated ? ' (at least: the event limit was reached)' : ''}`;
}

/** 41 → "41 s", 75 → "1 min 15 s", 3720 → "1 h 2 min". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : '', !h && sec ? `${sec} s` : ''].filter(Boolean).join(' ') || '0 s';
}
