// Valibot schemas for package content files (content/packages/*.json) and for candidate answers.
import * as v from 'valibot';
import { PACKAGE_TYPES } from '../api.ts';

export const CONTENT_SCHEMA_VERSION = 1;
export const QUESTION_KINDS = ['single_choice', 'multiple_choice', 'numeric', 'short_text', 'likert'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];
export const LIKERT_MIN = 1;
export const LIKERT_MAX = 5;
export const DEFAULT_SHORT_TEXT_MAX_LENGTH = 500;

const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// Ids become JSON keys in saved answers and DOM ids in the candidate page, so keep them plain.
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const Text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max, `must be at most ${max} characters`));
const Id = v.pipe(v.string(), v.regex(ID_RE, 'must be letters, digits, "-" or "_", starting with a letter or digit'), v.maxLength(64, 'must be at most 64 characters'));
const FiniteNumber = v.pipe(v.number(), v.finite('must be a finite number'));

const OptionSchema = v.strictObject({ id: Id, text: Text(1_000) });
const Options = v.pipe(v.array(OptionSchema), v.minLength(2, 'needs at least 2 options'), v.maxLength(12, 'allows at most 12 options'));
// Pre-formatted material shown above the prompt (a data table, a code snippet); whitespace is kept.
const Snippet = v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(4_000, 'must be at most 4000 characters')));

export const SingleChoiceSchema = v.strictObject({
  id: Id,
  kind: v.literal('single_choice'),
  prompt: Text(2_000),
  snippet: Snippet,
  options: Options,
  answer: Id,
});

export const MultipleChoiceSchema = v.strictObject({
  id: Id,
  kind: v.literal('multiple_choice'),
  prompt: Text(2_000),
  snippet: Snippet,
  options: Options,
  answers: v.pipe(v.array(Id), v.minLength(1, 'needs at least 1 correct option')),
});

export const NumericSchema = v.strictObject({
  id: Id,
  kind: v.literal('numeric'),
  prompt: Text(2_000),
  snippet: Snippet,
  answer: FiniteNumber,
  tolerance: v.pipe(FiniteNumber, v.minValue(0, 'must be 0 or more')),
  unit: v.optional(Text(20)),
});

const RegexAccept = v.strictObject({ regex: v.pipe(v.string(), v.minLength(1, 'must not be empty')) });
export const ShortTextSchema = v.strictObject({
  id: Id,
  kind: v.literal('short_text'),
  prompt: Text(2_000),
  snippet: Snippet,
  accept: v.pipe(v.array(v.union([Text(500), RegexAccept], 'must be a string or { "regex": string }')), v.minLength(1, 'needs at least 1 accepted answer')),
  max_length: v.optional(v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'must be 1 or more'), v.maxValue(5_000, 'must be at most 5000'))),
});

export const LikertSchema = v.strictObject({
  id: Id,
  kind: v.literal('likert'),
  statement: Text(500),
  trait: Id,
  direction: v.picklist([1, -1], 'must be 1 or -1'),
});

export const QuestionSchema = v.variant('kind', [SingleChoiceSchema, MultipleChoiceSchema, NumericSchema, ShortTextSchema, LikertSchema], `must be one of: ${QUESTION_KINDS.join(', ')}`);

export const TraitSchema = v.strictObject({ id: Id, name: Text(100), explanation: Text(300) });

// What a score means for the hiring manager, per level (shared/result/levels.ts: low 0–39, middle 40–69,
// high 70–100), and questions an interviewer could ask next. Shown on the report only, never to candidates.
const LevelTextsSchema = v.strictObject({ low: Text(600), middle: Text(600), high: Text(600) });
export const TestReportSchema = v.strictObject({
  meaning: LevelTextsSchema,
  traits: v.optional(v.record(Id, LevelTextsSchema)),
  interview_questions: v.optional(v.pipe(v.array(Text(300)), v.maxLength(10, 'allows at most 10 questions'))),
});
export type TestReport = v.InferOutput<typeof TestReportSchema>;

