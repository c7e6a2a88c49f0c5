// Builds the one result summary of an attempt at scoring time (shared/result/summary.ts): the scores from
// scoreAttempt, the band from the account's score bands, the time per test from the test sessions and,
// when recorded, the proctoring summary. Stored once in results; everything else maps from it.
import type { PackageContent } from '../../shared/content/schema.ts';
import { parseResultSummary, RESULT_SUMMARY_VERSION, ResultSummaryError, type ProctoringSummary, type ResultSummary } from '../../shared/result/summary.ts';
import { PermanentError } from '../http/client.ts';
import { bandsOrDefault, scoreBand, type ScoreBand } from '../../shared/score-bands.ts';
import type { ResultRow, TestSessionRow } from '../store/types.ts';
import { scoreAttempt, type Answers } from './score-attempt.ts';

export interface SummaryInput {
  content: PackageContent;
  answers: Answers;
  sessions: readonly TestSessionRow[];
  bands: readonly ScoreBand[] | null | undefined;
  /** When the attempt was submitted; a test still open ends here (or at its deadline, if earlier). */
  completedAt: string;
  proctoring?: ProctoringSummary | null;
}

const seconds = (fromIso: string, toIso: string) => Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));

export function buildResultSummary(input: SummaryInput): ResultSummary {
  const scored = scoreAttempt(input.content, input.answers);
  const byTest = new Map(input.sessions.map((s) => [s.test_id, s]));
  const tests = scored.tests.map((t) => {
    const s = byTest.get(t.test_id);
    let spent: number | null = null;
    if (s) {
      const end = s.finished_at ?? (input.completedAt < s.deadline_at ? input.completedAt : s.deadline_at);
      spent = seconds(s.started_at, end);
    }
    return {
      id: t.test_id,
      name: t.name,
      percent: t.score,
      weight: t.weight,
      explanation: t.explanation,
      answered: t.answered,
      total: t.total,
      seconds: spent,
      traits: (t.traits ?? []).map((tr) => ({ id: tr.id, name: tr.name, percent: tr.score, explanation: tr.explanation })),
    };
  });
  return {
    version: RESULT_SUMMARY_VERSION,
    percent: scored.score,
    band: scoreBand(scored.score, bandsOrDefault(input.bands))?.label ?? null,
    answered: tests.reduce((n, t) => n + t.answered, 0),
    total: tests.reduce((n, t) => n + t.total, 0),
    seconds: tests.reduce((n, t) => n + (t.seconds ?? 0), 0),
    tests,
    proctoring: input.proctoring ?? null,
  };
}

/**
 * The stored result of an order as its summary, for write-backs: a row that is not one can never be sent,
 * so it fails for good (the outbox dead-letters it with this reason) instead of being retried.
 */
export function storedSummary(result: ResultRow): ResultSummary {
  try {
    return parseResultSummary(result.details);
  } catch (err) {
    if (err instanceof ResultSummaryError) throw new PermanentError(`order ${result.order_id}: ${err.message}`);
    throw err;
  }
}
