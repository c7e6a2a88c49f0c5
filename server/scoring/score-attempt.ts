// Scores a candidate's answers against package content on the server; pure and never throws on bad answers.
import { compileAcceptRegex, validateAnswer, type PackageContent, type Question, type TestContent } from '../../shared/content/schema.ts';
import { roundPercent } from '../../shared/result/summary.ts';

export interface TraitScore {
  id: string;
  name: string;
  score: number;
  explanation: string;
}

export interface TestScore {
  test_id: string;
  name: string;
  score: number;
  max_score: 100;
  weight: number;
  explanation: string;
  answered: number;
  total: number;
  traits?: TraitScore[];
  /** The unrounded share of the test's points earned, 0..1; the overall score is built from these. */
  fraction: number;
}

export interface AttemptScore {
  score: number;
  max_score: 100;
  tests: TestScore[];
}

export type Answers = Record<string, unknown>;

// Display percentages use the one rounding rule (shared/result/summary.ts).
const percent = (fraction: number): number => roundPercent(fraction, 1);
const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Lower-cases, applies NFKC, trims and collapses runs of whitespace, so "  Record " equals "record". */
export function normaliseText(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Credit 0..1 for a knowledge item, or null for likert items (scored per trait instead). */
export function scoreQuestion(question: Question, value: unknown): number | null {
  if (question.kind === 'likert') return null;
  const check = validateAnswer(question, value);
  // Unanswered and invalid answers both score 0.
  if (!check.ok) return 0;
  const answer = check.value;
  switch (question.kind) {
    // single: 1 if the chosen option is the key.
    case 'single_choice':
      return answer === question.answer ? 1 : 0;
    // multiple: (right picked − wrong picked) / number right, floored at 0.
    case 'multiple_choice': {
      const picked = answer as string[];
      const right = picked.filter((id) => question.answers.includes(id)).length;
      return Math.max(0, (right - (picked.length - right)) / question.answers.length);
    }
    // numeric: 1 if within the tolerance (boundary inclusive; epsilon absorbs float error like 0.1 + 0.2).
    case 'numeric':
      return Math.abs((answer as number) - question.answer) <= question.tolerance + 1e-9 ? 1 : 0;
    // short_text: normalised equality with an accepted string, or a full, case-insensitive regex match.
    case 'short_text': {
      const given = normaliseText(answer as string);
      if (!given) return 0;
      return question.accept.some((a) => (typeof a === 'string' ? normaliseText(a) === given : safeRegexTest(a.regex, given))) ? 1 : 0;
    }
  }
}

function safeRegexTest(source: string, input: string): boolean {
  try {
    return compileAcceptRegex(source).test(input);
  } catch {
    return false;
  }
}

/** Keyed likert value 1..5 (reverse-keyed items flipped: 6 − v), or null when unanswered or invalid. */
export function keyedLikert(question: Extract<Question, { kind: 'likert' }>, value: unknown): number | null {
  const check = validateAnswer(question, value);
  if (!check.ok) return null;
  const v = check.value as number;
  return question.direction === 1 ? v : 6 - v;
}

function scoreTest(test: TestContent, answers: Answers): TestScore {
  let answered = 0;
  const knowledge: number[] = [];
  const keyedByTrait = new Map<string, number[]>();
  for (const q of test.questions) {
    const value = Object.hasOwn(answers, q.id) ? answers[q.id] : undefined;
    if (value !== undefined && validateAnswer(q, value).ok) answered++;
    if (q.kind === 'likert') {
      const keyed = keyedLikert(q, value);
      const list = keyedByTrait.get(q.trait) ?? [];
      // Likert traits average over answered items only; an unanswered statement is not a "strongly disagree".
      if (keyed !== null) list.push((keyed - 1) / 4);
      keyedByTrait.set(q.trait, list);
    } else {
      knowledge.push(scoreQuestion(q, value) ?? 0);
    }
  }
  const base = { test_id: test.id, name: test.name, max_score: 100 as const, weight: test.weight, explanation: test.explanation, answered, total: test.questions.length };
  if (!test.traits?.length) {
    const fraction = mean(knowledge);
    return { ...base, score: percent(fraction), fraction };
  }
  // Trait score = mean keyed value as a percentage; a trait with no answered items scores 0.
  const traitFractions = test.traits.map((trait) => mean(keyedByTrait.get(trait.id) ?? []));
  const traits = test.traits.map((trait, i) => ({ id: trait.id, name: trait.name, score: percent(traitFractions[i]!), explanation: trait.explanation }));
  // Test score = mean of the trait fractions; knowledge items in the same test count as one more component.
  if (knowledge.length) traitFractions.push(mean(knowledge));
  const fraction = mean(traitFractions);
  return { ...base, score: percent(fraction), traits, fraction };
}

/**
 * Scores every test (0..100) and the overall score: earned / max × 100, rounded once (roundPercent),
 * where each test earns weight × its unrounded fraction of its max and the max is the sum of the weights.
 */
export function scoreAttempt(content: PackageContent, answers: Answers): AttemptScore {
  const safeAnswers: Answers = answers && typeof answers === 'object' ? answers : {};
  const tests = content.tests.map((test) => scoreTest(test, safeAnswers));
  const max = tests.reduce((sum, t) => sum + t.weight, 0);
  const earned = tests.reduce((sum, t) => sum + t.fraction * t.weight, 0);
  return { score: roundPercent(earned, max), max_score: 100, tests };
}

export { scoreBand, DEFAULT_SCORE_BANDS, type ScoreBand } from '../../shared/score-bands.ts';