export const TestSchema = v.strictObject({
  id: Id,
  name: Text(100),
  description: Text(1_000),
  // One sentence on what the score measures; shown beside the sub-score in the report.
  explanation: Text(300),
  duration_minutes: v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'must be at least 1'), v.maxValue(180, 'must be at most 180')),
  weight: v.pipe(FiniteNumber, v.gtValue(0, 'must be greater than 0')),
  // Optional custom labels for the five likert points; the catalogue's labels are used otherwise.
  likert_labels: v.optional(v.pipe(v.array(Text(40)), v.length(5, 'needs exactly 5 labels'))),
  traits: v.optional(v.pipe(v.array(TraitSchema), v.minLength(1, 'needs at least 1 trait'))),
  report: v.optional(TestReportSchema),
  questions: v.pipe(v.array(QuestionSchema), v.minLength(1, 'needs at least 1 question'), v.maxLength(200, 'allows at most 200 questions')),
});

/**
 * Text of a package in another language (issue 15): every field optional, English (the base) is the
 * fallback per field. Tests, traits, questions and options are found by their ids, so the key, the
 * scoring and the ids never change with the language.
 */
export const TranslationSchema = v.strictObject({
  name: v.optional(Text(100)),
  description: v.optional(Text(2_000)),
  tests: v.optional(
    v.record(
      Id,
      v.strictObject({
        name: v.optional(Text(100)),
        description: v.optional(Text(1_000)),
        explanation: v.optional(Text(300)),
        likert_labels: v.optional(v.pipe(v.array(Text(40)), v.length(5, 'needs exactly 5 labels'))),
        traits: v.optional(v.record(Id, v.strictObject({ name: v.optional(Text(100)), explanation: v.optional(Text(300)) }))),
      }),
    ),
  ),
  questions: v.optional(
    v.record(
      Id,
      v.strictObject({
        prompt: v.optional(Text(2_000)),
        statement: v.optional(Text(500)),
        snippet: Snippet,
        unit: v.optional(Text(20)),
        options: v.optional(v.record(Id, Text(1_000))),
      }),
    ),
  ),
});
export type Translation = v.InferOutput<typeof TranslationSchema>;

const PackageShapeSchema = v.strictObject({
  schema_version: v.literal(CONTENT_SCHEMA_VERSION, `must be ${CONTENT_SCHEMA_VERSION}`),
  id: v.pipe(v.string(), v.regex(SLUG_RE, 'must be a slug: lower-case letters, digits and single hyphens'), v.maxLength(64, 'must be at most 64 characters')),
  version: v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'must be 1 or more')),
  name: Text(100),
  description: Text(2_000),
  type: v.picklist(PACKAGE_TYPES, `must be one of: ${PACKAGE_TYPES.join(', ')}`),
  locale: v.optional(v.pipe(v.string(), v.regex(/^[a-z]{2}(?:-[A-Z]{2})?$/, 'must look like "en" or "nl-BE"'))),
  tests: v.pipe(v.array(TestSchema), v.minLength(1, 'needs at least 1 test'), v.maxLength(20, 'allows at most 20 tests')),
  /** Per-locale text, e.g. { "nl": { … } }; see TranslationSchema. */
  translations: v.optional(v.record(v.pipe(v.string(), v.regex(/^[a-z]{2}$/, 'must be a language code like "nl"')), TranslationSchema)),
});

export type PackageContent = v.InferOutput<typeof PackageShapeSchema>;
export type TestContent = PackageContent['tests'][number];
export type Question = TestContent['questions'][number];
export type SingleChoiceQuestion = v.InferOutput<typeof SingleChoiceSchema>;
export type MultipleChoiceQuestion = v.InferOutput<typeof MultipleChoiceSchema>;
export type NumericQuestion = v.InferOutput<typeof NumericSchema>;
export type ShortTextQuestion = v.InferOutput<typeof ShortTextSchema>;
export type LikertQuestion = v.InferOutput<typeof LikertSchema>;
export type Trait = v.InferOutput<typeof TraitSchema>;

