// The candidate-safe projection of package content: built field by field so answer keys can never leak.
import { t, type MessageKey } from '../i18n/catalogue.ts';
import { DEFAULT_SHORT_TEXT_MAX_LENGTH, LIKERT_MAX, LIKERT_MIN, packageDurationMinutes, type PackageContent, type Question, type TestContent } from './schema.ts';
import type { PACKAGE_TYPES } from '../api.ts';

export interface PublicOption {
  id: string;
  text: string;
}

export type PublicQuestion =
  | { id: string; kind: 'single_choice'; prompt: string; snippet?: string; options: PublicOption[] }
  | { id: string; kind: 'multiple_choice'; prompt: string; snippet?: string; options: PublicOption[] }
  | { id: string; kind: 'numeric'; prompt: string; snippet?: string; unit?: string }
  | { id: string; kind: 'short_text'; prompt: string; snippet?: string; max_length: number }
  | { id: string; kind: 'likert'; statement: string; scale: { min: number; max: number; labels: string[] } };

export interface PublicTest {
  id: string;
  name: string;
  description: string;
  duration_minutes: number;
  question_count: number;
  questions: PublicQuestion[];
}

export interface PublicPackage {
  id: string;
  version: number;
  name: string;
  description: string;
  type: (typeof PACKAGE_TYPES)[number];
  locale: string;
  duration_minutes: number;
  test_count: number;
  question_count: number;
  tests: PublicTest[];
}

function withSnippet<T extends object>(base: T, snippet: string | undefined): T & { snippet?: string } {
  return snippet === undefined ? base : { ...base, snippet };
}

function toPublicQuestion(q: Question, likertLabels: string[]): PublicQuestion {
  switch (q.kind) {
    case 'single_choice':
    case 'multiple_choice':
      return withSnippet({ id: q.id, kind: q.kind, prompt: q.prompt, options: q.options.map((o) => ({ id: o.id, text: o.text })) }, q.snippet);
    case 'numeric': {
      const base = withSnippet({ id: q.id, kind: q.kind, prompt: q.prompt }, q.snippet);
      return q.unit === undefined ? base : { ...base, unit: q.unit };
    }
    case 'short_text':
      return withSnippet({ id: q.id, kind: q.kind, prompt: q.prompt, max_length: q.max_length ?? DEFAULT_SHORT_TEXT_MAX_LENGTH }, q.snippet);
    case 'likert':
      return { id: q.id, kind: q.kind, statement: q.statement, scale: { min: LIKERT_MIN, max: LIKERT_MAX, labels: [...likertLabels] } };
  }
}

/** The candidate's view of one test; `locale` picks the default likert labels when the content has none. */
export function toPublicTest(test: TestContent, locale?: string): PublicTest {
  const labels = test.likert_labels ?? [1, 2, 3, 4, 5].map((n) => t(locale, `likert.${n}` as MessageKey));
  return {
    id: test.id,
    name: test.name,
    description: test.description,
    duration_minutes: test.duration_minutes,
    question_count: test.questions.length,
    questions: test.questions.map((q) => toPublicQuestion(q, labels)),
  };
}

/** The candidate's view of a package: prompts, options, durations and counts, never answer keys or trait keying. */
export function toPublicPackage(pkg: PackageContent, locale?: string): PublicPackage {
  // Likert labels follow the content's language when it declares one, so they match the statements.
  const effectiveLocale = pkg.locale ?? locale ?? 'en';
  const tests = pkg.tests.map((test) => toPublicTest(test, effectiveLocale));
  return {
    id: pkg.id,
    version: pkg.version,
    name: pkg.name,
    description: pkg.description,
    type: pkg.type,
    locale: pkg.locale ?? 'en',
    duration_minutes: packageDurationMinutes(pkg),
    test_count: tests.length,
    question_count: tests.reduce((sum, test) => sum + test.question_count, 0),
    tests,
  };
}
