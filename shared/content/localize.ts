// Package content in the candidate's language (issue 15): the base text (English) with each field
// replaced where the content's translation for that locale has it — English stays the fallback per field.
import type { PackageContent, Question, Translation } from './schema.ts';

/** The package as a candidate with `locale` reads it; ids, keys, weights and timings are untouched. */
export function localizeContent(pkg: PackageContent, locale: string): PackageContent {
  const tr = pkg.translations?.[locale];
  if (!tr || locale === (pkg.locale ?? 'en')) return pkg;
  return {
    ...pkg,
    locale,
    name: tr.name ?? pkg.name,
    description: tr.description ?? pkg.description,
    tests: pkg.tests.map((test) => {
      const tt = tr.tests?.[test.id];
      return {
        ...test,
        name: tt?.name ?? test.name,
        description: tt?.description ?? test.description,
        explanation: tt?.explanation ?? test.explanation,
        likert_labels: tt?.likert_labels ?? test.likert_labels,
        traits: test.traits?.map((trait) => ({ ...trait, name: tt?.traits?.[trait.id]?.name ?? trait.name, explanation: tt?.traits?.[trait.id]?.explanation ?? trait.explanation })),
        questions: test.questions.map((q) => localizeQuestion(q, tr.questions?.[q.id])),
      };
    }),
  };
}

type QuestionText = NonNullable<Translation['questions']>[string];

function localizeQuestion(q: Question, t: QuestionText | undefined): Question {
  if (!t) return q;
  switch (q.kind) {
    case 'likert':
      return { ...q, statement: t.statement ?? q.statement };
    case 'single_choice':
    case 'multiple_choice':
      return { ...q, prompt: t.prompt ?? q.prompt, snippet: t.snippet ?? q.snippet, options: q.options.map((o) => ({ ...o, text: t.options?.[o.id] ?? o.text })) };
    case 'numeric':
      return { ...q, prompt: t.prompt ?? q.prompt, snippet: t.snippet ?? q.snippet, unit: t.unit ?? q.unit };
    case 'short_text':
      return { ...q, prompt: t.prompt ?? q.prompt, snippet: t.snippet ?? q.snippet };
  }
}

/**
 * The text fields of a package that have no translation for `locale` (paths like
 * "questions.lr-alarm.options.b"); snippets and units are optional (code and data read the same).
 */
export function missingTranslations(pkg: PackageContent, locale: string): string[] {
  const tr = pkg.translations?.[locale];
  const missing: string[] = [];
  const need = (present: unknown, path: string) => void (present === undefined && missing.push(path));
  need(tr?.name, 'name');
  need(tr?.description, 'description');
  for (const test of pkg.tests) {
    const tt = tr?.tests?.[test.id];
    for (const f of ['name', 'description', 'explanation'] as const) need(tt?.[f], `tests.${test.id}.${f}`);
    for (const trait of test.traits ?? []) {
      need(tt?.traits?.[trait.id]?.name, `tests.${test.id}.traits.${trait.id}.name`);
      need(tt?.traits?.[trait.id]?.explanation, `tests.${test.id}.traits.${trait.id}.explanation`);
    }
    for (const q of test.questions) {
      const qt = tr?.questions?.[q.id];
      if (q.kind === 'likert') need(qt?.statement, `questions.${q.id}.statement`);
      else need(qt?.prompt, `questions.${q.id}.prompt`);
      if (q.kind === 'single_choice' || q.kind === 'multiple_choice') for (const o of q.options) need(qt?.options?.[o.id], `questions.${q.id}.options.${o.id}`);
    }
  }
  return missing;
}