/** A problem found by the cross-field checks: `path` lists object keys and array indexes from the root. */
export interface ContentProblem {
  path: (string | number)[];
  message: string;
}

/** Compiles an accepted-answer regex the way scoring uses it: full match, case-insensitive. */
export function compileAcceptRegex(source: string): RegExp {
  return new RegExp(`^(?:${source})$`, 'i');
}

function duplicates<T>(items: readonly T[], key: (item: T) => string, at: (index: number) => (string | number)[], what: string): ContentProblem[] {
  const seen = new Map<string, number>();
  const problems: ContentProblem[] = [];
  items.forEach((item, index) => {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, index);
    else problems.push({ path: at(index), message: `duplicate ${what} "${k}" (first used at index ${first})` });
  });
  return problems;
}

/** Cross-field rules the shape schema cannot express: unique ids, answer keys that exist, declared traits, regexes that compile. */
export function checkPackageRules(pkg: PackageContent): ContentProblem[] {
  const problems: ContentProblem[] = [];
  problems.push(...duplicates(pkg.tests, (t) => t.id, (i) => ['tests', i, 'id'], 'test id'));
  // Answers are keyed by question id for the whole attempt, so ids must be unique across the package.
  const questionIds = new Map<string, string>();
  pkg.tests.forEach((test, ti) => {
    const traitIds = new Set((test.traits ?? []).map((t) => t.id));
    const usedTraits = new Set<string>();
    let hasLikert = false;
    if (test.traits) problems.push(...duplicates(test.traits, (t) => t.id, (i) => ['tests', ti, 'traits', i, 'id'], 'trait id'));
    test.questions.forEach((q, qi) => {
      const at = (...rest: (string | number)[]) => ['tests', ti, 'questions', qi, ...rest];
      const earlier = questionIds.get(q.id);
      if (earlier) problems.push({ path: at('id'), message: `duplicate question id "${q.id}" (first used at ${earlier})` });
      else questionIds.set(q.id, `tests[${ti}].questions[${qi}]`);
      switch (q.kind) {
        case 'single_choice': {
          problems.push(...duplicates(q.options, (o) => o.id, (i) => at('options', i, 'id'), 'option id'));
          if (!q.options.some((o) => o.id === q.answer)) problems.push({ path: at('answer'), message: `"${q.answer}" is not one of the option ids (${q.options.map((o) => o.id).join(', ')})` });
          break;
        }
        case 'multiple_choice': {
          problems.push(...duplicates(q.options, (o) => o.id, (i) => at('options', i, 'id'), 'option id'));
          problems.push(...duplicates(q.answers, (a) => a, (i) => at('answers', i), 'answer'));
          q.answers.forEach((a, ai) => {
            if (!q.options.some((o) => o.id === a)) problems.push({ path: at('answers', ai), message: `"${a}" is not one of the option ids (${q.options.map((o) => o.id).join(', ')})` });
          });
          break;
        }
        case 'numeric':
          break;
        case 'short_text': {
          q.accept.forEach((a, ai) => {
            if (typeof a === 'string') {
              if (q.max_length !== undefined && a.length > q.max_length) problems.push({ path: at('accept', ai), message: `is longer than max_length (${q.max_length})` });
              return;
            }
            try {
              compileAcceptRegex(a.regex);
            } catch (error) {
              problems.push({ path: at('accept', ai, 'regex'), message: `is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}` });
            }
          });
          break;
        }
        case 'likert': {
          hasLikert = true;
          usedTraits.add(q.trait);
          if (test.traits && !traitIds.has(q.trait)) problems.push({ path: at('trait'), message: `trait "${q.trait}" is not declared in tests[${ti}].traits (${[...traitIds].join(', ')})` });
          break;
        }
      }
    });
    if (hasLikert && !test.traits) problems.push({ path: ['tests', ti, 'traits'], message: 'is required because the test has likert questions' });
    if (!hasLikert && test.traits) problems.push({ path: ['tests', ti, 'traits'], message: 'is only allowed in tests with likert questions' });
    if (hasLikert && test.traits) {
      test.traits.forEach((t, i) => {
        if (!usedTraits.has(t.id)) problems.push({ path: ['tests', ti, 'traits', i, 'id'], message: `trait "${t.id}" has no likert questions` });
      });
    }
    if (test.traits) for (const id of Object.keys(test.report?.traits ?? {})) {
      if (!traitIds.has(id)) problems.push({ path: ['tests', ti, 'report', 'traits', id], message: `trait "${id}" is not declared in tests[${ti}].traits` });
    }
  });
  return problems;
}

