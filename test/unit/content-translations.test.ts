// Content in the candidate's language (issue 15): every package in content/ has a Dutch text for every
// translatable field, translations only name ids that exist, and a Dutch reader falls back to English
// per field — never losing the answer key, ids or timings.
import { describe, expect, it } from 'vitest';
import { loadBundledPackages } from '../../server/content/load-package-file.ts';
import { localizeContent, missingTranslations } from '../../shared/content/localize.ts';
import type { PackageContent } from '../../shared/content/schema.ts';

const packages = await loadBundledPackages();

describe('content translations', () => {
  it.each(packages.map((p) => [p.id, p] as const))('%s has a Dutch text for every translated field', (_id, pkg) => {
    expect(missingTranslations(pkg, 'nl')).toEqual([]);
  });

  it.each(packages.map((p) => [p.id, p] as const))('%s translates only tests, traits, questions and options that exist', (_id, pkg) => {
    const tr = pkg.translations!.nl!;
    const tests = new Map(pkg.tests.map((t) => [t.id, t]));
    const questions = new Map(pkg.tests.flatMap((t) => t.questions.map((q) => [q.id, q] as const)));
    const stale: string[] = [];
    for (const [id, t] of Object.entries(tr.tests ?? {})) {
      if (!tests.has(id)) stale.push(`tests.${id}`);
      for (const trait of Object.keys(t.traits ?? {})) if (!tests.get(id)?.traits?.some((x) => x.id === trait)) stale.push(`tests.${id}.traits.${trait}`);
    }
    for (const [id, q] of Object.entries(tr.questions ?? {})) {
      const base = questions.get(id);
      if (!base) stale.push(`questions.${id}`);
      const ids = base && 'options' in base ? base.options.map((o) => o.id) : [];
      for (const o of Object.keys(q.options ?? {})) if (!ids.includes(o)) stale.push(`questions.${id}.options.${o}`);
    }
    expect(stale).toEqual([]);
  });

  it('reads Dutch where a field is translated and English where it is not; keys, ids and timings stay', () => {
    const pkg = packages.find((p) => p.id === 'logical-reasoning')!;
    const partial: PackageContent = { ...pkg, translations: { nl: { name: 'Logisch redeneren', questions: { 'lr-alarm': { options: { a: 'De server is niet uitgevallen.' } } } } } };
    const nl = localizeContent(partial, 'nl');
    expect(nl.name).toBe('Logisch redeneren');
    expect(nl.description).toBe(pkg.description); // no Dutch text: English
    const alarm = nl.tests[1]!.questions.find((q) => q.id === 'lr-alarm')!;
    const base = pkg.tests[1]!.questions.find((q) => q.id === 'lr-alarm')!;
    expect(alarm).toMatchObject({ prompt: (base as { prompt: string }).prompt, answer: 'a' });
    expect((alarm as { options: { id: string; text: string }[] }).options.map((o) => o.text)).toEqual(['De server is niet uitgevallen.', ...(base as { options: { text: string }[] }).options.slice(1).map((o) => o.text)]);
    expect(nl.tests.map((t) => [t.id, t.duration_minutes, t.weight])).toEqual(pkg.tests.map((t) => [t.id, t.duration_minutes, t.weight]));
    expect(localizeContent(pkg, 'en')).toBe(pkg);
    expect(localizeContent(pkg, 'de')).toBe(pkg);
  });
});