// Turns plain keys into valibot path items so cross-field problems come out like any other issue.
function toIssuePath(root: unknown, keys: (string | number)[]): [v.IssuePathItem, ...v.IssuePathItem[]] | undefined {
  const items: v.IssuePathItem[] = [];
  let input: unknown = root;
  for (const key of keys) {
    const value = (input as Record<string | number, unknown>)[key];
    if (typeof key === 'number') items.push({ type: 'array', origin: 'value', input: input as unknown[], key, value });
    else items.push({ type: 'object', origin: 'value', input: input as Record<string, unknown>, key, value });
    input = value;
  }
  return items.length ? (items as [v.IssuePathItem, ...v.IssuePathItem[]]) : undefined;
}

/** The full schema of a package content file: shape first, then the cross-field rules (with paths). */
export const PackageContentSchema = v.pipe(
  PackageShapeSchema,
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const problem of checkPackageRules(dataset.value)) {
      addIssue({ message: problem.message, path: toIssuePath(dataset.value, problem.path) });
    }
  }),
);

/** Every question of a package, with the test it belongs to. */
export function listQuestions(pkg: PackageContent): { test: TestContent; question: Question }[] {
  return pkg.tests.flatMap((test) => test.questions.map((question) => ({ test, question })));
}

/** Total time of a package: the sum of its tests' durations. */
export function packageDurationMinutes(pkg: Pick<PackageContent, 'tests'>): number {
  return pkg.tests.reduce((sum, t) => sum + t.duration_minutes, 0);
}

// ---------- Candidate answers ----------

export type AnswerValue = string | string[] | number;

/** The valibot schema a candidate's answer to `question` must satisfy. */
export function answerSchemaFor(question: Question): v.GenericSchema<unknown, AnswerValue> {
  switch (question.kind) {
    case 'single_choice': {
      const ids = question.options.map((o) => o.id);
      return v.pipe(v.string('must be an option id'), v.picklist(ids, 'must be one of the options'));
    }
    case 'multiple_choice': {
      const ids = question.options.map((o) => o.id);
      return v.pipe(
        v.array(v.string('must be option ids'), 'must be a list of option ids'),
        v.maxLength(ids.length, `must select at most ${ids.length} options`),
        v.check((list) => new Set(list).size === list.length, 'must not select an option twice'),
        v.check((list) => list.every((id) => ids.includes(id)), 'must only select listed options'),
      );
    }
    case 'numeric':
      return v.pipe(v.number('must be a number'), v.finite('must be a finite number'));
    case 'short_text': {
      const max = question.max_length ?? DEFAULT_SHORT_TEXT_MAX_LENGTH;
      return v.pipe(v.string('must be text'), v.maxLength(max, `must be at most ${max} characters`));
    }
    case 'likert':
      return v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(LIKERT_MIN, `must be ${LIKERT_MIN} to ${LIKERT_MAX}`), v.maxValue(LIKERT_MAX, `must be ${LIKERT_MIN} to ${LIKERT_MAX}`));
  }
}

export type AnswerCheck = { ok: true; value: AnswerValue } | { ok: false; message: string };

/** Checks a candidate's answer value against the question's kind; never throws. */
export function validateAnswer(question: Question, value: unknown): AnswerCheck {
  const result = v.safeParse(answerSchemaFor(question), value);
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, message: `Answer to ${question.id} ${result.issues[0].message}` };
}
